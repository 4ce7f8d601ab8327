"""Forms for access request cases: details, the register's filters, and one form per transition.

Dates are typed as day/month/year into a text box, so whatever was typed comes back unchanged when
something else on the page needs correcting.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User

from igportal.forms import DATE_HINT, NHSFormMixin, date_field
from igportal.people import display_name
from requests_app.foi_exemptions import exemptions_for
from requests_app.models import (
    AccessRequest,
    AccessRequestChannel,
    AccessRequestKind,
    AccessRequestOutcome,
    AccessRequestStatus,
    IdentityMethod,
    ReplyMethod,
)
from requests_app.models.access import (
    ART19_KINDS,
    DETAIL_FIELDS,
    FEE_KINDS,
    LOGGABLE_KIND_CHOICES,
    ONE_MONTH_KINDS,
    PERSON_CLOSING_OUTCOMES,
    RIGHTS_KINDS,
    outcomes_for,
)
from requests_app.selectors.access import access_request_handlers


class AccessRequestForm(NHSFormMixin, forms.ModelForm):
    """The case's details; ``kind`` is chosen once, when the case is logged, and then shown, not edited."""

    class Meta:
        model = AccessRequest
        fields = ["kind", *DETAIL_FIELDS]
        widgets = {
            "kind": forms.RadioSelect,
            "channel": forms.RadioSelect,
            "requester_address": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "searches_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        if editing:
            del self.fields["kind"]
            if self.instance.kind != AccessRequestKind.DECEASED:
                del self.fields["recent_records_only"]
            if self.instance.kind not in FEE_KINDS:
                for name in ("fee_amount", "fee_requested_on", "fee_paid_on"):
                    del self.fields[name]
            if self.instance.kind == AccessRequestKind.FOI:
                self.fields["fee_requested_on"].label = "Fees notice given on"
                self.fields["fee_requested_on"].help_text = (
                    "The count stops from this day until the fee is received (FOIA s10(2); FOISA s10(2)); "
                    "unpaid after three months, the request lapses (FOIA s9(2); FOISA s9(4))."
                )
                self.fields["fee_paid_on"].label = "Fee received on"
            if self.instance.kind != AccessRequestKind.SAR:
                for name in ("searches_proportionate", "searches_note"):
                    del self.fields[name]
            if self.instance.kind not in (AccessRequestKind.FOI, AccessRequestKind.EIR):
                for name in ("publish_in_disclosure_log", "disclosure_log_summary"):
                    del self.fields[name]
            else:
                self.fields["searches_proportionate"].help_text = (
                    "UK GDPR Art 15(1A): the requester is entitled to what a reasonable and proportionate "
                    "search finds. Say what was searched below."
                )
        else:
            # What was searched, and what is published, are known once the answer is under way; they
            # are recorded by editing the case.
            for name in (
                "searches_proportionate",
                "searches_note",
                "publish_in_disclosure_log",
                "disclosure_log_summary",
            ):
                del self.fields[name]
            # Fees are asked for after the request has been read; they are recorded by editing the case.
            for name in ("fee_amount", "fee_requested_on", "fee_paid_on"):
                del self.fields[name]
            self.fields["kind"].error_messages["required"] = "Choose the type of request."
        # A review or an appeal is logged from the case it follows, which it is linked to.
        for name, choices in (("kind", LOGGABLE_KIND_CHOICES), ("channel", AccessRequestChannel.choices)):
            if name in self.fields:
                # Radios need no "---------" choice: nothing checked already means nothing chosen.
                self.fields[name].choices = choices  # type: ignore[attr-defined]
        self.fields["received_on"] = date_field("Date received", subject="the date you received the request")
        for name in ("fee_requested_on", "fee_paid_on"):
            if name in self.fields:
                help_text = self.fields[name].help_text
                self.fields[name] = date_field(str(self.fields[name].label), required=False)
                self.fields[name].help_text = help_text
        self.fields["channel"].error_messages["required"] = "Choose how the request arrived."
        self.fields["requester_name"].error_messages["required"] = "Enter the requester's name."
        self.fields["description"].error_messages["required"] = "Say what the requester asked for."
        self.fields["requester_email"].error_messages["invalid"] = (
            "Enter an email address in the right format, like name@example.com."
        )
        handler = self.fields["handler"]
        assert isinstance(handler, forms.ModelChoiceField)
        handler.queryset = access_request_handlers()
        handler.label_from_instance = display_name  # type: ignore[method-assign,assignment]
        handler.empty_label = "Not assigned yet"


class AccessRequestFilterForm(NHSFormMixin, forms.Form):
    q = forms.CharField(label="Reference or name", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *AccessRequestKind.choices]
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any status"),
            ("open", "Open (not responded or closed)"),
            *AccessRequestStatus.choices,
        ],
    )
    handler = forms.ModelChoiceField(
        label="Handler", required=False, queryset=User.objects.none(), empty_label="Anyone"
    )
    due_within = forms.IntegerField(
        label="Due within (working days)",
        required=False,
        min_value=0,
        max_value=250,
        error_messages={
            "invalid": "Enter a whole number of working days, like 5.",
            "min_value": "Enter 0 or more working days.",
            "max_value": "Enter 250 working days or fewer.",
        },
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handler = self.fields["handler"]
        assert isinstance(handler, forms.ModelChoiceField)
        handler.queryset = access_request_handlers()
        handler.label_from_instance = display_name  # type: ignore[method-assign,assignment]


# --- one form per transition; field names are the keyword arguments of access_request_transition ------


class TransitionForm(NHSFormMixin, forms.Form):
    def __init__(self, *args: Any, case: AccessRequest, **kwargs: Any) -> None:
        self.case = case
        super().__init__(*args, **kwargs)


class RequestIdentityForm(TransitionForm):
    on = date_field("Date proof of identity was asked for")

    def __init__(self, *args: Any, case: AccessRequest, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case.kind == AccessRequestKind.DECEASED:
            self.fields["on"] = date_field(
                "Date proof of identity or entitlement was asked for",
                help_text="Asked within 14 days of the application, the 40 days run from its arrival. "
                + DATE_HINT,
            )


class VerifyIdentityForm(TransitionForm):
    on = date_field("Date identity was verified")
    method = forms.ChoiceField(
        label="How identity was verified",
        choices=IdentityMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how identity was verified."},
    )


class StartForm(TransitionForm):
    pass


_ONE_MONTH_PAUSE = "The clock stops from this date until the answer arrives (UK GDPR Art 12A)."
_CLARIFICATION_EFFECT = {
    **{AccessRequestKind(kind): _ONE_MONTH_PAUSE for kind in ONE_MONTH_KINDS},
    AccessRequestKind.FOI: "The 20 working days start again when the answer arrives (FOIA s1(3)).",
    AccessRequestKind.EIR: "The 20 working days start again when the answer arrives (EIR reg 9(4)).",
    AccessRequestKind.DECEASED: "Only information needed to identify the patient or confirm the applicant's "
    "entitlement, asked within 14 days, restarts the 40 days (AHRA 1990 s3(6)).",
}


class AskClarificationForm(TransitionForm):
    on = date_field("Date clarification was asked for")
    details = forms.CharField(
        label="What you asked",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what you asked the requester to clarify."},
    )

    def __init__(self, *args: Any, case: AccessRequest, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["details"].help_text = _CLARIFICATION_EFFECT.get(
            AccessRequestKind(case.kind), "The clock does not stop for this type of case."
        )


class RecordClarificationForm(TransitionForm):
    on = date_field("Date the clarification arrived")


class ExtendForm(TransitionForm):
    details = forms.CharField(
        label="Why the deadline is extended",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for the extension."},
    )
    told_on = date_field("Date the requester was told", required=False)
    extended_until = date_field("Date the full response is now due", required=False)

    def __init__(self, *args: Any, case: AccessRequest, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case.kind in ONE_MONTH_KINDS:
            self.fields["told_on"].required = True
            self.fields[
                "told_on"
            ].help_text = "Tell them within the first month, and why (UK GDPR Art 12(3))."
        if case.kind == AccessRequestKind.FOI:
            self.fields["extended_until"].required = True
            self.fields["extended_until"].help_text = (
                "Public interest extension (FOIA s10(3)): a reasonable time, which the ICO says should "
                "normally be no more than 20 further working days. " + DATE_HINT
            )
        else:
            del self.fields["extended_until"]


PUBLIC_INTEREST_PREFIX = "public_interest_"


class ExemptionsMixin(TransitionForm):
    """The exemptions or exceptions a FOI or EIR answer relied on, and a public interest test for each
    qualified one relied on (FOIA s2(2)(b), FOISA s2(1)(b), EIR reg 12(1)(b), EISR reg 10(1)(b)): one box
    per qualified exemption, named ``public_interest_<code>``; ``clean`` hands the service a mapping of
    code to test as ``public_interest``. Absolute exemptions carry none."""

    exemptions = forms.MultipleChoiceField(
        label="Exemptions or exceptions relied on",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For anything withheld.",
    )

    def __init__(self, *args: Any, case: AccessRequest, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        from requests_app.access_workflow import foi_regime

        available = exemptions_for(case.kind, regime=foi_regime())
        if not available:
            del self.fields["exemptions"]
            return
        field = self.fields["exemptions"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (e.code, f"{e.label}{' (qualified)' if e.qualified else ' (absolute)'}") for e in available
        ]
        presumption = (
            " With the presumption in favour of disclosure (EIR reg 12(2); EISR reg 10(2)(b))."
            if case.kind == AccessRequestKind.EIR
            else ""
        )
        # Each qualified exemption's own test, placed straight after the checkboxes in the form's order.
        order = list(self.fields)
        at = order.index("exemptions") + 1
        for exemption in available:
            if not exemption.qualified:
                continue
            name = f"{PUBLIC_INTEREST_PREFIX}{exemption.code}"
            self.fields[name] = forms.CharField(
                label=f"Public interest test: {exemption.citation} ({exemption.title})",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Only if you rely on it: the arguments each way and why withholding wins."
                + presumption,
            )
            order.insert(at, name)
            at += 1
        self.order_fields(order)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or self.cleaned_data
        tests = {
            name.removeprefix(PUBLIC_INTEREST_PREFIX): str(cleaned.pop(name) or "").strip()
            for name in list(cleaned)
            if name.startswith(PUBLIC_INTEREST_PREFIX)
        }
        cleaned["public_interest"] = {code: text for code, text in tests.items() if text}
        return cleaned


class RespondForm(ExemptionsMixin):
    field_order = ["on", "outcome", "details", "recipients_told", "exemptions"]

    on = date_field("Date the response was sent")
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the response gave the requester."},
    )
    details = forms.CharField(
        label="Outcome details",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when information was withheld: what, and the exemption relied on.",
    )
    recipients_told = forms.CharField(
        label="Recipients told (UK GDPR Art 19)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Each organisation the data was disclosed to, told of the change; or why none could be.",
    )

    def __init__(self, *args: Any, case: AccessRequest, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [(value, AccessRequestOutcome(value).label) for value in outcomes_for(case.kind)]
        if case.kind in RIGHTS_KINDS:
            outcome.label = "Decision"
            self.fields["details"].label = "The decision and its reasons"
            self.fields[
                "details"
            ].help_text = "Needed when not everything asked for was done: what, and why (UK GDPR Art 12(4))."
        if case.kind not in ART19_KINDS:
            del self.fields["recipients_told"]


class CloseForm(ExemptionsMixin):
    field_order = ["outcome", "on", "details", "exemptions"]
    outcome = forms.ChoiceField(
        label="Why the case is closing",
        choices=[(value, AccessRequestOutcome(value).label) for value in PERSON_CLOSING_OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the request was withdrawn or refused."},
    )
    on = date_field(
        "Date withdrawn or refusal sent",
        help_text="A refusal is the response: it must be sent by the due date. " + DATE_HINT,
    )
    details = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for a refusal: the exemption or ground relied on.",
    )


class AcknowledgeForm(TransitionForm):
    on = date_field("Date the complaint was acknowledged")


TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    "acknowledge": AcknowledgeForm,
    "request_identity": RequestIdentityForm,
    "verify_identity": VerifyIdentityForm,
    "start": StartForm,
    "ask_clarification": AskClarificationForm,
    "record_clarification": RecordClarificationForm,
    "extend": ExtendForm,
    "respond": RespondForm,
    "close": CloseForm,
}


class RedactionForm(NHSFormMixin, forms.Form):
    """One line of the redaction log: the document, where, what was withheld and under what."""

    document = forms.CharField(
        label="Document", max_length=200, error_messages={"required": "Name the document."}
    )
    location = forms.CharField(label="Where in it (page, paragraph)", max_length=200, required=False)
    withheld = forms.CharField(
        label="What was withheld",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Say what was withheld."},
    )
    code = forms.ChoiceField(
        label="Exemption or exception", error_messages={"required": "Choose the exemption or exception."}
    )

    def __init__(self, *args: Any, case: AccessRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from requests_app.access_workflow import foi_regime

        field = self.fields["code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Choose"),
            *((e.code, e.label) for e in exemptions_for(case.kind, regime=foi_regime())),
        ]


class FollowUpForm(NHSFormMixin, forms.Form):
    """Log an internal review of, or a complaint to the Commissioner about, a FOI or EIR answer."""

    kind = forms.ChoiceField(
        label="What has arrived",
        widget=forms.RadioSelect,
        choices=[
            (AccessRequestKind.REVIEW.value, "The requester asked for an internal review"),
            (AccessRequestKind.APPEAL.value, "The Information Commissioner told us of a complaint"),
        ],
        error_messages={"required": "Choose a review or a complaint to the Commissioner."},
    )
    received_on = date_field("Date it arrived")
    details = forms.CharField(
        label="What the requester disputes",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        error_messages={"required": "Say what is disputed."},
    )
    regulator_due_on = date_field(
        "Date the Commissioner asked for our response", required=False, help_text="Complaints only."
    )


# --- the public "ask online" form ----------------------------------------------------------------------


class OnlineAccessRequestForm(NHSFormMixin, forms.Form):
    """What a member of the public fills in to ask online; no account. ``website`` is a honeypot: hidden
    from people (and from screen readers), so only a robot fills it in."""

    kind = forms.ChoiceField(
        label="What do you want to ask for?",
        widget=forms.RadioSelect,
        choices=[
            (
                AccessRequestKind.SAR.value,
                "Information we hold about you, or someone you act for (subject access)",
            ),
            (AccessRequestKind.FOI.value, "Information we hold about our work (freedom of information)"),
            (AccessRequestKind.EIR.value, "Information about the environment (environmental information)"),
            (
                AccessRequestKind.COMPLAINT.value,
                "A complaint about how we have used your personal information",
            ),
        ],
        error_messages={"required": "Choose what you want to ask for."},
    )
    description = forms.CharField(
        label="What information do you want, or what is your complaint?",
        help_text="Be as specific as you can, for example the dates, the service or the kind of record.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={
            "required": "Describe the information you want.",
            "max_length": "Describe the information in 10,000 characters or fewer.",
        },
    )
    requester_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name.", "max_length": "Enter 200 characters or fewer."},
    )
    subject_name = forms.CharField(
        label="If you are asking for someone else's information, their full name",
        help_text="Subject access only. Leave this empty if the information is about you.",
        max_length=200,
        required=False,
    )
    reply_by = forms.ChoiceField(
        label="How should we reply?",
        widget=forms.RadioSelect,
        choices=ReplyMethod.choices,
        error_messages={"required": "Choose how we should reply."},
    )
    requester_email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the right format, like name@example.com."},
    )
    requester_phone = forms.CharField(label="Phone number (optional)", required=False, max_length=40)
    requester_address = forms.CharField(
        label="Postal address",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    identity_document = forms.FileField(
        label="Proof of identity (subject access only, optional)",
        required=False,
    )
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        megabytes = settings.UPLOAD_MAX_BYTES // 1048576
        self.fields["identity_document"].help_text = (
            "For a subject access request we need to know you are the person the information is about, "
            "or that you act for them: a photo identity document, or two documents showing your name and "
            "address "
            f"(a PDF, PNG, JPEG, Word or Excel file, up to {megabytes} MB). You can also send it later."
        )
        self.fields["website"].widget.attrs |= {"autocomplete": "off", "tabindex": "-1"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != AccessRequestKind.SAR:
            if data.get("subject_name"):
                self.add_error("subject_name", "Only a subject access request is about a named person.")
            if data.get("identity_document"):
                self.add_error("identity_document", "Only a subject access request needs proof of identity.")
        return data

    @property
    def is_robot(self) -> bool:
        """True when the hidden field was filled in: the request is dropped without saying so."""
        return bool(self.data.get("website"))

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "website"}
