"""The audit trail page: each event as a sentence."""

from __future__ import annotations

from django import template

from requests_app.audit_sentences import event_sentence
from requests_app.models import AuditEvent

register = template.Library()


@register.simple_tag
def audit_sentence(event: AuditEvent) -> str:
    """What an audit row says happened (``requests_app.audit_sentences``)."""
    return event_sentence(event.action, event.detail)
