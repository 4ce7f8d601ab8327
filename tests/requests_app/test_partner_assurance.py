"""Partners' assurance: DSPT and ICO registration recorded, lapses flagged where the partner is named."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from requests_app.forms.organisations import OrganisationForm
from requests_app.models import AgreementStatus, DsptStatus, Organisation
from requests_app.selectors.dashboard import register_summaries
from tests.conftest import ClientFor
from tests.factories import OrganisationFactory, make_agreement, make_flow

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("fields", "lapses"),
    [
        ({}, []),
        ({"dspt_status": DsptStatus.MET, "dspt_published_on": TODAY - timedelta(days=365)}, []),
        (
            {"dspt_status": DsptStatus.MET, "dspt_published_on": TODAY - timedelta(days=366)},
            ["more than a year"],
        ),
        ({"dspt_status": DsptStatus.NOT_MET, "dspt_published_on": TODAY}, ["standards not met"]),
        ({"dspt_status": DsptStatus.APPROACHING, "dspt_published_on": TODAY}, []),
        ({"ico_expires_on": TODAY}, []),
        ({"ico_expires_on": TODAY - timedelta(days=1)}, ["ICO registration expired on 04/12/2026"]),
        (
            {"dspt_status": DsptStatus.NOT_MET, "ico_expires_on": TODAY - timedelta(days=1)},
            ["standards not met", "ICO registration expired"],
        ),
    ],
)
def test_which_assurance_has_lapsed(fields: dict[str, object], lapses: list[str]) -> None:
    partner = Organisation(name="Partner", kind="nhs_trust", **fields)
    found = partner.assurance_lapses(TODAY)
    assert len(found) == len(lapses)
    for words, lapse in zip(lapses, found, strict=True):
        assert words in lapse
    # The filter the dashboard and the list use agrees with the method.
    partner.save()
    from requests_app.models.organisations import lapsed_assurance

    assert Organisation.objects.filter(lapsed_assurance(TODAY), pk=partner.pk).exists() is bool(lapses)


def test_the_ico_number_is_checked_by_format() -> None:
    data = {"name": "New Partner", "kind": "nhs_trust", "active": "on"}
    assert OrganisationForm({**data, "ico_registration": "z1234567"}).is_valid()
    form = OrganisationForm({**data, "ico_registration": "12345678"})
    assert not form.is_valid() and "ico_registration" in form.errors


def test_a_lapse_is_flagged_on_the_isa_the_flow_the_list_and_the_dashboard(
    ig_officer: User, dpo: User, requester: User, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    lapsed = OrganisationFactory.create(name="Lapsed Trust", dspt_status=DsptStatus.NOT_MET)
    fine = OrganisationFactory.create(name="Fine Trust", ico_expires_on=today + timedelta(days=30))
    version = make_agreement(author=ig_officer, parties=[lapsed, fine], status=AgreementStatus.ACTIVE)
    flow = make_flow(
        requester=requester, created_by=ig_officer, recipient=lapsed, agreement=version.agreement
    )
    client = client_for(dpo)
    page = client.get(f"/registers/agreements/{version.agreement_id}/").content.decode()
    assert "Partner assurance has lapsed" in page and "Lapsed Trust: its DSPT says standards not met" in page
    assert "Fine Trust:" not in page
    assert "Lapsed Trust: its DSPT" in client.get(f"/registers/flows/{flow.pk}/").content.decode()
    listed = client.get("/organisations/?lapsed=on").content.decode()
    assert "Lapsed Trust" in listed and "Fine Trust" not in listed and "Assurance lapsed" in listed
    assert client.get("/registers/").status_code == 200
    tallies = {
        tally.text: tally.value
        for summary in register_summaries(today=today, now=timezone.now())
        for tally in summary.counts
    }
    assert tallies["with a partner whose assurance has lapsed"] == 1
    assert tallies["to a partner whose assurance has lapsed"] == 1
    # Once renewed, the flag goes.
    Organisation.objects.filter(pk=lapsed.pk).update(dspt_status=DsptStatus.MET, dspt_published_on=today)
    assert (
        "Partner assurance has lapsed"
        not in client.get(f"/registers/agreements/{version.agreement_id}/").content.decode()
    )


@pytest.mark.parametrize(
    ("dspt_status", "conditioned"), [(DsptStatus.NOT_MET, True), (DsptStatus.MET, False)]
)
def test_a_request_to_a_partner_whose_assurance_lapsed_gets_the_engines_condition(
    requester: User, dspt_status: DsptStatus, conditioned: bool
) -> None:
    """Submitted through the service, as the wizard submits: the partner's record goes to the engine."""
    from requests_app.demo import EXAMPLES, catalogue_code, saved_from_answers
    from requests_app.models import DataItemType, RequestItem, SharingRequest
    from requests_app.services.references import reference_allocate
    from requests_app.services.sharing import sharing_request_submit

    partner = OrganisationFactory.create(
        name="Assured Trust", dspt_status=dspt_status, dspt_published_on=timezone.localdate()
    )
    worked = json.loads((EXAMPLES / "police_admission_dates.json").read_text())
    purpose = worked["answers"]["purpose"]
    request = SharingRequest.objects.create(
        reference=reference_allocate(prefix="ISR", year=2026),
        requester=requester,
        title="Admission dates",
        recipient=partner,
        purpose_category=purpose["category"],
        urgency=purpose["urgency"],
        frequency=purpose["frequency"],
        direction=purpose["direction"],
        data_form=worked["answers"]["data"]["data_form"],
        answers=saved_from_answers(worked["answers"], title="Admission dates", recipient=partner),
    )
    codes = {catalogue_code(item["code"]) for item in worked["answers"]["data"]["items"]}
    for item_type in DataItemType.objects.filter(code__in=codes):
        RequestItem.objects.create(request=request, item_type=item_type)
    result = sharing_request_submit(
        sharing_request=request, actor=requester, today=timezone.localdate()
    ).result
    conditions = {condition["code"] for condition in result["conditions"]}
    assert ("check_recipient_assurance" in conditions) is conditioned
    assert ("R-RECIPIENT-ASSURANCE" in [rule["rule_id"] for rule in result["rules_fired"]]) is conditioned


def test_assurance_is_chased_before_it_lapses_and_escalated_once_after(
    ig_officer: User, dpo: User, django_capture_on_commit_callbacks: Any
) -> None:
    from requests_app.models import Notification, OrganisationSettings
    from tests.requests_app.chasing import sweep

    portal = OrganisationSettings.load()
    portal.dpo = dpo
    portal.save()
    expires = date(2027, 3, 31)
    OrganisationFactory.create(name="Renewing Trust", ico_expires_on=expires)

    def told(user: User) -> list[str]:
        return list(
            Notification.objects.filter(recipient=user).order_by("id").values_list("subject", flat=True)
        )

    assert (
        sweep(django_capture_on_commit_callbacks, "partner_assurance", expires - timedelta(days=31)).claimed
        == 0
    )
    for _ in range(2):
        sweep(django_capture_on_commit_callbacks, "partner_assurance", expires - timedelta(days=30))
    sweep(django_capture_on_commit_callbacks, "partner_assurance", expires - timedelta(days=7))
    assert told(ig_officer) == [
        "Assurance lapses in 30 days: Renewing Trust (ICO registration)",
        "Assurance lapses in 7 days: Renewing Trust (ICO registration)",
    ]
    assert told(dpo) == []
    for offset in (1, 2):
        sweep(django_capture_on_commit_callbacks, "partner_assurance", expires + timedelta(days=offset))
    assert told(dpo) == ["Assurance lapsed: Renewing Trust (ICO registration)"]
