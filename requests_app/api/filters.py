"""Query-string filters of the API lists that have no register page form of their own to reuse."""

from __future__ import annotations

from django import forms

from necessity.rules import PurposeCategory, Urgency, choices
from requests_app.models import RequestStatus


class SharingRequestFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=(("", "Any"), *RequestStatus.choices))
    purpose = forms.ChoiceField(required=False, choices=(("", "Any"), *choices(PurposeCategory)))
    urgency = forms.ChoiceField(required=False, choices=(("", "Any"), *choices(Urgency)))
