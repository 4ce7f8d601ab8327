"""One entry in every register, for the tests of the register pages."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import User
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from requests_app.models import (
    AgreementStatus,
    AgreementVersion,
    ConsentWithdrawal,
    DataFlow,
    Disclosure,
    Dpia,
    Incident,
    InformationAsset,
    Processor,
    RequestStatus,
    SharingRequest,
)
from requests_app.services.consent import consent_withdrawal_record
from tests.factories import (
    UserFactory,
    make_agreement,
    make_asset,
    make_disclosure,
    make_dpia,
    make_flow,
    make_incident,
    make_request,
)


@dataclass
class Registers:
    request: SharingRequest
    disclosure: Disclosure
    agreement: AgreementVersion
    flow: DataFlow
    dpia: Dpia
    incident: Incident
    withdrawal: ConsentWithdrawal
    asset: InformationAsset
    processor: Processor


def fill_registers(*, requester: User, ig_officer: User) -> Registers:
    """A police disclosure and a consent-based flow under an active ISA, from ``requester``'s requests."""
    request = make_request(requester=requester, status=RequestStatus.CLOSED)
    disclosure = make_disclosure(
        recorded_by=requester,
        request=request,
        police_officer="DC Sam Hill",
        police_reference="4471",
        police_requested="Admission dates",
        police_given="Admission dates",
        police_acknowledgement="Signed receipt",
    )
    agreement = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE)
    flow = make_flow(
        requester=requester,
        created_by=ig_officer,
        agreement=agreement.agreement,
        art6="a_consent",
        art9="a_explicit_consent",
        confidentiality_basis="explicit_consent",
    )
    dpia = make_dpia(author=ig_officer, request=flow.request)
    incident = make_incident(reported_by=ig_officer, flow=flow)
    withdrawal = consent_withdrawal_record(
        actor=ig_officer,
        subject_reference="Local ID 8812",
        withdrawn_on=timezone.localdate() - datetime.timedelta(days=1),
        flows=[flow],
    )
    asset = make_asset(owner=UserFactory.create())
    processor = Processor.objects.create(
        name=f"Hosting for {asset.reference}", services="Hosting", created_by=ig_officer
    )
    asset.processors.add(processor)
    flow.asset = asset
    flow.save(update_fields=["asset"])
    flow.refresh_from_db()
    return Registers(request, disclosure, agreement, flow, dpia, incident, withdrawal, asset, processor)


def csv_rows(response: HttpResponseBase) -> list[list[str]]:
    """The rows of a streamed CSV export, header first."""
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(cast(Iterator[bytes], response.streaming_content))
    return list(csv.reader(io.StringIO(content.decode())))
