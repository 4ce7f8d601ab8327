"""Hostile text typed into free-text fields is shown as text: escaped on pages, literal in PDFs,
encoded in logs. Hypothesis mixes known attack strings with arbitrary text."""

from __future__ import annotations

import io
import logging
import string

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from igportal.pdf import render_pdf
from requests_app.models import RequestStatus
from requests_app.services.workflow import request_comment_add
from tests.conftest import ClientFor
from tests.factories import OrganisationFactory, make_request

ATTACKS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE requests; --",
    "</textarea><script>document.cookie</script>",
    "{{ request.user.password }}{% debug %}",
    "line one\r\nSet-Cookie: stolen=1",
    "javascript:alert(1)",
]
# Around each attack, ordinary text (including & and quotes, which must be escaped too).
PLAIN = string.ascii_letters + string.digits + " .,-&'\""
hostile = st.builds(
    lambda attack, before, after: f"{before}{attack}{after}",
    st.sampled_from(ATTACKS),
    st.text(alphabet=PLAIN, max_size=12),
    st.text(alphabet=PLAIN, max_size=12),
)
FUZZ = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _shown_escaped(content: str, text: str) -> None:
    if "<" in text or '"' in text or "'" in text:
        assert text not in content, "raw hostile text reached the page"
    assert escape(text) in content


@pytest.mark.django_db
@FUZZ
@given(title=hostile, comment=hostile, partner=hostile)
def test_request_page_escapes_titles_comments_and_partner_names(
    requester: User, ig_officer: User, client_for: ClientFor, title: str, comment: str, partner: str
) -> None:
    with transaction.atomic():  # each example starts clean: partner names are unique
        request = make_request(requester=requester, recipient=OrganisationFactory.create(name=partner[:200]))
        request.title = title[:200]
        request.save(update_fields=["title"])
        request_comment_add(sharing_request=request, author=ig_officer, body=comment)
        content = (
            client_for(requester).get(reverse("request_detail", args=[request.reference])).content.decode()
        )
        _shown_escaped(content, request.title)
        _shown_escaped(content, partner[:200])
        for line in comment.strip().splitlines():
            if line.strip():
                _shown_escaped(content, line.strip())
        transaction.set_rollback(True)


@pytest.mark.django_db
@FUZZ
@given(name=hostile)
def test_partner_list_escapes_names(ig_officer: User, client_for: ClientFor, name: str) -> None:
    with transaction.atomic():
        OrganisationFactory.create(name=name[:200])
        content = client_for(ig_officer).get(reverse("organisation_list")).content.decode()
        _shown_escaped(content, name[:200])
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=hostile)
def test_pdfs_show_hostile_text_as_text(requester: User, title: str) -> None:
    request = make_request(requester=requester, status=RequestStatus.APPROVED)
    request.title = title[:200]
    pdf = render_pdf(
        "documents/decision_record.html",
        {
            "document_title": f"Decision record {request.reference}",
            "record_name": "test",
            "sharing_request": request,
            "decision": None,
            "assessment": request.assessments.get(),
            "result": None,
            "answers": [],
            "signoffs": [],
            "history": [],
        },
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # Long tokens wrap inside table cells, so compare with all white space removed: the characters,
    # markup included, are there as text in the PDF.
    assert "".join(request.title.split()) in "".join(text.split())


@given(value=hostile)
@settings(max_examples=30)
def test_log_records_carry_no_raw_line_breaks(value: str) -> None:
    record = logging.getLogRecordFactory()(
        "igportal.test", logging.INFO, __file__, 1, "comment: %s", (value,), None
    )
    message = record.getMessage()
    assert "\r" not in message and "\n" not in message
