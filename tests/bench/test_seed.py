"""The benchmark seed: proportional counts, a valid audit chain, and pages that work on what it makes."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from bench.seed import SeedRefused, personas, seed
from igportal.roles import Role, roles_of
from requests_app.models import (
    AccessRequest,
    AuditEvent,
    DataFlow,
    InformationAsset,
    OrganisationSettings,
    Processor,
    RequestStatus,
    SharingAgreement,
    SharingRequest,
    SharingRequestGroupObjectPermission,
    SignOff,
)
from tests.conftest import ClientFor

pytestmark = [pytest.mark.django_db, pytest.mark.services, pytest.mark.slow]

# 200 requests, 40 data flows, 10 ISAs, 100 access requests: a second or two to make.
SCALE = 0.002


@pytest.fixture
def seeded(settings: Any, tmp_path: Path) -> dict[str, int]:
    settings.MEDIA_ROOT = tmp_path
    return seed(scale=SCALE, rng_seed=7, log=lambda line: None, allow_any_database=True)


def test_the_counts_follow_the_scale(seeded: dict[str, int]) -> None:
    assert seeded["sharing_requests"] == SharingRequest.objects.count() == 200
    assert seeded["data_flows"] == DataFlow.objects.count() == 40
    assert seeded["agreements"] == SharingAgreement.objects.count() == 10
    assert seeded["access_requests"] == AccessRequest.objects.count() == 100
    assert seeded["object_permissions"] == SharingRequestGroupObjectPermission.objects.count() > 0
    # About twenty audit events per request, as at full scale.
    assert 15 * 200 <= seeded["audit_events"] == AuditEvent.objects.count() <= 30 * 200
    assert seeded["reminder_milestones_due_unclaimed"] >= 1
    # Every queue has work, and most requests were decided long ago.
    statuses = set(SharingRequest.objects.values_list("status", flat=True))
    # Every status, the asset owner's stage too: some requests draw on a registered asset.
    assert set(RequestStatus.values) <= statuses
    # 2,000 assets and 500 processors at full scale; the owners sign the requests drawing on them first.
    assert seeded["information_assets"] == InformationAsset.objects.count() == 4
    assert seeded["processors"] == Processor.objects.count() == 1
    waiting_owner = SharingRequest.objects.filter(status=RequestStatus.AWAITING_IAO)
    assert waiting_owner.exists() and all(request.assets.exists() for request in waiting_owner)
    for request in waiting_owner:
        (asset,) = request.assets.all()
        assert request.stages[0] == "iao" and asset.status == "active"
        assert request.requester_id != asset.owner_id
        assert asset.owner.has_perm("requests_app.view_sharingrequest", request)
    owner_signed = SignOff.objects.filter(stage="iao")
    assert owner_signed.exists()
    assert all(s.request.assets.get().may_sign_for(s.signer_id) for s in owner_signed)
    assert DataFlow.objects.exclude(asset=None).exists()
    waiting = ["draft", "submitted", "ig_review", "changes_requested", "awaiting_caldicott", "awaiting_siro"]
    assert SharingRequest.objects.exclude(status__in=waiting).count() > 150


def test_the_audit_chain_verifies(seeded: dict[str, int]) -> None:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().splitlines()[0] == f"{seeded['audit_events']} events, chain intact"


def test_the_counts_the_database_keeps_equal_a_recount_after_the_seed(seeded: dict[str, int]) -> None:
    """The seed loads cases with COPY, past the services: the triggers count them all the same."""
    from requests_app.selectors.access import kept_access_statistics, recount_access_statistics
    from requests_app.selectors.dashboard import COUNTED_MODELS, recount_statuses, status_counts

    kept = kept_access_statistics()
    assert kept == recount_access_statistics()
    assert sum(n for key, n in kept.items() if key[1] == "received") == seeded["access_requests"]
    statuses = status_counts()
    assert all(statuses[model] == recount_statuses(model) for model in COUNTED_MODELS)


def test_the_personas_hold_the_roles_and_offices_the_pages_expect(seeded: dict[str, int]) -> None:
    people = personas()
    requester, caldicott, dpo, ig = (people[key] for key in ("requester", "caldicott", "dpo", "ig"))
    assert isinstance(requester, User) and isinstance(caldicott, User)
    assert isinstance(dpo, User) and isinstance(ig, User)
    assert roles_of(requester) == {Role.REQUESTER}
    assert Role.CALDICOTT_GUARDIAN in roles_of(caldicott)
    assert Role.DPO in roles_of(dpo)
    assert Role.IG_OFFICER in roles_of(ig)
    portal = OrganisationSettings.load()
    assert portal.caldicott_guardian_id == caldicott.pk
    assert portal.dpo_id == dpo.pk
    # The requester has requests waiting in every queue, and decided ones (at full scale, in every state).
    states = set(SharingRequest.objects.filter(requester=requester).values_list("status", flat=True))
    waiting = {"draft", "submitted", "ig_review", "changes_requested", "awaiting_caldicott", "awaiting_siro"}
    assert waiting < states
    detail = SharingRequest.objects.get(reference=people["detail_reference"])
    assert detail.status == RequestStatus.AWAITING_CALDICOTT
    assert detail.comments.exists() and detail.signoffs.filter(stage="ig_dpo", decision="approve").exists()


def test_the_benchmarked_pages_answer_for_each_persona(seeded: dict[str, int], client_for: ClientFor) -> None:
    people = personas()
    reference = str(people["detail_reference"])
    requester = people["requester"]
    assert isinstance(requester, User)
    own = SharingRequest.objects.filter(requester=requester).order_by("-updated_at").first()
    assert own is not None

    response = client_for(requester).get(reverse("request_list"))
    assert response.status_code == 200
    assert own.reference in response.content.decode()

    caldicott = people["caldicott"]
    assert isinstance(caldicott, User)
    client = client_for(caldicott)
    response = client.get(reverse("queue", args=["caldicott"]))
    assert response.status_code == 200
    assert reference in response.content.decode()
    response = client.get(reverse("request_detail", args=[reference]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reference in page and "Caldicott" in page

    dpo = people["dpo"]
    assert isinstance(dpo, User)
    client = client_for(dpo)
    response = client.get(reverse("flow_list"))
    assert response.status_code == 200
    assert "DF-" in response.content.decode()
    response = client.get(reverse("register_dashboard"))
    assert response.status_code == 200

    ig = people["ig"]
    assert isinstance(ig, User)
    assert client_for(ig).get(reverse("queue", args=["ig"])).status_code == 200


def test_the_seed_refuses_a_database_not_named_for_benchmarks() -> None:
    assert not str(connection.settings_dict["NAME"]).startswith("igportal_bench")
    with pytest.raises(SeedRefused, match="starts with 'igportal_bench'"):
        seed(scale=SCALE, log=lambda line: None)
    assert not SharingRequest.objects.exists()


@pytest.mark.urls("bench.urls")
def test_every_page_the_load_generator_times_answers_on_the_seed(seeded: dict[str, int]) -> None:
    from bench.probe import count_queries, pages, verified_session

    people: dict[str, Any] = personas()
    cookies = {key: verified_session(people[key]) for key in ("requester", "caldicott", "dpo")}
    keys = set()
    for page in pages(people):
        # Raises when the page answers other than 200 with the text that shows it is the page.
        measured = count_queries(page, cookies.get(page.persona), profile_rounds=1)
        assert measured["queries"] >= (1 if page.persona else 0)
        assert 0 <= measured["profile"]["sql_ms"] <= measured["profile"]["median_ms"]
        keys.add(page.key)
    assert {"asset_register", "ropa", "ropa_export", "access_statistics", "override_list"} <= keys
