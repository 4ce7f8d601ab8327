"""Small shapes every object kind uses, and request-body schemas read off the pages' forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Field as ModelField
from django.db.models import Model
from rest_framework import serializers

from igportal.people import display_name
from requests_app.api.forms import choice_pairs


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return display_name(user)


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    kind = serializers.CharField()


def _field_for(field: forms.Field) -> serializers.Field:
    common: dict[str, Any] = {
        "required": field.required,
        "help_text": " ".join(str(part) for part in (field.label, field.help_text) if part),
    }
    optional = not field.required
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(allow_null=optional, **common)
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.ListField(child=serializers.ChoiceField(choices=choice_pairs(field)), **common)
    if isinstance(field, forms.ChoiceField):
        choices = [(value, label) for value, label in choice_pairs(field) if value != ""]
        return serializers.ChoiceField(choices=choices, allow_blank=optional, allow_null=optional, **common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=optional, **common)
    if isinstance(field, forms.IntegerField):
        for bound in ("min_value", "max_value"):
            if getattr(field, bound) is not None:
                common[bound] = getattr(field, bound)
        return serializers.IntegerField(allow_null=optional, **common)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits, decimal_places=field.decimal_places, allow_null=optional, **common
        )
    if isinstance(field, forms.EmailField):
        return serializers.EmailField(allow_blank=optional, allow_null=optional, **common)
    assert isinstance(field, forms.CharField), f"no schema mapping for {type(field).__name__}"
    if field.max_length is not None:
        common["max_length"] = field.max_length
    return serializers.CharField(allow_blank=optional, allow_null=optional, **common)


def form_schema(name: str, form: forms.BaseForm, *, doc: str = "") -> type[serializers.Serializer]:
    """A serializer describing ``form``'s fields, for the OpenAPI schema only: the form validates.

    Built from a form instance because several forms add or drop fields in ``__init__``.
    """
    fields = {field_name: _field_for(field) for field_name, field in form.fields.items()}
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc or f"The fields of {name}."})


def blank_choice(model: type[Model], name: str) -> serializers.ChoiceField:
    """A model's choice field that may be left blank (a refusal has no Article 6 condition, a draft ISA
    no transfer method yet), so the schema's enum allows the blank the records hold."""
    field = model._meta.get_field(name)
    assert isinstance(field, ModelField) and field.choices, f"{model.__name__}.{name} is not a choice field"
    return serializers.ChoiceField(choices=list(field.choices), allow_blank=True, read_only=True)
