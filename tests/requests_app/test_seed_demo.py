from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from igportal.roles import Role, roles_of
from requests_app.management.commands.seed_demo import DEMO_PASSWORD
from requests_app.models import AuditEvent, Organisation, OrganisationSettings, RequestHistory, SharingRequest

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_user_per_role_and_prints_them() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    held = {role for user in User.objects.all() for role in roles_of(user)}
    assert held == set(Role)
    assert all(User.objects.get(username=name).check_password(DEMO_PASSWORD) for name in ("dpo", "requester"))
    assert "caldicott" in out.getvalue()
    assert Organisation.objects.filter(kind="police").exists()
    assert OrganisationSettings.load().caldicott_guardian == User.objects.get(username="caldicott")


def test_seed_demo_can_run_twice() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == len(Role)


def test_seed_demo_refuses_production() -> None:
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="refuses to run"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_seed_demo_fills_each_reviewers_queue_once() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    statuses = sorted(SharingRequest.objects.values_list("status", flat=True))
    assert statuses == ["approved", "awaiting_caldicott", "draft", "submitted"]
    # Every demo decision went through the workflow service, so history and audit are real.
    assert AuditEvent.objects.filter(action="request.transition").count() == RequestHistory.objects.count()
