from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest

from requests_app.services.audit import audit_record


@transaction.atomic
def user_email_change(*, request: HttpRequest, user: User, email: str) -> None:
    """Change the address and tell the old one, so a hijacked session cannot move it silently."""
    old_email = user.email
    user.email = email
    user.full_clean(validate_unique=False)
    user.save(update_fields=["email"])
    # The addresses themselves stay out of the trail: the change is what must be accountable.
    audit_record(action="auth.email_changed", actor=user, request=request)
    if old_email:
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Your {settings.PORTAL_SERVICE_NAME} email address was changed",
                message=(
                    f"The email address on your {settings.PORTAL_SERVICE_NAME} account was just changed.\n"
                    "If you did not do this, tell your IG team straight away."
                ),
                from_email=None,
                recipient_list=[old_email],
            )
        )
