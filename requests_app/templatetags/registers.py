"""The register pages' own filter: an ISA version's status label from an annotation (the tag colours
are the status enums' own; see ``requests_app.templatetags.formats``)."""

from __future__ import annotations

from django import template

from requests_app.models import AgreementStatus

register = template.Library()


@register.filter
def agreement_status(status: str) -> str:
    """The label of an ISA version status read from an annotation, e.g. "Awaiting Caldicott Guardian"."""
    return str(AgreementStatus(status).label) if status in AgreementStatus.values else status
