"""Helpers for tests that go through the MFA pages the way a person would."""

from __future__ import annotations

import time
from datetime import timedelta

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's authenticator app shows now (or ``steps_ahead`` periods later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wait_out_the_throttle(device: TOTPDevice) -> None:
    """As if the person waited after a wrong code: django-otp refuses any code for a while after one."""
    device.refresh_from_db()
    if device.throttling_failure_timestamp is not None:
        device.throttling_failure_timestamp -= timedelta(hours=1)
        device.save(update_fields=["throttling_failure_timestamp"])


def log_in_with_password(client: Client, user: User) -> None:
    response = client.post(reverse("login"), {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
