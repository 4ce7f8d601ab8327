"""Fields a form does not offer cannot be set by adding them to the POST: the status, who raised or
approved something, and who wrote it stay what the services make them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from requests_app.models import (
    AccessRequestStatus,
    RequestComment,
    RequestStatus,
    SignOff,
)
from requests_app.services.sharing import sharing_request_create
from tests.conftest import ClientFor
from tests.factories import AccessRequestFactory, OrganisationFactory, make_request
from tests.necessity.wizard_data import police_request_steps

pytestmark = pytest.mark.django_db

TAMPERING = {"status": "approved", "requester": "1", "approved_by": "1", "reference": "ISR-1999-00001"}


def test_a_wizard_step_cannot_set_the_status_requester_or_reference(
    requester: User, other_requester: User, client_for: ClientFor
) -> None:
    client = client_for(requester)
    draft = sharing_request_create(requester=requester)
    police = OrganisationFactory.create(kind="police")
    data = {
        **police_request_steps(police)["purpose"],
        **TAMPERING,
        "requester": str(other_requester.pk),
        "action": "continue",
    }
    assert client.post(reverse("wizard_step", args=[draft.reference, "purpose"]), data).status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.requester, draft.reference[:4]) == (RequestStatus.DRAFT, requester, "ISR-")
    assert "status" not in draft.answers["purpose"] and "approved_by" not in draft.answers["purpose"]


def test_a_decision_is_signed_by_the_person_who_made_it(
    requester: User, dpo: User, ig_officer: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    client_for(dpo).post(
        reverse("request_decide", args=[request.reference]),
        {
            "decision": "approve_with_conditions",
            "kept_conditions": ["R-POLICE-NECESSARY-ONLY", "R-POLICE-RECORD"],
            "comment": "The admission dates answer the enquiry without the diagnosis.",
            "confirmed": "True",
            "signer": str(ig_officer.pk),
            "approved_by": str(ig_officer.pk),
            "status": "closed",
        },
    )
    signoff = SignOff.objects.get()
    assert signoff.signer == dpo
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_CALDICOTT


def test_a_comment_is_written_by_the_person_who_posted_it(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester)
    client_for(requester).post(
        reverse("request_comment", args=[request.reference]), {"body": "Hello", "author": str(ig_officer.pk)}
    )
    assert RequestComment.objects.get().author == requester


def test_editing_an_access_request_cannot_move_its_status_or_due_date(
    ig_officer: User, client_for: ClientFor
) -> None:
    case = AccessRequestFactory.create(status=AccessRequestStatus.IN_PROGRESS)
    status, reference = case.status, case.reference
    client = client_for(ig_officer)
    page = client.get(reverse("access_request_edit", args=[case.pk]))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["received_on"] = case.received_on.strftime("%d/%m/%Y")
    data |= {"status": "closed", "due_on": "2000-01-01", "reference": "SAR-1999-00001"}
    client.post(reverse("access_request_edit", args=[case.pk]), data)
    case.refresh_from_db()
    # Saving recomputes the due date from the law; the posted one is ignored.
    assert case.status == status and case.reference == reference
    assert case.due_on is not None and case.due_on.year != 2000
