"""The information asset register: the owner's stage of a sharing request, the record of processing
derived from the registers, and the pages."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import fields
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from igportal.roles import Role
from requests_app.models import (
    AuditEvent,
    InformationAsset,
    InformationAssetHistory,
    OrganisationSettings,
    RequestStatus,
    SharingRequest,
    SignOff,
)
from requests_app.selectors.assets import RopaRow, ropa_rows
from requests_app.selectors.home import home_sections
from requests_app.services.assets import (
    asset_create,
    asset_update,
    processor_create,
    sharing_request_set_assets,
)
from requests_app.services.workflow import transition
from requests_app.views.assets import ROPA_HEADER
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_asset, make_dpia, make_flow, make_request
from tests.necessity.wizard_data import police_request_steps, post_all_steps, start_request
from tests.requests_app.chasing import sent_to, sweep
from tests.requests_app.test_register_queries import AUDIT, START

pytestmark = pytest.mark.django_db
S = RequestStatus


@pytest.fixture
def iao(make_user: MakeUser) -> User:
    return make_user(Role.INFORMATION_ASSET_OWNER, first_name="Imran", last_name="Aziz")


def _asset(
    owner: User, *, actor: User | None = None, active: bool = True, **changes: Any
) -> InformationAsset:
    fields: dict[str, Any] = {
        "name": "Maternity record system",
        "description": "Antenatal and postnatal care records.",
        "owner": owner,
        "administrator": None,
        "delegate": None,
        "business_area": "Women's services",
        "asset_format": "system",
        "location": "Maternity EPR",
        "data_subjects": "Patients and their babies",
        "data_categories": "Contact details, care records",
        "special_category": True,
        "sensitivity": "official_sensitive",
        "art6": "e_public_task",
        "art9": "h_health_social_care",
        "confidentiality_basis": "implied_consent",
        "retention_period": "25 years after the birth",
        "retention_authority": "NHS Records Management Code of Practice",
        "security_measures": "Role-based access, audit, encryption at rest",
        "dspt_critical": True,
        "next_review_on": timezone.localdate() + datetime.timedelta(days=365),
        "retention_review_on": timezone.localdate() + datetime.timedelta(days=180),
        "dpia": None,
        **changes,
    }
    asset = asset_create(actor=actor or owner, **fields)
    if active:
        transition(asset, "activate", actor=actor or owner)
    return asset


def _draws_on(request: SharingRequest, *assets: InformationAsset) -> None:
    request.assets.set(assets)


# --- the owner's stage --------------------------------------------------------------------------------


def test_submitting_a_request_that_draws_on_an_asset_puts_its_owner_first(
    requester: User, iao: User, client_for: ClientFor
) -> None:
    from tests.factories import OrganisationFactory

    asset = _asset(iao)
    police = OrganisationFactory.create(kind="police", name="Northshire Constabulary")
    client = client_for(requester)
    steps = police_request_steps(police)
    reference = start_request(client, steps["purpose"])
    request = SharingRequest.objects.get(reference=reference)
    sharing_request_set_assets(sharing_request=request, assets=[asset], actor=requester)
    post_all_steps(client, reference, steps)
    client.post(reverse("wizard_review", args=[reference]))
    request.refresh_from_db()
    assert request.status == S.SUBMITTED
    assert request.stages[:2] == ["iao", "ig_dpo"]


def _answered(requester: User, status: RequestStatus) -> SharingRequest:
    """A routine request with every wizard step answered and saved (the worked commissioning example)."""
    import json
    from pathlib import Path

    from django.conf import settings

    from requests_app.demo import catalogue_code, saved_from_answers
    from tests.factories import OrganisationFactory

    worked = json.loads(
        (Path(settings.BASE_DIR) / "docs/examples/commissioning_extract_pseudonymise.json").read_text()
    )
    recipient = OrganisationFactory.create(name="Northshire ICB commissioning team", kind="icb")
    request = make_request(
        requester=requester,
        status=status,
        example="commissioning_extract_pseudonymise",
        purpose_category="planning_commissioning",
        frequency="routine",
        data_form=worked["answers"]["data"]["data_form"],
        recipient=recipient,
        title="Cardiology activity for commissioning",
        items={catalogue_code(item["code"]) for item in worked["answers"]["data"]["items"]},
    )
    request.answers = saved_from_answers(worked["answers"], title=request.title, recipient=recipient)
    request.save(update_fields=["answers"])
    return request


def test_the_owner_stage_follows_the_assets_named_at_each_submission_once_and_first(
    requester: User, iao: User, ig_officer: User
) -> None:
    from requests_app.services.sharing import sharing_request_submit
    from requests_app.workflow import STAGE_ORDER

    asset = _asset(iao)
    request = _answered(requester, S.DRAFT)
    sharing_request_set_assets(sharing_request=request, assets=[asset], actor=requester)
    assessment = sharing_request_submit(sharing_request=request, actor=requester, today=timezone.localdate())
    request.refresh_from_db()
    # The engine's stages, in the fixed order, with the owner's first and once: the engine never asks for
    # it, the asset does.
    assert "iao" not in assessment.required_signoffs
    engine = [stage.value for stage in STAGE_ORDER if stage.value in assessment.required_signoffs]
    assert request.stages == ["iao", *engine] and len(engine) >= 2
    transition(request, "start_review", actor=ig_officer)
    assert request.status == S.AWAITING_IAO
    # Sent back; the requester takes the asset off: the owner's stage goes with it on resubmission.
    transition(request, "request_changes", actor=iao, comment="Draw this from the extract, not the PAS.")
    sharing_request_set_assets(sharing_request=request, assets=[], actor=requester)
    assessment = sharing_request_submit(sharing_request=request, actor=requester, today=timezone.localdate())
    request.refresh_from_db()
    assert request.stages == engine
    transition(request, "start_review", actor=ig_officer)
    assert request.status == S.IG_REVIEW


def test_a_request_without_an_asset_has_no_owner_stage(requester: User, client_for: ClientFor) -> None:
    from tests.factories import OrganisationFactory

    police = OrganisationFactory.create(kind="police", name="Northshire Constabulary")
    client = client_for(requester)
    steps = police_request_steps(police)
    reference = start_request(client, steps["purpose"])
    post_all_steps(client, reference, steps)
    client.post(reverse("wizard_review", args=[reference]))
    request = SharingRequest.objects.get(reference=reference)
    assert request.status == S.SUBMITTED
    assert "iao" not in request.stages
    assert request.stages[0] == "ig_dpo"


def test_the_owner_authorises_before_the_ig_team(
    requester: User, iao: User, ig_officer: User, caldicott: User
) -> None:
    asset = _asset(iao)
    request = make_request(requester=requester, stages=("iao", "ig_dpo", "caldicott_guardian"))
    _draws_on(request, asset)
    transition(request, "start_review", actor=ig_officer)
    assert request.status == S.AWAITING_IAO
    # The IG team cannot sign the owner's stage, even though it signs the next one.
    with pytest.raises(PermissionDenied):
        transition(request, "approve", actor=ig_officer)
    transition(request, "approve", actor=iao)
    assert request.status == S.IG_REVIEW
    transition(request, "approve", actor=ig_officer)
    transition(request, "approve", actor=caldicott)
    assert request.status == S.APPROVED
    assert list(SignOff.objects.filter(request=request).values_list("stage", "signer")) == [
        ("iao", iao.pk),
        ("ig_dpo", ig_officer.pk),
        ("caldicott_guardian", caldicott.pk),
    ]


def test_only_the_owner_or_named_delegate_signs_the_owners_stage(
    requester: User, iao: User, make_user: MakeUser, dpo: User, siro: User
) -> None:
    other_owner = make_user(Role.INFORMATION_ASSET_OWNER)
    delegate = make_user(Role.REQUESTER)
    asset = _asset(iao, delegate=delegate)
    request = make_request(requester=requester, status=S.AWAITING_IAO, stages=("iao", "ig_dpo"))
    _draws_on(request, asset)
    for outsider in (other_owner, dpo, siro):
        with pytest.raises(PermissionDenied):
            transition(request, "approve", actor=outsider)
    assert request.status == S.AWAITING_IAO
    # Refusing needs reasons; the named delegate may refuse in the owner's place.
    with pytest.raises(ValidationError):
        transition(request, "reject", actor=delegate)
    transition(request, "reject", actor=delegate, comment="The asset is not the right source for this.")
    assert request.status == S.REJECTED
    assert SignOff.objects.get(request=request).signer == delegate


def test_the_decision_page_refuses_anyone_but_the_owner_or_delegate_at_the_owners_stage(
    requester: User, iao: User, make_user: MakeUser, dpo: User, ig_officer: User, client_for: ClientFor
) -> None:
    asset = _asset(iao)
    request = make_request(requester=requester, stages=("iao", "ig_dpo"))
    _draws_on(request, asset)
    transition(request, "start_review", actor=ig_officer)
    url = reverse("request_decide", args=[request.reference])
    signing = {"decision": "approve", "comment": "Looks proportionate.", "confirmed": "true"}
    for outsider in (make_user(Role.INFORMATION_ASSET_OWNER), dpo, ig_officer):
        assert client_for(outsider).post(url, signing).status_code in (403, 404)
    request.refresh_from_db()
    assert request.status == S.AWAITING_IAO and not SignOff.objects.filter(request=request).exists()


def test_the_owner_sees_the_request_waiting_for_them(
    requester: User, iao: User, ig_officer: User, client_for: ClientFor
) -> None:
    asset = _asset(iao)
    request = make_request(requester=requester, stages=("iao", "ig_dpo"))
    _draws_on(request, asset)
    assert client_for(iao).get(reverse("request_detail", args=[request.reference])).status_code == 404
    transition(request, "start_review", actor=ig_officer)
    assert client_for(iao).get(reverse("request_detail", args=[request.reference])).status_code == 200
    texts = [task.text for section in home_sections(iao) for task in section.tasks]
    assert any(request.reference in text for text in texts)


def test_a_request_draws_only_on_assets_of_one_owner_in_use(
    requester: User, iao: User, make_user: MakeUser
) -> None:
    mine, theirs = _asset(iao), _asset(make_user(Role.INFORMATION_ASSET_OWNER), name="Payroll")
    draft = _asset(iao, active=False, name="New system")
    request = make_request(requester=requester, status=S.DRAFT)
    with pytest.raises(ValidationError, match="different owners"):
        sharing_request_set_assets(sharing_request=request, assets=[mine, theirs], actor=requester)
    with pytest.raises(ValidationError, match="in use"):
        sharing_request_set_assets(sharing_request=request, assets=[draft], actor=requester)
    with pytest.raises(PermissionDenied):
        sharing_request_set_assets(sharing_request=request, assets=[mine], actor=iao)
    sharing_request_set_assets(sharing_request=request, assets=[mine], actor=requester)
    assert list(request.assets.all()) == [mine]


# --- the register and its lifecycle ---------------------------------------------------------------------


def test_an_asset_moves_draft_active_retired_through_the_workflow(iao: User, make_user: MakeUser) -> None:
    asset = _asset(iao, active=False)
    assert asset.status == "draft"
    with pytest.raises(PermissionDenied):
        transition(asset, "activate", actor=make_user(Role.INFORMATION_ASSET_OWNER))
    transition(asset, "activate", actor=iao)
    with pytest.raises(ValidationError):
        transition(asset, "retire", actor=iao)
    transition(asset, "retire", actor=iao, comment="Replaced by the new EPR.")
    assert [(h.from_status, h.to_status) for h in InformationAssetHistory.objects.filter(asset=asset)] == [
        ("draft", "active"),
        ("active", "retired"),
    ]
    assert AuditEvent.objects.filter(action="asset.transition", target_id=str(asset.pk)).count() == 2


def test_the_owner_must_hold_the_owner_role(requester: User, ig_officer: User) -> None:
    with pytest.raises(ValidationError) as caught:
        _asset(requester, actor=ig_officer, active=False)
    assert "owner" in caught.value.message_dict


def test_a_new_or_amended_asset_without_screening_shows_on_the_owners_and_dpos_home(
    iao: User, dpo: User
) -> None:
    asset = _asset(iao)

    def shown(user: User) -> bool:
        return any("DPIA screening" in task.text for section in home_sections(user) for task in section.tasks)

    assert shown(iao) and shown(dpo)
    dpia = make_dpia(author=dpo)
    asset = asset_update(asset=asset, actor=iao, **{**_fields_of(asset), "dpia": dpia})
    assert not shown(iao) and not shown(dpo)
    # A material change (what the asset holds) after the screening asks for a new one.
    asset_update(asset=asset, actor=iao, **{**_fields_of(asset), "data_categories": "Care records, genetics"})
    assert shown(iao) and shown(dpo)


def _fields_of(asset: InformationAsset) -> dict[str, Any]:
    from requests_app.services.assets import ASSET_FIELDS

    return {name: getattr(asset, name) for name in ASSET_FIELDS} | {
        "processors": list(asset.processors.all())
    }


# --- the record of processing -------------------------------------------------------------------------


def test_the_record_lists_each_activity_once_with_bases_and_recipients(
    iao: User, requester: User, ig_officer: User
) -> None:
    processor = processor_create(
        actor=ig_officer,
        name="Acme Hosting",
        services="Hosts the maternity EPR",
        contract_reference="DPC-7",
        contract_start_on=datetime.date(2025, 1, 1),
        contract_end_on=datetime.date(2028, 1, 1),
    )
    asset = _asset(iao)
    asset.processors.set([processor])
    flow = make_flow(requester=requester, created_by=ig_officer, asset=asset)
    rows = list(ropa_rows())
    assert [row.reference for row in rows] == [asset.reference, flow.reference]
    holding, sharing = rows
    assert holding.recipients == "Acme Hosting"
    assert holding.art6.startswith("Art 6(1)(e)")
    assert holding.agreement_ends == datetime.date(2028, 1, 1)
    assert sharing.asset == asset.reference
    assert sharing.recipients == flow.recipient.name
    assert sharing.art9.startswith("Art 9(2)(h)")
    # Change the flow and the record changes with it: a new basis, then the flow ended.
    flow.art6 = "c_legal_obligation"
    flow.save()
    assert next(r for r in ropa_rows() if r.reference == flow.reference).art6.startswith("Art 6(1)(c)")
    transition(flow, "end", actor=ig_officer, comment="No longer needed.")
    assert [row.reference for row in ropa_rows()] == [asset.reference]


def test_the_record_csv_round_trips(
    iao: User, requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    asset = _asset(iao, description='Records, "quoted", with\na new line')
    make_flow(requester=requester, created_by=ig_officer, asset=asset, name="=HYPERLINK(evil)")
    response = client_for(dpo).get(reverse("ropa_export"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    parsed = list(csv.reader(io.StringIO(text)))
    assert tuple(parsed[0]) == ROPA_HEADER
    # Read back into the record's own rows: every field survives quotes, new lines and a would-be formula
    # (which the export defuses with a leading quote).
    assert [_row_from_csv(row) for row in parsed[1:]] == list(ropa_rows())
    assert parsed[2][1] == "'=HYPERLINK(evil)"
    assert AuditEvent.objects.filter(action="ropa.export", actor=dpo).count() == 1


def _row_from_csv(cells: list[str]) -> RopaRow:
    values: dict[str, Any] = dict(zip([f.name for f in fields(RopaRow)], cells, strict=True))
    for name, value in values.items():
        if value.startswith("'"):
            values[name] = value[1:]
    values["special_category"] = {"Yes": True, "No": False}[values["special_category"]]
    ends = values["agreement_ends"]
    values["agreement_ends"] = datetime.date.fromisoformat(ends) if ends else None
    return RopaRow(**values)


def test_the_dpo_finds_the_flow_on_the_record_page_and_requesters_do_not(
    iao: User, requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    asset = _asset(iao)
    flow = make_flow(requester=requester, created_by=ig_officer, asset=asset)
    page = client_for(dpo).get(reverse("ropa"), {"kind": "sharing"})
    assert page.status_code == 200
    assert flow.reference in page.content.decode()
    assert client_for(requester).get(reverse("ropa")).status_code == 404
    dspt = client_for(dpo).get(reverse("dspt_export"))
    rows = list(csv.reader(io.StringIO(b"".join(dspt.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert rows[1][0] == asset.reference and flow.recipient.name in rows[1][6]


def _ropa_page(client: Any, **params: str) -> tuple[int, str]:
    """The queries one page of the record ran, and the page (which must be a 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("ropa"), params)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


# Every page of the record, whichever kinds of activity it shows: the session and the header's unread
# count, the audit event (test_register_queries.py), and its own four: both kinds counted; its rows (one
# statement, across the seam between assets and flows too); their processors and data items; the owners
# the filter offers.
ROPA_PAGE_QUERIES = START + AUDIT + 4


def test_the_record_page_is_paged_in_the_database_with_the_same_queries_for_6_or_65_activities(
    iao: User, requester: User, ig_officer: User, dpo: User, client_for: ClientFor, monkeypatch: Any
) -> None:
    from django.core.paginator import Paginator

    from requests_app.selectors import assets as selectors

    # Were the page to read the whole record and page it in Python, small chunks would show it as more
    # queries for more rows.
    monkeypatch.setattr(selectors, "ROPA_CHUNK", 4)

    from requests_app.models import AgreementStatus
    from requests_app.selectors.registers import PAGE_SIZE
    from tests.factories import make_agreement

    agreement = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE).agreement
    processor = processor_create(actor=ig_officer, name="Acme Hosting", services="Hosting")
    client = client_for(dpo)

    def add(assets: int, flows: int) -> None:
        for _ in range(assets):
            make_asset(owner=iao).processors.add(processor)
        held = InformationAsset.objects.first()
        for _ in range(flows):
            make_flow(requester=requester, created_by=ig_officer, asset=held, agreement=agreement)

    # 3 assets and 3 flows: one page, holding both kinds.
    add(3, 3)
    few, page = _ropa_page(client)
    assert "6 processing activities" in page and page.count('data-testid="ropa-row"') == 6
    # 55 assets and 10 flows: the second page holds the last 5 assets and every flow, and costs the same.
    add(52, 7)
    many, page = _ropa_page(client, page="2")
    assert "65 processing activities" in page and page.count('data-testid="ropa-row"') == 65 - PAGE_SIZE
    record = list(ropa_rows())
    for row in record[PAGE_SIZE:]:
        assert row.reference in page
    # (the flows all draw on the first asset, so it is named on this page as their source)
    assert not any(row.reference in page for row in record[1:PAGE_SIZE])
    # The first page reads assets only, with the same queries.
    first, page = _ropa_page(client)
    assert page.count('data-testid="ropa-row"') == PAGE_SIZE
    # A filter is a query too, not a loop: sharing alone has 10, on one page.
    sharing, page = _ropa_page(client, kind="sharing")
    assert page.count('data-testid="ropa-row"') == 10
    # The pages, laid end to end, are the whole record in order, each activity once.
    paginator = Paginator(ropa_rows(), PAGE_SIZE)
    paged = [row for number in paginator.page_range for row in paginator.page(number).object_list]
    assert paged == record and len({row.reference for row in paged}) == 65
    assert ropa_rows()[PAGE_SIZE + 5] == record[PAGE_SIZE + 5]
    # Each of those pages, the same queries.
    assert few == many == first == sharing == ROPA_PAGE_QUERIES


def test_the_first_page_costs_the_same_queries_whether_it_spans_one_kind_of_activity_or_both(
    iao: User, requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    """The benchmark's small database has both kinds on the first page, its full one assets only: the
    page must not cost more where it shows both."""
    from requests_app.selectors.registers import PAGE_SIZE

    client = client_for(dpo)
    hosting = processor_create(actor=ig_officer, name="Acme Hosting", services="Hosting")
    held = make_asset(owner=iao)
    held.processors.add(hosting)
    flow = make_flow(requester=requester, created_by=ig_officer, asset=held)
    both, page = _ropa_page(client)
    assert page.count('data-testid="ropa-row"') == 2
    assert f"{held.reference} " in page and f"{flow.reference} " in page and "Acme Hosting" in page
    for _ in range(PAGE_SIZE):
        make_asset(owner=iao).processors.add(hosting)
    assets_only, page = _ropa_page(client)
    assert page.count('data-testid="ropa-row"') == PAGE_SIZE and "(sharing)" not in page
    # And a page of flows alone, the same again.
    flows_only, page = _ropa_page(client, kind="sharing")
    assert page.count('data-testid="ropa-row"') == 1 and "(holding)" not in page
    assert both == assets_only == flows_only == ROPA_PAGE_QUERIES


def test_the_seam_between_assets_and_flows_reads_the_same_rows_where_a_union_cannot_be_sliced(
    iao: User, requester: User, ig_officer: User, monkeypatch: Any
) -> None:
    """SQLite (``make run``'s database) allows no LIMIT inside a UNION: there the page across the seam is
    the whole record sorted and cut once. Both ways give the same rows."""
    from django.db import connection

    for _ in range(4):
        make_asset(owner=iao)
    for number in range(4):
        make_flow(
            requester=requester,
            created_by=ig_officer,
            asset=InformationAsset.objects.first() if number % 2 else None,
        )
    record = list(ropa_rows())
    assert [row.kind for row in record] == ["Holding"] * 4 + ["Sharing"] * 4
    sliced = ropa_rows()[2:6]
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)
    assert ropa_rows()[2:6] == sliced == record[2:6]
    assert ropa_rows()[3:5] == record[3:5]


def test_the_record_counts_every_live_flow_once_filtered_or_not(
    iao: User, requester: User, ig_officer: User
) -> None:
    """Unfiltered, the flows are counted from the totals PostgreSQL keeps by status as flows move; with
    a filter, counted. Either way the count is the rows the record lists."""
    asset = make_asset(owner=iao)
    flows = [make_flow(requester=requester, created_by=ig_officer, asset=asset) for _ in range(3)]
    assert ropa_rows().count() == len(list(ropa_rows())) == 4
    assert ropa_rows(kind="sharing").count() == 3
    transition(flows[0], "end", actor=ig_officer, comment="No longer needed.")
    assert ropa_rows().count() == len(list(ropa_rows())) == 3
    assert ropa_rows(kind="sharing").count() == 2
    assert ropa_rows(owner=iao).count() == len(list(ropa_rows(owner=iao))) == 3
    assert ropa_rows(search=flows[1].reference).count() == 1


def test_the_record_export_streams_in_chunks_with_the_same_queries_for_6_or_65_activities(
    iao: User, requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    from django.db import connection
    from django.http import StreamingHttpResponse
    from django.test.utils import CaptureQueriesContext

    client = client_for(dpo)

    def export() -> tuple[int, list[list[str]]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("ropa_export"))
            assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
            text = b"".join(response.streaming_content).decode("utf-8-sig")
        return len(captured.captured_queries), list(csv.reader(io.StringIO(text)))

    def add(assets: int, flows: int) -> None:
        for _ in range(assets):
            make_asset(owner=iao)
        held = InformationAsset.objects.first()
        for _ in range(flows):
            make_flow(requester=requester, created_by=ig_officer, asset=held)

    add(3, 3)
    few, rows = export()
    assert len(rows) == 1 + 6
    add(52, 7)
    many, rows = export()
    assert many == few
    assert [row[0] for row in rows[1:]] == [row.reference for row in ropa_rows()]


def test_the_whole_record_exports_in_the_same_queries_for_7_or_70_activities_however_it_is_chunked(
    iao: User, requester: User, ig_officer: User, dpo: User, client_for: ClientFor, monkeypatch: Any
) -> None:
    """Every activity's processors, data items and ISA in force come with its row: a chunk of 4 rows
    must not cost a query per chunk, nor an activity a query of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from requests_app.models import AgreementStatus, DataItemType
    from requests_app.selectors import assets as selectors
    from tests.factories import make_agreement

    monkeypatch.setattr(selectors, "ROPA_CHUNK", 4)
    in_force = make_agreement(
        author=ig_officer, status=AgreementStatus.ACTIVE, end_on=datetime.date(2029, 3, 31)
    )
    hosting = processor_create(
        actor=ig_officer,
        name="Acme Hosting",
        services="Hosting",
        contract_reference="DPC-7",
        contract_start_on=datetime.date(2025, 1, 1),
        contract_end_on=datetime.date(2028, 1, 1),
    )
    backups = processor_create(actor=ig_officer, name="Backup Co", services="Backups")
    client = client_for(dpo)

    def add(assets: int, flows: int) -> None:
        for number in range(assets):
            asset = make_asset(owner=iao, security_measures="-encrypted at rest")
            asset.processors.set([hosting, backups][: number % 3])
        held = InformationAsset.objects.order_by("reference").first()
        for number in range(flows):
            make_flow(
                requester=requester,
                created_by=ig_officer,
                asset=held if number % 2 else None,
                agreement=in_force.agreement if number % 3 else None,
            )

    def export() -> tuple[int, list[list[str]]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("ropa_export"))
            assert response.status_code == 200
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        return len(captured.captured_queries), list(csv.reader(io.StringIO(text)))

    add(3, 4)
    few, rows = export()
    assert len(rows) == 1 + 7 and tuple(rows[0]) == ROPA_HEADER
    add(40, 23)
    many, rows = export()
    assert many == few
    assert len(rows) == 1 + 70 and tuple(rows[0]) == ROPA_HEADER
    assert [_row_from_csv(row) for row in rows[1:]] == list(ropa_rows())
    holding = {row[0]: row for row in rows[1:] if row[2] == "Holding"}
    sharing = [row for row in rows[1:] if row[2] == "Sharing"]
    assert len(holding) == 43 and len(sharing) == 27
    both = [row for row in holding.values() if row[13] == "Acme Hosting; Backup Co"]
    assert both and all(row[12] == row[13] and row[16] == "DPC-7" and row[17] == "2028-01-01" for row in both)
    assert any(row[13] == "" and row[16] == "" and row[17] == "" for row in holding.values())
    # A would-be formula is defused whichever query read it.
    assert all(row[15] == "'-encrypted at rest" for row in holding.values())
    held = InformationAsset.objects.order_by("reference").first()
    assert held is not None
    # The data items in the catalogue's own order, as the flow page lists them.
    items = "; ".join(
        item.name for item in DataItemType.objects.filter(code__in=["nhs_number", "health_data"])
    )
    assert "NHS number" in items and all(row[7] == items for row in sharing)
    drawn = [row for row in sharing if row[3] == held.reference]
    assert drawn and all(row[13] == holding[held.reference][13] for row in drawn)
    assert {(row[16], row[17]) for row in sharing} == {("", ""), (in_force.agreement.reference, "2029-03-31")}


# --- the pages -------------------------------------------------------------------------------------------


def test_the_owner_registers_an_asset_through_the_page(iao: User, client_for: ClientFor) -> None:
    client = client_for(iao)
    assert client.get(reverse("asset_create")).status_code == 200
    response = client.post(reverse("asset_create"), _post_data(iao))
    assert response.status_code == 302, response.content.decode()[:3000]
    asset = InformationAsset.objects.get()
    assert asset.owner == iao and asset.status == "draft"
    assert asset.retention_review_on == timezone.localdate() + datetime.timedelta(days=200)
    assert client.get(reverse("asset_detail", args=[asset.pk])).status_code == 200
    response = client.post(reverse("asset_transition", args=[asset.pk, "activate"]), {"comment": ""})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == "active"
    listing = client.get(reverse("asset_list"), {"q": "Maternity"})
    assert asset.reference in listing.content.decode()


def test_a_bad_asset_form_keeps_what_was_typed(iao: User, client_for: ClientFor) -> None:
    data = {**_post_data(iao), "next_review_on_day": "31", "next_review_on_month": "2"}
    response = client_for(iao).post(reverse("asset_create"), data)
    assert response.status_code == 200
    assert "Maternity record system" in response.content.decode()
    assert not InformationAsset.objects.exists()
    # The retention review date is asked for, and must be ahead.
    data = {name: value for name, value in _post_data(iao).items() if not name.startswith("retention_review")}
    response = client_for(iao).post(reverse("asset_create"), data)
    assert response.status_code == 200 and "next retention review" in response.content.decode().lower()
    assert not InformationAsset.objects.exists()
    with pytest.raises(ValidationError) as caught:
        _asset(iao, active=False, retention_review_on=timezone.localdate())
    assert caught.value.message_dict == {
        "retention_review_on": ["The next retention review must be after today."]
    }


def test_outsiders_cannot_open_or_change_the_register(
    requester: User, iao: User, make_user: MakeUser, client_for: ClientFor
) -> None:
    asset = _asset(iao)
    client = client_for(requester)
    assert client.get(reverse("asset_list")).status_code == 404
    assert client.get(reverse("asset_detail", args=[asset.pk])).status_code == 404
    other = client_for(make_user(Role.INFORMATION_ASSET_OWNER))
    assert other.get(reverse("asset_detail", args=[asset.pk])).status_code == 200
    assert other.get(reverse("asset_edit", args=[asset.pk])).status_code == 403
    assert (
        other.post(reverse("asset_transition", args=[asset.pk, "retire"]), {"comment": "x"}).status_code
        == 403
    )
    assert client_for(iao).get(reverse("asset_transition", args=[asset.pk, "retire"])).status_code == 405


def _post_data(owner: User) -> dict[str, str]:
    return {
        "name": "Maternity record system",
        "description": "Antenatal and postnatal care records.",
        "owner": str(owner.pk),
        "business_area": "Women's services",
        "asset_format": "system",
        "location": "Maternity EPR",
        "data_subjects": "Patients",
        "data_categories": "Care records",
        "special_category": "yes",
        "sensitivity": "official_sensitive",
        "art6": "e_public_task",
        "art9": "h_health_social_care",
        "confidentiality_basis": "implied_consent",
        "retention_period": "25 years",
        "retention_authority": "NHS Records Management Code of Practice",
        "security_measures": "Role-based access",
        "dspt_critical": "no",
        **_date("next_review_on", timezone.localdate() + datetime.timedelta(days=300)),
        **_date("retention_review_on", timezone.localdate() + datetime.timedelta(days=200)),
    }


def _date(name: str, value: datetime.date) -> dict[str, str]:
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}


# --- reminders ------------------------------------------------------------------------------------------

REVIEW = datetime.date(2027, 3, 1)


def test_an_asset_owner_is_reminded_once_per_milestone_then_the_siro(
    iao: User, siro: User, dpo: User, django_capture_on_commit_callbacks: Any
) -> None:
    OrganisationSettings.objects.update_or_create(pk=1, defaults={"siro": siro, "dpo": dpo})
    asset = make_asset(owner=iao, next_review_on=REVIEW)
    make_asset(owner=iao, status="retired", next_review_on=REVIEW, name="Old system")
    day = REVIEW - datetime.timedelta(days=31)
    while day <= REVIEW + datetime.timedelta(days=8):
        sweep(django_capture_on_commit_callbacks, "asset_reviews", day)
        sweep(django_capture_on_commit_callbacks, "asset_reviews", day)  # a second run sends nothing more
        day += datetime.timedelta(days=1)
    owner_mail = sent_to(iao.email)
    assert len(owner_mail) == 4, owner_mail  # 30, 14 and 7 days before, and on the day; never the retired one
    assert all(asset.reference in subject for subject in owner_mail)
    escalations = sent_to(siro.email)
    assert len(escalations) == 2, escalations  # the day after, then a week later
    assert all("overdue" in subject.lower() for subject in escalations)
    assert sent_to(dpo.email) == []


def test_an_asset_owner_is_reminded_of_the_retention_review_once_per_milestone_then_the_siro(
    iao: User, siro: User, dpo: User, django_capture_on_commit_callbacks: Any
) -> None:
    OrganisationSettings.objects.update_or_create(pk=1, defaults={"siro": siro, "dpo": dpo})
    # The retention review falls due long before the annual review: each is chased on its own date.
    asset = make_asset(owner=iao, retention_review_on=REVIEW, next_review_on=REVIEW + datetime.timedelta(300))
    make_asset(owner=iao, status="retired", retention_review_on=REVIEW, name="Old system")
    make_asset(owner=iao, retention_review_on=None, name="Registered before the date was asked for")
    day = REVIEW - datetime.timedelta(days=31)
    while day <= REVIEW + datetime.timedelta(days=8):
        for kind in ("asset_retention_reviews", "asset_retention_reviews", "asset_reviews"):
            sweep(django_capture_on_commit_callbacks, kind, day)  # a second run sends nothing more
        day += datetime.timedelta(days=1)
    owner_mail = sent_to(iao.email)
    assert owner_mail == [
        f"Retention review due in 30 days: {asset.reference}",
        f"Retention review due in 14 days: {asset.reference}",
        f"Retention review due in 7 days: {asset.reference}",
        f"Retention review due today: {asset.reference}",
    ]
    body = next(m.body for m in mail.outbox if m.to == [iao.email])
    assert "retention period" in body and asset.reference in body
    assert (
        sent_to(siro.email) == [f"Retention review overdue: {asset.reference}"] * 2
    )  # day after, week later
    assert sent_to(dpo.email) == []
    # Recording the next retention review stops the chasing: a week on, nobody hears again.
    InformationAsset.objects.filter(pk=asset.pk).update(retention_review_on=REVIEW + datetime.timedelta(365))
    sweep(django_capture_on_commit_callbacks, "asset_retention_reviews", REVIEW + datetime.timedelta(days=15))
    assert len(sent_to(siro.email)) == 2 and len(sent_to(iao.email)) == 4


def test_the_owners_home_and_the_register_show_the_reviews_due(
    iao: User, make_user: MakeUser, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    past = today - datetime.timedelta(days=3)
    due = make_asset(owner=iao, name="Retention due", retention_review_on=today)
    late = make_asset(owner=iao, name="Review late", next_review_on=past, retention_review_on=None)
    make_asset(owner=iao, name="All in hand", retention_review_on=today + datetime.timedelta(days=90))
    make_asset(owner=iao, status="retired", name="Retired", next_review_on=past, retention_review_on=past)
    make_asset(owner=make_user(Role.INFORMATION_ASSET_OWNER), name="Someone else's", retention_review_on=past)
    tasks = {task.text: task.url for section in home_sections(iao) for task in section.tasks}
    retention = tasks["1 asset retention review due"]
    assert tasks["1 asset review overdue"].endswith(f"review_overdue=on&owner={iao.pk}")
    listing = client_for(iao).get(retention).content.decode()
    assert due.reference in listing and late.reference not in listing and "All in hand" not in listing
    listing = client_for(iao).get(tasks["1 asset review overdue"]).content.decode()
    assert late.reference in listing and due.reference not in listing


def test_a_processor_contract_is_chased_before_it_ends_then_the_dpo(
    ig_officer: User, dpo: User, django_capture_on_commit_callbacks: Any
) -> None:
    OrganisationSettings.objects.update_or_create(pk=1, defaults={"dpo": dpo})
    processor = processor_create(
        actor=ig_officer,
        name="Acme Hosting",
        services="Hosting",
        contract_reference="DPC-7",
        contract_start_on=datetime.date(2025, 1, 1),
        contract_end_on=REVIEW,
    )
    processor_create(actor=ig_officer, name="No contract dates", services="Shredding")
    day = REVIEW - datetime.timedelta(days=31)
    while day <= REVIEW + datetime.timedelta(days=1):
        sweep(django_capture_on_commit_callbacks, "processor_contracts", day)
        sweep(django_capture_on_commit_callbacks, "processor_contracts", day)
        day += datetime.timedelta(days=1)
    before = sent_to(ig_officer.email)
    assert len(before) == 4, before
    assert all(processor.name in subject for subject in before)
    assert sent_to(dpo.email) == [f"Processor contract ended: {processor.name}"]


def test_the_owners_stage_is_chased_to_the_owner_and_delegate(
    requester: User, iao: User, make_user: MakeUser, ig_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    delegate = make_user(Role.REQUESTER)
    asset = _asset(iao, delegate=delegate)
    request = make_request(requester=requester, stages=("iao", "ig_dpo"))
    _draws_on(request, asset)
    transition(request, "start_review", actor=ig_officer)
    later = timezone.localdate() + datetime.timedelta(days=7)
    sweep(django_capture_on_commit_callbacks, "signoffs", later)
    sweep(django_capture_on_commit_callbacks, "signoffs", later)
    assert len(sent_to(iao.email)) == 1
    assert len(sent_to(delegate.email)) == 1


# --- the API ----------------------------------------------------------------------------------------------


def test_the_api_reads_the_register_and_the_record(
    iao: User, requester: User, ig_officer: User, dpo: User
) -> None:
    from django.test import Client

    from tests.requests_app.api.helpers import Api, token_for

    asset = _asset(iao)
    flow = make_flow(requester=requester, created_by=ig_officer, asset=asset)
    api = Api(Client(), token_for(dpo))
    listing = api.get("/api/v1/assets/?q=Maternity").json()
    assert [row["reference"] for row in listing["results"]] == [asset.reference]
    detail = api.get(f"/api/v1/assets/{asset.pk}/").json()
    assert detail["flows"] == [flow.reference] and detail["owner"]["id"] == iao.pk
    ropa = api.get("/api/v1/processing-activities/?kind=sharing").json()
    assert [(row["reference"], row["recipients"]) for row in ropa["results"]] == [
        (flow.reference, flow.recipient.name)
    ]
    assert Api(Client(), token_for(iao)).get("/api/v1/processing-activities/").status_code == 404


def test_the_record_downloads_as_a_pdf_for_its_readers_only(
    iao: User, requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    make_flow(requester=requester, created_by=ig_officer, asset=_asset(iao))
    response = client_for(dpo).get(reverse("ropa_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="ropa.export", actor=dpo, detail__document="pdf").exists()
    assert client_for(iao).get(reverse("ropa_pdf")).status_code == 404
    assert client_for(dpo).post(reverse("ropa_pdf")).status_code == 405


def test_the_ig_team_files_a_processors_contract_with_the_upload_checks(
    ig_officer: User, auditor: User, iao: User, client_for: ClientFor, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    processor = processor_create(actor=ig_officer, name="Acme Hosting", services="Hosting")
    url = reverse("processor_document_upload", args=[processor.pk])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    client = client_for(ig_officer)
    fake = SimpleUploadedFile("contract.pdf", b"just text pretending to be a PDF", "application/pdf")
    refused = client.post(url, {"file": fake})
    assert refused.status_code == 400
    assert not processor.documents.exists()
    assert (
        client.post(url, {"file": SimpleUploadedFile("contract.pdf", pdf, "application/pdf")}).status_code
        == 302
    )
    document = processor.documents.get()
    assert document.content_type == "application/pdf" and document.uploaded_by == ig_officer
    download = reverse("processor_document_download", args=[processor.pk, document.pk])
    assert b"".join(client_for(iao).get(download).streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert client_for(auditor).post(url, {"file": SimpleUploadedFile("c.pdf", pdf)}).status_code == 403
    assert processor.documents.count() == 1
    assert AuditEvent.objects.filter(action="processor.document_added", actor=ig_officer).count() == 1
