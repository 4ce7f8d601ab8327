"""A person's own notifications: only ever their own."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from requests_app.models import Notification


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()


def get_notification_for_user(user: User, pk: int) -> Notification:
    """The user's own notification, or 404: nobody learns that another person's exists."""
    notification = Notification.objects.filter(pk=pk, recipient=user).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification
