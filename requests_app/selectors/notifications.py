"""A person's own notifications: only ever their own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from requests_app.models import Notification

# A thread shows its newest few messages; the rest stay one click away, on the object's own page.
THREAD_SHOWN = 5


@dataclass(frozen=True)
class NotificationThread:
    """Everything one person was told about one request (or other page), newest first."""

    link: str
    title: str
    total: int
    unread: int
    notifications: tuple[Notification, ...]

    @property
    def hidden(self) -> int:
        return self.total - len(self.notifications)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()


def get_notification_for_user(user: User, pk: int) -> Notification:
    """The user's own notification, or 404: nobody learns that another person's exists."""
    notification = Notification.objects.filter(pk=pk, recipient=user).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


def notification_thread_rows(user: User) -> QuerySet[Notification, dict[str, Any]]:
    """One row per thread (the page the notifications point to), the most recent first: what is paged."""
    return (
        Notification.objects.filter(recipient=user)
        .values("link")
        .annotate(latest=Max("created_at"), total=Count("id"), unread=Count("id", filter=Q(read_at=None)))
        .order_by("-latest", "link")
    )


def notification_threads(user: User, rows: Sequence[dict[str, Any]]) -> list[NotificationThread]:
    """The notifications of one page of thread rows, grouped; one query."""
    links = [row["link"] for row in rows]
    by_link: dict[str, list[Notification]] = {link: [] for link in links}
    for notification in (
        Notification.objects.filter(recipient=user, link__in=links)
        .select_related("history", "history__actor", "history__request")
        .order_by("-created_at", "-id")
    ):
        by_link[notification.link].append(notification)
    threads = []
    for row in rows:
        notifications = by_link[row["link"]]
        about = next((note.history.request for note in notifications if note.history is not None), None)
        if about is not None:
            title = f"{about.reference}: {about.title}" if about.title else about.reference
        else:
            title = notifications[0].subject if notifications else "Notifications"
        threads.append(
            NotificationThread(
                link=row["link"],
                title=title,
                total=row["total"],
                unread=row["unread"],
                notifications=tuple(notifications[:THREAD_SHOWN]),
            )
        )
    return threads
