from __future__ import annotations

from django import forms

from igportal.forms import NHSFormMixin, date_field
from requests_app.models import LegalHoldKind, RetentionRule
from requests_app.services.retention import MAX_REASON


class RetentionRuleForm(NHSFormMixin, forms.ModelForm):
    reason = forms.CharField(
        label="Why the schedule is changing",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_REASON,
        help_text="Kept with this version of the rule and in the audit trail.",
    )

    class Meta:
        model = RetentionRule
        fields = ["period_months", "trigger", "authority", "verified"]
        widgets = {"trigger": forms.RadioSelect}


class DisposalDecisionForm(NHSFormMixin, forms.Form):
    """What the DPO's decision on a disposal review takes: reasons, and the move's own input."""

    comment = forms.CharField(
        label="Reasons", required=False, max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2})
    )
    extended_until = date_field("Keep until", required=False, years_ahead=30)
    hold_kind = forms.ChoiceField(
        label="The hold is for", required=False, choices=LegalHoldKind.choices, widget=forms.RadioSelect
    )


class ReferRecordForm(NHSFormMixin, forms.Form):
    reference = forms.CharField(
        label="Reference of the IG Portal record this request reaches",
        max_length=20,
        help_text="A finished record about this person: an earlier access request (SAR-2023-00012), a"
        " sharing request, disclosure, data flow, ISA, DPIA, incident or consent withdrawal.",
        error_messages={"required": "Enter the reference of the record."},
    )
