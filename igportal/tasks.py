from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.models import UserSession


@shared_task
def clear_expired_sessions() -> int:
    """Delete expired sessions so that a stolen old cookie is worth nothing; safe to run twice."""
    deleted, _ = UserSession.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
