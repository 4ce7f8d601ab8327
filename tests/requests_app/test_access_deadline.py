"""The due date of a case as the model works it out from its own fields and clarification rows.

Expected dates counted by hand (the organisation is in England unless a test says otherwise); the
deadline engine's own tables are in test_deadlines.py and test_deadlines_deceased.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from requests_app.deadlines import Working
from requests_app.models import AccessRequest, AccessRequestKind, AccessRequestStatus, OrganisationSettings
from requests_app.models.access import ClockState
from requests_app.services.access import access_request_create
from tests.factories import AccessRequestClarificationFactory, AccessRequestFactory

pytestmark = pytest.mark.django_db

SAR, FOI, EIR, DECEASED = (AccessRequestKind(k).value for k in ("sar", "foi", "eir", "deceased"))
RUNNING, NOT_STARTED, STOPPED = ClockState.RUNNING, ClockState.NOT_STARTED, ClockState.STOPPED
WED_3_SEP_2025 = date(2025, 9, 3)


def _case(
    kind: str, received: date, clarifications: tuple[tuple[date, date | None], ...], **fields: Any
) -> AccessRequest:
    case = AccessRequestFactory.create(kind=kind, received_on=received, **fields)
    for asked, answered in clarifications:
        AccessRequestClarificationFactory.create(access_request=case, asked_on=asked, answered_on=answered)
    return case


ROWS = [
    # Sat 6 Sep 2025 is day one -> Mon 6 Oct 2025.
    pytest.param(SAR, date(2025, 9, 6), (), {}, RUNNING, date(2025, 10, 6), id="SAR received on a Saturday"),
    # Mon 8 Sep is FOI working day 1 -> Fri 3 Oct 2025.
    pytest.param(FOI, date(2025, 9, 6), (), {}, RUNNING, date(2025, 10, 3), id="FOI received on a Saturday"),
    # Identity evidence on Wed 10 Sep starts the month -> Fri 10 Oct 2025.
    pytest.param(
        SAR,
        WED_3_SEP_2025,
        (),
        {"identity_requested_on": date(2025, 9, 4), "identity_verified_on": date(2025, 9, 10)},
        RUNNING,
        date(2025, 10, 10),
        id="SAR identity verified later",
    ),
    # Still waiting on Mon 15 Sep: as if it came today -> Wed 15 Oct 2025, and nothing stored.
    pytest.param(
        SAR,
        WED_3_SEP_2025,
        (),
        {"identity_requested_on": date(2025, 9, 4)},
        NOT_STARTED,
        date(2025, 10, 15),
        id="SAR awaiting identity has no due date yet",
    ),
    pytest.param(SAR, WED_3_SEP_2025, (), {"extended": True}, RUNNING, date(2025, 12, 3), id="SAR extension"),
    # Asked Fri 5 Sep, answered Wed 10 Sep: 6 days -> Fri 3 Oct + 6 = Thu 9 Oct 2025.
    pytest.param(
        SAR,
        WED_3_SEP_2025,
        ((date(2025, 9, 5), date(2025, 9, 10)),),
        {},
        RUNNING,
        date(2025, 10, 9),
        id="SAR clarification pause moves the date by the paused days",
    ),
    # The same 6 days on the extended date: Wed 3 Dec + 6 = Tue 9 Dec 2025.
    pytest.param(
        SAR,
        WED_3_SEP_2025,
        ((date(2025, 9, 5), date(2025, 9, 10)),),
        {"extended": True},
        RUNNING,
        date(2025, 12, 9),
        id="SAR pause and extension together",
    ),
    # Asked Fri 5 Sep, awaited on Mon 15 Sep: 11 days so far -> Fri 3 Oct + 11 = Tue 14 Oct 2025.
    pytest.param(
        SAR,
        WED_3_SEP_2025,
        ((date(2025, 9, 5), None),),
        {},
        STOPPED,
        date(2025, 10, 14),
        id="SAR awaiting clarification stops the clock",
    ),
    # Clarified Mon 15 Sep: 20 working days from then -> Mon 13 Oct 2025.
    pytest.param(
        FOI,
        WED_3_SEP_2025,
        ((date(2025, 9, 4), date(2025, 9, 15)),),
        {},
        RUNNING,
        date(2025, 10, 13),
        id="FOI clarification restarts the count",
    ),
    # Two clarifications: the later answer restarts it. Answered Mon 15 Sep -> Mon 13 Oct 2025.
    pytest.param(
        FOI,
        WED_3_SEP_2025,
        ((date(2025, 9, 4), date(2025, 9, 5)), (date(2025, 9, 8), date(2025, 9, 15))),
        {},
        RUNNING,
        date(2025, 10, 13),
        id="FOI restarts from the latest clarification",
    ),
    # Awaited on Mon 15 Sep: as if clarified today -> Mon 13 Oct 2025, and nothing stored.
    pytest.param(
        FOI,
        WED_3_SEP_2025,
        ((date(2025, 9, 4), None),),
        {},
        STOPPED,
        date(2025, 10, 13),
        id="FOI awaiting clarification has no due date yet",
    ),
    pytest.param(EIR, WED_3_SEP_2025, (), {"extended": True}, RUNNING, date(2025, 10, 29), id="EIR extended"),
    pytest.param(
        FOI,
        WED_3_SEP_2025,
        (),
        {"extended": True, "extended_until": date(2025, 10, 29)},
        RUNNING,
        date(2025, 10, 29),
        id="FOI public interest extension uses the date set",
    ),
    pytest.param(
        SAR,
        WED_3_SEP_2025,
        (),
        {"fee_amount": 10, "fee_requested_on": date(2025, 9, 5)},
        NOT_STARTED,
        date(2025, 10, 15),
        id="SAR awaiting a fee has no due date yet",
    ),
    pytest.param(
        SAR,
        WED_3_SEP_2025,
        (),
        {"fee_amount": 10, "fee_requested_on": date(2025, 9, 5), "fee_paid_on": date(2025, 9, 15)},
        RUNNING,
        date(2025, 10, 15),
        id="SAR fee paid starts the month",
    ),
    # Mon 1 Sep 2025 is day 1 -> day 40 Fri 10 Oct 2025.
    pytest.param(
        DECEASED,
        date(2025, 9, 1),
        (),
        {"subject_name": "A Patient"},
        RUNNING,
        date(2025, 10, 10),
        id="deceased 40 days",
    ),
    pytest.param(
        DECEASED,
        WED_3_SEP_2025,
        (),
        {"subject_name": "A Patient", "recent_records_only": True},
        RUNNING,
        date(2025, 9, 23),
        id="deceased recent records 21 days",
    ),
    # Entitlement asked Wed 3 Sep, proved Wed 10 Sep -> day 1 is 10 Sep -> Sun 19 Oct 2025 (not moved).
    pytest.param(
        DECEASED,
        date(2025, 9, 1),
        (),
        {
            "subject_name": "A Patient",
            "identity_requested_on": date(2025, 9, 3),
            "identity_verified_on": date(2025, 9, 10),
        },
        RUNNING,
        date(2025, 10, 19),
        id="deceased entitlement proved later restarts the 40 days",
    ),
]


@pytest.mark.parametrize(("kind", "received", "clarifications", "fields", "state", "expected"), ROWS)
def test_case_due_date(
    kind: str,
    received: date,
    clarifications: tuple[tuple[date, date | None], ...],
    fields: dict[str, Any],
    state: ClockState,
    expected: date,
) -> None:
    case = _case(kind, received, clarifications, **fields)
    deadline = case.deadline(today=date(2025, 9, 15), nation="england")
    assert deadline.state is state
    if state is RUNNING:
        assert deadline.due == expected
    else:
        # Not stored, so never overdue; the page shows the date as if the awaited item came today.
        assert deadline.due is None
        assert deadline.projected == expected


def test_a_stopped_clock_explains_itself_and_the_pause_shows_in_the_working() -> None:
    case = _case(SAR, WED_3_SEP_2025, ((date(2025, 9, 5), None),))
    deadline = case.deadline(today=date(2025, 9, 12), nation="england")
    assert deadline.headline == (
        "Clock stopped: waiting since Fri 5 Sep 2025 for clarification. If it arrived today the response "
        "would be due Mon 13 Oct 2025."
    )
    (pause,) = deadline.working.pauses
    assert "8 days added" in pause.explanation


def test_an_open_case_past_its_date_is_overdue() -> None:
    case = _case(FOI, WED_3_SEP_2025, (), status=AccessRequestStatus.IN_PROGRESS)
    deadline = case.deadline(today=date(2025, 10, 3), nation="england")
    assert deadline.overdue
    assert deadline.headline == "Due Wed 1 Oct 2025: overdue by 2 days"


@pytest.mark.parametrize(
    ("responded_on", "headline"),
    [
        (date(2025, 10, 1), "Response sent Wed 1 Oct 2025, on time. It was due Wed 1 Oct 2025."),
        (date(2025, 10, 3), "Response sent Fri 3 Oct 2025, 2 days late. It was due Wed 1 Oct 2025."),
    ],
    ids=["on time", "late"],
)
def test_a_responded_case_says_whether_it_was_on_time(responded_on: date, headline: str) -> None:
    case = _case(
        FOI,
        WED_3_SEP_2025,
        (),
        status=AccessRequestStatus.RESPONDED,
        responded_on=responded_on,
        outcome="provided_in_full",
    )
    deadline = case.deadline(today=date(2026, 1, 5), nation="england")
    assert deadline.state is ClockState.FINISHED
    assert not deadline.overdue
    assert deadline.headline == headline


def test_telling_the_requester_of_a_sar_extension_after_the_first_month_is_flagged() -> None:
    case = _case(SAR, WED_3_SEP_2025, (), extended=True, extension_told_on=date(2025, 10, 6))
    notes = case.deadline(today=date(2025, 10, 6), nation="england").notes
    assert any("after the first month ended on Fri 3 Oct 2025" in note for note in notes)


@pytest.mark.parametrize(
    ("nation", "expected"),
    [
        # Tue 2 Dec 2025 -> Fri 2 Jan 2026: a working day in England.
        pytest.param("england", date(2026, 1, 2), id="england"),
        # In Scotland 2 January is a bank holiday -> Mon 5 Jan 2026.
        pytest.param("scotland", date(2026, 1, 5), id="scotland"),
    ],
)
def test_a_sar_uses_the_organisations_nation_by_default(
    ig_officer: User, nation: str, expected: date
) -> None:
    portal = OrganisationSettings.load()
    portal.nation = nation
    portal.save()
    case = access_request_create(
        actor=ig_officer,
        kind=SAR,
        today=date(2025, 12, 3),
        received_on=date(2025, 12, 2),
        channel="email",
        requester_name="Sam Jones",
        requester_email="sam@example.org",
        description="My records",
    )
    assert AccessRequest.objects.get(pk=case.pk).due_on == expected
    working = case.deadline(today=date(2025, 12, 3), nation=nation).working
    assert isinstance(working, Working)
    assert working.due == expected
    assert working.nation is not None and working.nation.value == nation


# --- a FOI fees notice, and an EIR request under FOISA ----------------------------------------------------


def test_a_foi_fees_notice_stops_the_clock_until_the_fee_arrives() -> None:
    # Received Mon 2 Mar 2026 (due Tue 31 Mar on the UK-wide calendar); fees notice Mon 9 Mar.
    case = _case(FOI, date(2026, 3, 2), (), fee_amount=20, fee_requested_on=date(2026, 3, 9))
    waiting = case.deadline(today=date(2026, 3, 13), nation="england")
    assert waiting.state is STOPPED and waiting.due is None
    assert "waiting since Mon 9 Mar 2026 for the fee" in waiting.headline
    # Three months beginning with 9 March: the last day to pay is 8 June; it lapses on 9 June.
    assert any("lapses on Tue 9 Jun 2026 (FOIA s9(2)" in note for note in waiting.notes)
    case.fee_paid_on = date(2026, 3, 13)
    paid = case.deadline(today=date(2026, 3, 16), nation="england")
    # Five working days disregarded (FOIA s10(2)), over Easter: Thu 9 Apr.
    assert (paid.state, paid.due) == (RUNNING, date(2026, 4, 9))
    assert "FOIA s10(2)" in paid.working.steps[-1]
    # Under FOISA: due Mon 30 Mar on the Scottish calendar, then five working days on: Tue 7 Apr.
    foisa = case.deadline(today=date(2026, 3, 16), nation="scotland", regime="foisa")
    assert foisa.due == date(2026, 4, 7) and "FOISA s10(2)" in foisa.working.steps[-1]
    case.fee_paid_on = None
    assert any(
        "FOISA s9(4)" in note
        for note in case.deadline(today=date(2026, 3, 16), nation="scotland", regime="foisa").notes
    )


def test_an_eir_charge_is_recorded_but_does_not_stop_the_clock() -> None:
    case = _case(EIR, date(2026, 3, 2), (), fee_amount=20, fee_requested_on=date(2026, 3, 9))
    deadline = case.deadline(today=date(2026, 3, 13), nation="england")
    assert (deadline.state, deadline.due) == (RUNNING, date(2026, 3, 31))


def test_under_foisa_an_eir_case_follows_the_eisr() -> None:
    case = _case(EIR, date(2026, 3, 2), ())
    # The Scottish calendar does not skip St Patrick's Day: Mon 30 Mar (the UK EIR: Tue 31 Mar).
    assert case.deadline(today=date(2026, 3, 3), nation="scotland", regime="foisa").due == date(2026, 3, 30)
    assert case.deadline(today=date(2026, 3, 3), nation="scotland").due == date(2026, 3, 31)
    case.extended = True
    extended = case.deadline(today=date(2026, 3, 3), nation="scotland", regime="foisa")
    assert extended.due == date(2026, 4, 28) and "reg 7(1)" in extended.working.rule
