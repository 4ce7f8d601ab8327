from __future__ import annotations

from django import forms
from django.contrib.auth.models import User

from igportal.bounds import DateWithinRange
from igportal.forms import NHSFormMixin


class AuditFilterForm(NHSFormMixin, forms.Form):
    actor = forms.ModelChoiceField(
        label="Who", required=False, queryset=User.objects.order_by("username"), empty_label="Anyone"
    )
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=64,
        help_text="For example request.view, or auth. for every sign-in event.",
    )
    target_type = forms.CharField(label="Object type", required=False, max_length=64)
    target_id = forms.CharField(label="Object id", required=False, max_length=64)
    occurred_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[DateWithinRange("The start date")],
    )
    occurred_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[DateWithinRange("The end date")],
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("occurred_from"), cleaned.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", "The end date must be on or after the start date.")
        return cleaned
