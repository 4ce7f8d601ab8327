from __future__ import annotations

from django import forms

from igportal.forms import NHSFormMixin
from requests_app.models import DataItemType
from requests_app.services.catalogue import CATALOGUE_FIELDS


class DataItemTypeForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = DataItemType
        fields = list(CATALOGUE_FIELDS)
        help_texts = {
            "code": "A stable code used in assessments, such as 'date_of_birth'. Never reuse an old code.",
            "active": "Inactive items are not offered in new requests; requests that used them keep them.",
        }
