from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib.auth.models import User

from igportal.forms import NHSFormMixin, date_field
from igportal.people import display_name


class AnyoneChoiceField(forms.ModelChoiceField):
    """Everyone who ever acted, former staff included, named as people know them."""

    def label_from_instance(self, obj: User) -> str:
        return display_name(obj)


class AuditFilterForm(NHSFormMixin, forms.Form):
    actor = AnyoneChoiceField(
        label="Who",
        required=False,
        queryset=User.objects.order_by("first_name", "last_name", "username"),
        empty_label="Anyone",
    )
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=64,
        help_text="For example request.view, or auth. for every sign-in event.",
    )
    target_type = forms.ChoiceField(label="Object type", required=False)
    target_id = forms.CharField(label="Object id", required=False, max_length=64)
    occurred_from = date_field("From", subject="the first day", required=False)
    occurred_to = date_field("To", subject="the last day", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["target_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Any"), *audited_object_types()]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("occurred_from"), cleaned.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", "The last day must be the same as or after the first day")
        return cleaned


def audited_object_types() -> list[tuple[str, str]]:
    """Every kind of object the trail names, from the models that declare an ``audit_type``."""
    kinds: dict[str, str] = {}
    for model in apps.get_models():
        audit_type = getattr(model, "audit_type", None)
        if isinstance(audit_type, str):
            kinds.setdefault(audit_type, str(model._meta.verbose_name).capitalize())
    return sorted(kinds.items(), key=lambda kind: kind[1])
