from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from igportal.forms import LongSelect, NHSFormMixin, OneQueryModelChoiceField
from igportal.roles import IG_TEAM, role_holders
from necessity.rules import PurposeCategory, TransferMethod, Urgency, choices
from requests_app.models import Decision, Organisation, OverrideKind, RequestStatus, SignOffStage


class DecisionForm(NHSFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose your decision"},
    )
    kept_conditions = forms.MultipleChoiceField(
        label="The engine's conditions to keep",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a condition only to drop it: that overrides the engine and needs your reasons.",
    )
    required_method = forms.ChoiceField(
        label="Share only by (optional)",
        required=False,
        choices=(("", "Any secure method"), *choices(TransferMethod)),
    )
    conditions = forms.CharField(
        label="Your own conditions (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: send to the named officer only.",
    )
    comment = forms.CharField(
        label="Reasons",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for anything but a plain approval, and at length for an override. "
        "The requester and later reviewers read them.",
    )
    # Set by the confirmation page: the first post shows what is being signed, the second signs it.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, engine_conditions: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kept_conditions"]
        assert isinstance(field, forms.MultipleChoiceField)
        conditions = engine_conditions or []
        field.choices = [(c["key"], f"{c['label']}: {c['text']}") for c in conditions]
        if not conditions:
            del self.fields["kept_conditions"]


class CommentForm(NHSFormMixin, forms.Form):
    body = forms.CharField(
        label="Add a comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Everyone who can see this request reads it. Add no personal details that are not needed.",
        error_messages={"required": "Write a comment first"},
    )


class AddStageForm(NHSFormMixin, forms.Form):
    stage = forms.ChoiceField(
        label="Sign-off to add",
        choices=SignOffStage.choices,
        error_messages={"required": "Choose a sign-off"},
    )
    reason = forms.CharField(
        label="Why is it needed?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why this sign-off is needed"},
    )

    def __init__(self, *args: Any, stages: list[str] | None = None, **kwargs: Any) -> None:
        """``stages``: the sign-offs that could still be added, offered alone (the page's form)."""
        super().__init__(*args, **kwargs)
        if stages is not None:
            field = self.fields["stage"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(stage, SignOffStage(stage).label) for stage in stages]


class AssignForm(NHSFormMixin, forms.Form):
    assignee = OneQueryModelChoiceField(
        label="Assign to",
        required=False,
        queryset=User.objects.none(),
        empty_label="Nobody",
        widget=LongSelect,  # every IG officer and DPO: a few dozen options on each request page
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = role_holders(IG_TEAM).order_by("first_name", "last_name")


class QueueFilterForm(NHSFormMixin, forms.Form):
    purpose = forms.ChoiceField(
        label="Purpose", required=False, choices=(("", "Any"), *choices(PurposeCategory))
    )
    urgency = forms.ChoiceField(label="Urgency", required=False, choices=(("", "Any"), *choices(Urgency)))
    recipient = OneQueryModelChoiceField(
        label="Organisation",
        required=False,
        # The filter needs only each organisation's id and name; a full row costs four times as much.
        queryset=Organisation.objects.only("pk", "name").order_by("name"),
        label_field="name",
        empty_label="Any",
        widget=LongSelect,
    )
    older_than_days = forms.IntegerField(
        label="Waiting more than (days)", required=False, min_value=0, max_value=3650
    )
    assigned = forms.ChoiceField(
        label="Assigned",
        required=False,
        choices=(("", "Anyone"), ("me", "To me"), ("nobody", "To nobody")),
    )


class BrowseFilterForm(QueueFilterForm):
    """Every request a reader may see: the IG team's filters, plus the status."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=(("", "Any"), *[(s.value, s.label) for s in RequestStatus if s != RequestStatus.DRAFT]),
    )
    field_order = ["status"]


class OverrideFilterForm(NHSFormMixin, forms.Form):
    override = forms.ChoiceField(
        label="Kind of override", required=False, choices=(("", "Any"), *OverrideKind.choices)
    )
    stage = forms.ChoiceField(label="Stage", required=False, choices=(("", "Any"), *SignOffStage.choices))
    rules_version = forms.CharField(label="Rules version", required=False, max_length=20)
    signed_from = forms.DateField(label="Signed from", required=False)
    signed_to = forms.DateField(label="Signed up to", required=False)
