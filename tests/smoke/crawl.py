"""The smoke crawl: every URL the resolver knows, as every demo user and anonymously, on seeded demo data.

Run it on a database that ``migrate`` and ``seed_demo`` have just filled; ``crawl()`` returns what went
wrong (nothing, when all is well). ``python -m tests.smoke.crawl`` runs it against whatever database the
environment names (the newcomer's SQLite file, in tests/smoke/test_crawl.py) and exits 1 on failures.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

USERS = ("requester", "igofficer", "dpo", "caldicott", "siro", "auditor", "iao")


@dataclass
class Demo:
    """Real references and ids from the demo data, looked up by what they are."""

    refs: dict[str, str]
    ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Demo:
        from django.contrib.auth.models import User
        from django.db.models import F

        from requests_app import models as m

        # The first request in each state (a state the crawl's own posts have emptied is left out).
        refs: dict[str, str] = {}
        for status, reference in m.SharingRequest.objects.order_by("-pk").values_list("status", "reference"):
            refs[status] = reference
        flow = m.DataFlow.objects.order_by("pk").first()
        agreement = m.SharingAgreement.objects.order_by("pk").first()
        assert flow is not None and agreement is not None
        dpia = m.Dpia.objects.order_by("pk").first()
        withdrawal = m.ConsentWithdrawal.objects.order_by("pk").first()
        assert dpia is not None and withdrawal is not None
        ids = {
            # An open subject access request (the one due soonest), while there is one.
            "access_request": m.AccessRequest.objects.filter(kind="sar")
            .order_by(F("responded_on").desc(nulls_first=True), "due_on")
            .values_list("pk", flat=True)[0],
            "agreement": agreement.pk,
            "catalogue_item": m.DataItemType.objects.order_by("pk").values_list("pk", flat=True)[0],
            "consent_withdrawal": withdrawal.pk,
            "consent_notice": withdrawal.notices.order_by("pk").values_list("pk", flat=True)[0],
            "disclosure": m.Disclosure.objects.order_by("pk").values_list("pk", flat=True)[0],
            "dpia": dpia.pk,
            "dpia_risk": dpia.risks.order_by("pk").values_list("pk", flat=True)[0],
            "flow": flow.pk,
            "incident": m.Incident.objects.order_by("pk").values_list("pk", flat=True)[0],
            "organisation": m.Organisation.objects.order_by("pk").values_list("pk", flat=True)[0],
            "notification": m.Notification.objects.order_by("pk").values_list("pk", flat=True)[0],
            "retention_rule": m.RetentionRule.objects.get(record_type="access_request").pk,
            # The demo's nightly sweep listed its old answered cases; the crawl destroys one of them.
            "disposal": m.DisposalReview.objects.order_by("pk").values_list("pk", flat=True)[0],
            "erasure_case": m.AccessRequest.objects.filter(kind="erasure").values_list("pk", flat=True)[0],
        }
        # A closed case no disposal review names yet, for the erasure case to refer to the DPO.
        unreviewed = (
            m.AccessRequest.objects.filter(kind="sar", status="responded")
            .exclude(pk__in=m.DisposalReview.objects.values("object_id"))
            .order_by("-pk")
            .first()
        )
        if unreviewed is not None:
            refs["unreviewed_sar"] = unreviewed.reference
        # Made by the crawl's own first POSTs, when it has run them.
        document = m.SupportingDocument.objects.filter(request__isnull=False).order_by("pk").first()
        token = m.ApiToken.objects.order_by("pk").first()
        isa_document = m.SupportingDocument.objects.filter(agreement=agreement).order_by("pk").first()
        processor_document = (
            m.SupportingDocument.objects.filter(processor__isnull=False).order_by("pk").first()
        )
        access_document = m.AccessRequestDocument.objects.order_by("pk").first()
        ids |= {
            "access_document": access_document.pk if access_document else 0,
            "access_document_case": access_document.access_request_id if access_document else 0,
            "access_request_foi": m.AccessRequest.objects.filter(kind="foi", status="in_progress")
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
            or 0,
            "document": document.pk if document else 0,
            "token": token.pk if token else 0,
            "agreement_document": isa_document.pk if isa_document else 0,
            "processor_document": processor_document.pk if processor_document else 0,
        }
        newest_draft = m.SharingRequest.objects.filter(status="draft").order_by("-pk").first()
        if newest_draft is not None:
            refs["newest_draft"] = newest_draft.reference
        flowless = (
            m.SharingRequest.objects.filter(
                status="approved", frequency__in=["routine", "bulk"], data_flow=None
            )
            .order_by("pk")
            .first()
        )
        if flowless is not None:
            refs["flowless"] = flowless.reference
        # The demo's request naming a recipient not yet a partner (until the crawl's own post adds it).
        unlisted = m.SharingRequest.objects.exclude(recipient_unlisted="").order_by("pk").first()
        if unlisted is not None:
            refs["unlisted"] = unlisted.reference
        # The links by which the demo's two partners sign the joint agreement (a re-send changes them).
        from requests_app.signing_links import token_for

        # (Still awaited: the demo's agreement in force was signed by its partner already.)
        asked = m.AgreementSignature.objects.filter(
            organisation__isnull=False, version__status="awaiting_signatures"
        ).order_by("pk")
        for number, signature in enumerate(asked[:2], start=1):
            refs[f"signing_{number}"] = token_for(signature)
        signing = asked.first()
        if signing is not None:
            ids |= {
                "agreement_signing": signing.version.agreement_id,
                "signature": signing.pk,
                "newest_signatory": m.PartnerSignatory.objects.order_by("-pk").values_list("pk", flat=True)[
                    0
                ],
            }
        draft_dpia = m.Dpia.objects.filter(status="draft").order_by("-pk").first()
        draft_isa = m.SharingAgreement.objects.filter(versions__status="draft").order_by("-pk").first()
        ids |= {
            "dpia_draft": draft_dpia.pk if draft_dpia else 0,
            "dpia_draft_risk": draft_dpia.risks.order_by("pk").values_list("pk", flat=True).first() or 0
            if draft_dpia
            else 0,
            "agreement_draft": draft_isa.pk if draft_isa else 0,
            "asset": m.InformationAsset.objects.order_by("pk").values_list("pk", flat=True)[0],
            "asset_draft": m.InformationAsset.objects.filter(status="draft")
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
            or 0,
            "processor": m.Processor.objects.order_by("pk").values_list("pk", flat=True)[0],
            "notification_dpo": m.Notification.objects.filter(recipient__username="dpo")
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
            or 0,
            "user_dpo": User.objects.get(username="dpo").pk,
            "consented_disclosure": m.Disclosure.objects.filter(confidentiality_basis="explicit_consent")
            .order_by("pk")
            .values_list("pk", flat=True)[0],
        }
        return cls(refs=refs, ids=ids)


Url = Callable[[Demo], str]
ANONYMOUS = "anonymous"
# What a person who is not logged in gets: sent to log in (pages), 401 (the API), the page (public).
LOGIN, API_401, PUBLIC = "login", "401", "public"
# Not there at all: single sign-on's pages when SSO_ENABLED is false (the crawl's configuration).
NOT_FOUND = "404"
# A public POST-only URL (a signing link's form action): 405 to a GET from anyone, signed in or not.
PUBLIC_405 = "public_405"
# A public page that sends the visitor on (the online request's acknowledgement, to a browser that has
# not just asked, goes back to the form).
PUBLIC_REDIRECT = "public 302"


@dataclass(frozen=True)
class Get:
    url_template: str
    # These users get ``status``; ``refused`` get 403 (they see the object but may not act); the rest 404.
    ok: frozenset[str]
    refused: frozenset[str] = frozenset()
    status: int = 200
    anonymous: str = LOGIN


EVERYONE = frozenset(USERS)
IG = frozenset({"igofficer", "dpo"})
READERS = IG | {"auditor"}  # the register readers
REQ = frozenset({"requester"})
ISA_READERS = READERS | {"caldicott"}  # the Caldicott Guardian approves every ISA
DPIA_READERS = READERS | {"siro"}  # the SIRO signs off every DPIA
ROPA_READERS = READERS | {"siro"}  # the record of processing: the DPO's evidence, and the SIRO's
ASSET_READERS = ROPA_READERS | {"iao"}  # the asset register: its owners keep their own entries
NOBODY: frozenset[str] = frozenset()


def page(template: str, ok: frozenset[str], refused: frozenset[str] = NOBODY, **kw: Any) -> Get:
    """A GET of ``template``: {name} is the demo's id of that name, {ref_<status>} a request in that state."""
    return Get(template, ok, refused, **kw)


# Each URL pattern (as tests.igportal.test_auth walks it) -> the GETs that exercise it, expectations by hand.
GETS: dict[str, list[Get]] = {
    "/": [page("/", EVERYONE)],
    "/accounts/": [page("/accounts/", EVERYONE)],
    "/accounts/login/": [page("/accounts/login/", EVERYONE, status=302, anonymous=PUBLIC)],
    "/accounts/logout/": [page("/accounts/logout/", NOBODY, status=405)],
    "/accounts/password/": [page("/accounts/password/", EVERYONE)],
    "/accounts/password/done/": [page("/accounts/password/done/", EVERYONE)],
    "/accounts/logged-out/": [page("/accounts/logged-out/", EVERYONE, anonymous=PUBLIC)],
    "/accounts/sso/start/": [page("/accounts/sso/start/", NOBODY, anonymous=NOT_FOUND)],
    "/accounts/sso/callback/": [page("/accounts/sso/callback/", NOBODY, anonymous=NOT_FOUND)],
    "/accounts/sso/no-role/": [page("/accounts/sso/no-role/", EVERYONE)],
    "/accounts/password/reset/": [page("/accounts/password/reset/", EVERYONE, anonymous=PUBLIC)],
    "/accounts/password/reset/sent/": [page("/accounts/password/reset/sent/", EVERYONE, anonymous=PUBLIC)],
    "/accounts/password/reset/complete/": [
        page("/accounts/password/reset/complete/", EVERYONE, anonymous=PUBLIC)
    ],
    # A link that is not a real one: the page says the link is no longer valid.
    "/accounts/password/reset/x/x/": [page("/accounts/password/reset/x/x/", EVERYONE, anonymous=PUBLIC)],
    "/accounts/confirm/": [page("/accounts/confirm/", EVERYONE)],
    "/accounts/email/": [page("/accounts/email/", EVERYONE)],
    "/accounts/mfa/setup/": [page("/accounts/mfa/setup/", EVERYONE)],
    "/accounts/mfa/verify/": [page("/accounts/mfa/verify/", EVERYONE, status=302)],
    "/accounts/mfa/recovery-codes/": [page("/accounts/mfa/recovery-codes/", EVERYONE, status=302)],
    "/notifications/": [page("/notifications/", EVERYONE)],
    "/notifications/read/": [page("/notifications/read/", NOBODY, status=405)],
    "/delegations/": [page("/delegations/", EVERYONE)],
    "/delegations/1/end/": [page("/delegations/1/end/", NOBODY, status=405)],
    "/notifications/1/read/": [page("/notifications/{notification}/read/", NOBODY, status=405)],
    "/operations/chasers/": [page("/operations/chasers/", frozenset({"dpo"}))],
    "/organisations/": [page("/organisations/", EVERYONE)],
    "/organisations/new/": [page("/organisations/new/", IG)],
    "/organisations/1/edit/": [page("/organisations/{organisation}/edit/", IG)],
    "/organisations/1/signatories/": [page("/organisations/{organisation}/signatories/", IG)],
    "/organisations/1/signatories/1/remove/": [
        page("/organisations/{organisation}/signatories/1/remove/", NOBODY, status=405)
    ],
    "/settings/": [page("/settings/", EVERYONE)],
    "/settings/edit/": [page("/settings/edit/", frozenset({"dpo"}))],
    "/settings/policy/": [page("/settings/policy/", frozenset({"dpo"}))],
    "/catalogue/": [page("/catalogue/", EVERYONE)],
    "/catalogue/new/": [page("/catalogue/new/", IG)],
    "/catalogue/1/edit/": [page("/catalogue/{catalogue_item}/edit/", IG)],
    "/requests/": [page("/requests/", EVERYONE)],
    "/requests/new/": [page("/requests/new/", frozenset({"requester"}))],
    # Every submitted request, read-only for the auditor; the Caldicott Guardian's decision log.
    "/requests/all/": [page("/requests/all/", READERS)],
    "/decision-log/": [page("/decision-log/", frozenset({"dpo", "caldicott", "auditor"}))],
    # Only the requester sees their draft (anyone else: 404).
    "/requests/x/delete/": [page("/requests/{ref_draft}/delete/", frozenset({"requester"}))],
    "/requests/x/": [
        page("/requests/{ref_draft}/", REQ),
        page("/requests/{ref_submitted}/", REQ | READERS),
        page("/requests/{ref_awaiting_caldicott}/", REQ | READERS | {"caldicott"}),
        page("/requests/{ref_awaiting_siro}/", REQ | READERS | {"caldicott", "siro"}),
        page("/requests/{ref_closed}/", REQ | READERS),
    ],
    "/requests/x/decision-record/": [
        page("/requests/{ref_approved}/decision-record/", REQ | READERS | {"caldicott", "siro"})
    ],
    "/requests/x/decision-record.pdf": [
        page("/requests/{ref_approved}/decision-record.pdf", REQ | READERS | {"caldicott", "siro"})
    ],
    "/requests/x/assessments/1/": [page("/requests/{ref_ig_review}/assessments/1/", REQ | READERS)],
    "/requests/x/decide/": [page("/requests/{ref_ig_review}/decide/", NOBODY, status=405)],
    "/requests/x/actions/x/": [page("/requests/{ref_ig_review}/actions/withdraw/", NOBODY, status=405)],
    "/requests/x/stages/": [page("/requests/{ref_ig_review}/stages/", NOBODY, status=405)],
    "/requests/x/assign/": [page("/requests/{ref_ig_review}/assign/", NOBODY, status=405)],
    "/requests/x/add-partner/": [page("/requests/{ref_ig_review}/add-partner/", NOBODY, status=405)],
    "/requests/x/comments/": [page("/requests/{ref_ig_review}/comments/", NOBODY, status=405)],
    "/requests/x/documents/": [page("/requests/{ref_submitted}/documents/", NOBODY, status=405)],
    "/requests/x/documents/1/": [page("/requests/{ref_submitted}/documents/{document}/", REQ | READERS)],
    "/requests/x/disclosure/": [
        page("/requests/{ref_approved_with_conditions}/disclosure/", REQ | IG, refused=frozenset({"auditor"}))
    ],
    "/requests/x/data-flow/": [  # Registered already: everyone who sees the request is sent to its flow.
        # The demo asset owner's assets are not drawn on by that request, so it is not theirs to see.
        page("/requests/{ref_approved}/data-flow/", EVERYONE - {"iao"}, status=302)
    ],
    "/requests/x/wizard/x/": [
        page("/requests/{ref_draft}/wizard/purpose/", REQ),
        page("/requests/{ref_changes_requested}/wizard/data/", REQ, refused=READERS),
    ],
    "/requests/x/wizard/review/": [
        page("/requests/{ref_changes_requested}/wizard/review/", REQ, refused=READERS)
    ],
    "/queues/x/": [
        page("/queues/ig/", IG),
        page("/queues/caldicott/", frozenset({"caldicott"})),
        page("/queues/siro/", frozenset({"siro"})),
    ],
    "/audit/": [page("/audit/", frozenset({"dpo", "auditor"}))],
    "/retention/": [page("/retention/", READERS)],
    "/retention/1/edit/": [page("/retention/{retention_rule}/edit/", frozenset({"dpo"}))],
    "/retention/disposal/": [page("/retention/disposal/", frozenset({"dpo", "auditor"}))],
    "/retention/disposal/1/": [page("/retention/disposal/{disposal}/", frozenset({"dpo", "auditor"}))],
    "/retention/disposal/1/x/": [page("/retention/disposal/{disposal}/destroy/", NOBODY, status=405)],
    "/retention/destroyed/": [page("/retention/destroyed/", frozenset({"dpo", "auditor"}))],
    "/access-requests/": [page("/access-requests/", READERS)],
    "/access-requests/new/": [page("/access-requests/new/", IG, refused=frozenset({"auditor"}))],
    "/access-requests/1/": [
        page("/access-requests/{access_request}/", READERS),
        page("/access-requests/{erasure_case}/", READERS),
    ],
    "/access-requests/1/edit/": [
        page("/access-requests/{access_request}/edit/", IG, refused=frozenset({"auditor"}))
    ],
    "/access-requests/1/actions/x/": [
        page("/access-requests/{access_request}/actions/respond/", NOBODY, status=405)
    ],
    "/access-requests/1/refer-record/": [
        page("/access-requests/{erasure_case}/refer-record/", NOBODY, status=405)
    ],
    "/access-requests/1/documents/1/": [
        page("/access-requests/{access_document_case}/documents/{access_document}/", READERS)
    ],
    "/transparency/": [page("/transparency/", EVERYONE, anonymous=PUBLIC)],
    "/ask/": [page("/ask/", EVERYONE, anonymous=PUBLIC)],
    "/disclosure-log/": [page("/disclosure-log/", EVERYONE, anonymous=PUBLIC)],
    "/access-requests/statistics/": [page("/access-requests/statistics/", READERS)],
    "/access-requests/statistics.csv": [page("/access-requests/statistics.csv", READERS)],
    "/access-requests/1/follow-ups/": [
        page("/access-requests/{access_request_foi}/follow-ups/", NOBODY, status=405)
    ],
    "/access-requests/1/redactions/": [
        page("/access-requests/{access_request_foi}/redactions/", NOBODY, status=405)
    ],
    "/ask/received/": [page("/ask/received/", EVERYONE, status=302, anonymous=PUBLIC_REDIRECT)],
    "/registers/": [page("/registers/", READERS)],
    "/registers/disclosures/": [page("/registers/disclosures/", READERS | REQ)],
    "/registers/disclosures/export.csv": [page("/registers/disclosures/export.csv", READERS | REQ)],
    "/registers/disclosures/new/": [
        page("/registers/disclosures/new/", IG, refused=frozenset({"auditor", "requester"}))
    ],
    "/registers/disclosures/1/": [page("/registers/disclosures/{disclosure}/", READERS | REQ)],
    "/registers/assets/": [page("/registers/assets/", ASSET_READERS)],
    "/registers/assets/new/": [
        page("/registers/assets/new/", IG | {"iao"}, refused=frozenset({"auditor", "siro"}))
    ],
    "/registers/assets/1/": [page("/registers/assets/{asset}/", ASSET_READERS)],
    # The demo's assets are the demo owner's, administered by the IG officer.
    "/registers/assets/1/edit/": [
        page("/registers/assets/{asset}/edit/", IG | {"iao"}, refused=frozenset({"auditor", "siro"}))
    ],
    "/registers/assets/1/actions/x/": [page("/registers/assets/{asset}/actions/retire/", NOBODY, status=405)],
    "/registers/processors/": [page("/registers/processors/", ASSET_READERS)],
    "/registers/processors/new/": [
        page("/registers/processors/new/", IG, refused=frozenset({"auditor", "siro", "iao"}))
    ],
    "/registers/processors/1/": [page("/registers/processors/{processor}/", ASSET_READERS)],
    "/registers/processors/1/documents/": [
        page("/registers/processors/{processor}/documents/", NOBODY, status=405)
    ],
    "/registers/processors/1/documents/1/": [
        page("/registers/processors/{processor}/documents/{processor_document}/", ASSET_READERS)
    ],
    "/registers/processors/1/edit/": [
        page("/registers/processors/{processor}/edit/", IG, refused=frozenset({"auditor", "siro", "iao"}))
    ],
    "/registers/processing/": [page("/registers/processing/", ROPA_READERS)],
    "/registers/processing/export.csv": [page("/registers/processing/export.csv", ROPA_READERS)],
    "/registers/processing/dspt.csv": [page("/registers/processing/dspt.csv", ROPA_READERS)],
    "/registers/processing/record.pdf": [page("/registers/processing/record.pdf", ROPA_READERS)],
    "/requests/x/assets/": [page("/requests/{ref_draft}/assets/", REQ)],
    "/registers/flows/": [page("/registers/flows/", READERS | REQ)],
    "/registers/flows/export.csv": [page("/registers/flows/export.csv", READERS | REQ)],
    "/registers/flows/1/": [page("/registers/flows/{flow}/", READERS | REQ)],
    "/registers/flows/1/review/": [page("/registers/flows/{flow}/review/", NOBODY, status=405)],
    "/registers/flows/1/actions/x/": [page("/registers/flows/{flow}/actions/suspend/", NOBODY, status=405)],
    "/registers/agreements/": [page("/registers/agreements/", ISA_READERS)],
    "/registers/agreements/export.csv": [page("/registers/agreements/export.csv", ISA_READERS)],
    "/registers/agreements/new/": [
        page("/registers/agreements/new/", IG, refused=frozenset({"auditor", "caldicott"}))
    ],
    "/registers/agreements/1/": [page("/registers/agreements/{agreement}/", ISA_READERS)],
    "/registers/agreements/1/edit/": [
        page("/registers/agreements/{agreement}/edit/", IG, refused=frozenset({"auditor", "caldicott"}))
    ],
    "/registers/agreements/1/v1/": [page("/registers/agreements/{agreement}/v1/", ISA_READERS)],
    "/registers/agreements/1/v1.pdf": [page("/registers/agreements/{agreement}/v1.pdf", ISA_READERS)],
    "/registers/agreements/1/v1/preview.pdf": [
        page("/registers/agreements/{agreement_draft}/v1/preview.pdf", ISA_READERS)
    ],
    "/registers/agreements/1/v1/actions/x/": [
        page("/registers/agreements/{agreement}/v1/actions/terminate/", NOBODY, status=405)
    ],
    "/registers/agreements/1/v1/sign/": [
        page("/registers/agreements/{agreement_signing}/v1/sign/", NOBODY, status=405)
    ],
    "/registers/agreements/1/v1/signatures/1/resend/": [
        page(
            "/registers/agreements/{agreement_signing}/v1/signatures/{signature}/resend/", NOBODY, status=405
        )
    ],
    # A partner's link works for anyone holding it, signed in or not, and for nothing else.
    "/sign/x/": [page("/sign/{ref_signing_1}/", EVERYONE, anonymous=PUBLIC)],
    "/sign/x/agreement.pdf": [page("/sign/{ref_signing_1}/agreement.pdf", EVERYONE, anonymous=PUBLIC)],
    "/sign/x/sign/": [page("/sign/{ref_signing_1}/sign/", NOBODY, status=405, anonymous=PUBLIC_405)],
    "/sign/x/decline/": [page("/sign/{ref_signing_1}/decline/", NOBODY, status=405, anonymous=PUBLIC_405)],
    "/sign/x/question/": [page("/sign/{ref_signing_1}/question/", NOBODY, status=405, anonymous=PUBLIC_405)],
    "/registers/agreements/1/documents/": [
        page("/registers/agreements/{agreement}/documents/", NOBODY, status=405)
    ],
    "/registers/agreements/1/documents/1/": [
        page("/registers/agreements/{agreement}/documents/{agreement_document}/", ISA_READERS)
    ],
    "/registers/dpias/": [page("/registers/dpias/", DPIA_READERS)],
    "/registers/dpias/export.csv": [page("/registers/dpias/export.csv", DPIA_READERS)],
    "/registers/dpias/new/": [page("/registers/dpias/new/", IG, refused=frozenset({"auditor", "siro"}))],
    "/registers/dpias/1/": [page("/registers/dpias/{dpia}/", DPIA_READERS)],
    "/registers/dpias/1/edit/": [
        page("/registers/dpias/{dpia}/edit/", IG, refused=frozenset({"auditor", "siro"}))
    ],
    "/registers/dpias/1/risks/": [page("/registers/dpias/{dpia}/risks/", NOBODY, status=405)],
    "/registers/dpias/1/risks/1/remove/": [
        page("/registers/dpias/{dpia}/risks/{dpia_risk}/remove/", NOBODY, status=405)
    ],
    "/registers/dpias/1/actions/x/": [page("/registers/dpias/{dpia}/actions/sign_off/", NOBODY, status=405)],
    "/registers/incidents/": [page("/registers/incidents/", READERS)],
    "/registers/incidents/export.csv": [page("/registers/incidents/export.csv", READERS)],
    "/registers/incidents/new/": [page("/registers/incidents/new/", IG, refused=frozenset({"auditor"}))],
    "/registers/incidents/1/": [page("/registers/incidents/{incident}/", READERS)],
    "/registers/incidents/1/edit/": [
        page("/registers/incidents/{incident}/edit/", IG, refused=frozenset({"auditor"}))
    ],
    "/registers/incidents/1/actions/x/": [
        page("/registers/incidents/{incident}/actions/close/", NOBODY, status=405)
    ],
    "/registers/consent-withdrawals/": [page("/registers/consent-withdrawals/", READERS)],
    "/registers/consent-withdrawals/export.csv": [page("/registers/consent-withdrawals/export.csv", READERS)],
    "/registers/consent-withdrawals/new/": [
        page("/registers/consent-withdrawals/new/", IG, refused=frozenset({"auditor"}))
    ],
    "/registers/consent-withdrawals/1/": [
        page("/registers/consent-withdrawals/{consent_withdrawal}/", READERS)
    ],
    "/registers/consent-withdrawals/1/notices/1/told/": [
        page(
            "/registers/consent-withdrawals/{consent_withdrawal}/notices/{consent_notice}/told/",
            NOBODY,
            status=405,
        )
    ],
    # The REST API, with the browser session (the same permissions as the pages).
    "/api/v1/schema/": [page("/api/v1/schema/", EVERYONE, anonymous=API_401)],
    "/api/v1/docs/": [page("/api/v1/docs/", EVERYONE, anonymous=API_401)],
    "/api/v1/tokens/": [page("/api/v1/tokens/", EVERYONE, anonymous=API_401)],
    "/api/v1/tokens/1/": [page("/api/v1/tokens/{token}/", frozenset({"dpo"}), anonymous=API_401)],
    "/api/v1/assess": [page("/api/v1/assess", NOBODY, status=405, anonymous=API_401)],
    "/api/v1/requests/": [page("/api/v1/requests/", EVERYONE, anonymous=API_401)],
    "/api/v1/requests/x/": [page("/api/v1/requests/{ref_submitted}/", REQ | READERS, anonymous=API_401)],
    "/api/v1/requests/x/answers/x/": [
        page("/api/v1/requests/{ref_draft}/answers/purpose/", REQ, anonymous=API_401)
    ],
    "/api/v1/requests/x/submit/": [
        page("/api/v1/requests/{ref_draft}/submit/", NOBODY, status=405, anonymous=API_401)
    ],
    "/api/v1/requests/x/transitions/": [
        page("/api/v1/requests/{ref_submitted}/transitions/", REQ | READERS, anonymous=API_401)
    ],
    "/api/v1/requests/x/history/": [
        page("/api/v1/requests/{ref_submitted}/history/", REQ | READERS, anonymous=API_401)
    ],
    "/api/v1/requests/x/decision-record.pdf": [
        page(
            "/api/v1/requests/{ref_approved}/decision-record.pdf",
            REQ | READERS | {"caldicott", "siro"},
            anonymous=API_401,
        )
    ],
    "/api/v1/requests/x/comments/": [
        page("/api/v1/requests/{ref_submitted}/comments/", REQ | READERS, anonymous=API_401)
    ],
    "/api/v1/access-requests/": [page("/api/v1/access-requests/", READERS, anonymous=API_401)],
    "/api/v1/access-requests/1/": [
        page("/api/v1/access-requests/{access_request}/", READERS, anonymous=API_401)
    ],
    "/api/v1/access-requests/1/transitions/": [
        page("/api/v1/access-requests/{access_request}/transitions/", NOBODY, status=405, anonymous=API_401)
    ],
    "/api/v1/disclosures/": [page("/api/v1/disclosures/", READERS | REQ, anonymous=API_401)],
    "/api/v1/disclosures/1/": [page("/api/v1/disclosures/{disclosure}/", READERS | REQ, anonymous=API_401)],
    "/api/v1/data-flows/": [page("/api/v1/data-flows/", READERS | REQ, anonymous=API_401)],
    "/api/v1/data-flows/1/": [page("/api/v1/data-flows/{flow}/", READERS | REQ, anonymous=API_401)],
    "/api/v1/assets/": [page("/api/v1/assets/", ASSET_READERS, anonymous=API_401)],
    "/api/v1/assets/1/": [page("/api/v1/assets/{asset}/", ASSET_READERS, anonymous=API_401)],
    "/api/v1/processors/": [page("/api/v1/processors/", ASSET_READERS, anonymous=API_401)],
    "/api/v1/processing-activities/": [
        page("/api/v1/processing-activities/", ROPA_READERS, anonymous=API_401)
    ],
    "/api/v1/agreements/": [page("/api/v1/agreements/", ISA_READERS, anonymous=API_401)],
    "/api/v1/agreements/1/": [page("/api/v1/agreements/{agreement}/", ISA_READERS, anonymous=API_401)],
    "/api/v1/agreements/1/v1.pdf": [
        page("/api/v1/agreements/{agreement}/v1.pdf", ISA_READERS, anonymous=API_401)
    ],
    "/api/v1/incidents/": [page("/api/v1/incidents/", READERS, anonymous=API_401)],
    "/api/v1/incidents/1/": [page("/api/v1/incidents/{incident}/", READERS, anonymous=API_401)],
    "/api/v1/audit-events/": [
        page("/api/v1/audit-events/", frozenset({"dpo", "auditor"}), anonymous=API_401)
    ],
}


class Forms(HTMLParser):
    """The POST forms of a page: each form's action and the values a browser would send as it stands
    (text, hidden and checked inputs, the selected option or else the first, textareas)."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, selected, first
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {}
            self.forms.append((urljoin(self.page_url, a.get("action") or self.page_url), self._form))
        if self._form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._form.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self._form.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if not self._select[2]:
                self._select[2].append(value)
            if "selected" in a:
                self._select[1].append(value)
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, selected, first = self._select
            self._form[name] = selected or first
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form[self._textarea[0]] = ["".join(self._textarea[1]).lstrip("\n")]
            self._textarea = None

    def values_for(self, action: str) -> dict[str, list[str]]:
        target = urljoin(self.page_url, action)
        for form_action, values in self.forms:
            if form_action.split("?")[0] == target:
                return dict(values)
        raise LookupError(f"no form posting to {action} on {self.page_url}: {[a for a, _ in self.forms]}")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Post:
    url: str  # a template, filled as page() fills it
    user: str
    # The page whose form posts to ``url``: its values as they stand are sent, with ``data`` over them.
    form: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    status: int = 302
    upload: bool = False
    upload_field: str = "file"
    json: bool = False


TODAY = "{today}"
# Moments a few minutes past, as day/month/year hour:minute: a fixed time of day would still be to come
# in a run just after midnight, and the forms refuse a moment in the future.
MINUTES_AGO = {minutes: f"{{minutes_ago_{minutes}}}" for minutes in (1, 5, 10)}
# Approved without the engine's conditions the page starts ticked: an override, so the reason is a
# real one (and the request ends approved, as the flow and disclosure posts below expect).
IG_DECISION = {
    "decision": "approve",
    "kept_conditions": [],
    "comment": "Aggregated with small numbers suppressed, so no one can be identified from the counts.",
}
SIRO_DECISION = {
    "decision": "approve",
    "kept_conditions": [],
    "comment": "The DPIA covers it, and the residual risk is accepted on the organisation's behalf.",
}
# Made before the GETs, so the pages that show them have real ids: they change no one's state.
SETUP_POSTS: dict[str, list[Post]] = {
    # A member of the public asks online, with proof of identity: the case and its document are then real.
    "/ask/": [
        Post(
            "/ask/",
            ANONYMOUS,
            form="/ask/",
            data={
                "kind": "sar",
                "description": "My records from the physiotherapy service.",
                "requester_name": "Robin Public",
                "reply_by": "email",
                "requester_email": "robin@example.org",
            },
            upload=True,
            upload_field="identity_document",
        )
    ],
    "/requests/x/documents/": [Post("/requests/{ref_submitted}/documents/", "requester", upload=True)],
    "/registers/agreements/1/documents/": [
        Post("/registers/agreements/{agreement}/documents/", "igofficer", upload=True)
    ],
    "/registers/processors/1/documents/": [
        Post("/registers/processors/{processor}/documents/", "igofficer", upload=True)
    ],
    "/api/v1/tokens/": [
        Post("/api/v1/tokens/", "dpo", data={"name": "Crawl", "scope": "read"}, status=201, json=True)
    ],
    "/registers/agreements/new/": [
        Post(
            "/registers/agreements/new/",
            "igofficer",
            form="/registers/agreements/new/",
            data={
                "title": "Community equipment loans with the county council",
                "parties": ["{organisation}"],
                "purpose": "Arrange equipment for people leaving hospital.",
                "art6": "e_public_task",
                "art9": "h_health_social_care",
                "confidentiality_basis": "implied_consent",
                "data_subjects": "Patients discharged with equipment needs.",
                "data_form": "identifiable",
                "transfer_method": "secure_email",
                "retention": "Two years after the loan ends.",
                "data_items": ["1", "2"],
                "change_summary": "First version.",
            },
        )
    ],
    "/registers/dpias/new/": [
        Post(
            "/registers/dpias/new/",
            "igofficer",
            form="/registers/dpias/new/",
            data={
                "title": "Virtual ward monitoring",
                "processing_description": "Home readings sent to the virtual ward team.",
                "necessity_assessment": "Needed to monitor patients safely at home.",
                **{
                    q: "no"
                    for q in (
                        "q1_personal_data",
                        "q2_sensitive_data",
                        "q3_unique_identifiers",
                        "q4_reidentifiable_pseudonymised",
                        "q5_new_access",
                        "q6_new_purpose",
                        "q7_intrusive_technology",
                        "q8_significant_decisions",
                        "q9_additional_collection",
                        "q10_intrusive_contact",
                    )
                },
                "q1_personal_data": "yes",
            },
        )
    ],
}

# Every other form, once, by someone allowed to use it, with valid data; in an order that keeps each
# one's object in a state where the form applies.
POSTS: dict[str, list[Post]] = {
    "/notifications/1/read/": [Post("/notifications/{notification_dpo}/read/", "dpo")],
    "/notifications/read/": [Post("/notifications/read/", "dpo")],
    # The Caldicott Guardian delegates their sign-off for today (to the auditor, whose posts come first).
    "/delegations/": [
        Post(
            "/delegations/",
            "caldicott",
            form="/delegations/",
            data={
                "role": "caldicott_guardian",
                "deputy": "auditor",
                "starts_on": TODAY,
                "ends_on": TODAY,
                "reason": "Annual leave",
            },
        )
    ],
    "/organisations/new/": [
        Post(
            "/organisations/new/",
            "dpo",
            form="/organisations/new/",
            data={
                "name": "Northshire Hospice",
                "kind": "care_provider",
                "contact_email": "ig@hospice.example",
            },
        )
    ],
    "/organisations/1/edit/": [
        Post("/organisations/{organisation}/edit/", "igofficer", form="/organisations/{organisation}/edit/")
    ],
    "/organisations/1/signatories/": [
        Post(
            "/organisations/{organisation}/signatories/",
            "dpo",
            form="/organisations/{organisation}/signatories/",
            data={"name": "Jo Rowe", "role": "siro", "email": "jo.rowe@partner.example"},
        )
    ],
    "/organisations/1/signatories/1/remove/": [
        Post(
            "/organisations/{organisation}/signatories/{newest_signatory}/remove/",
            "igofficer",
            form="/organisations/{organisation}/signatories/",
        )
    ],
    # The joint agreement out for signature: a new link, a question, a refusal, a signature, ours.
    "/registers/agreements/1/v1/signatures/1/resend/": [
        Post(
            "/registers/agreements/{agreement_signing}/v1/signatures/{signature}/resend/",
            "igofficer",
            form="/registers/agreements/{agreement_signing}/",
        )
    ],
    "/sign/x/question/": [
        Post(
            "/sign/{ref_signing_1}/question/",
            ANONYMOUS,
            form="/sign/{ref_signing_1}/",
            data={"question": "Does section 5 cover our out-of-hours team?"},
            status=200,
        )
    ],
    "/sign/x/decline/": [
        Post(
            "/sign/{ref_signing_2}/decline/",
            ANONYMOUS,
            form="/sign/{ref_signing_2}/",
            data={"reason": "Retention should be one year, not two."},
            status=200,
        )
    ],
    "/sign/x/sign/": [
        Post(
            "/sign/{ref_signing_1}/sign/",
            ANONYMOUS,
            form="/sign/{ref_signing_1}/",
            data={"name": "Ivy Green", "role": "Data Protection Officer", "declaration": "on"},
            status=200,
        )
    ],
    "/registers/agreements/1/v1/sign/": [
        Post(
            "/registers/agreements/{agreement_signing}/v1/sign/",
            "caldicott",
            form="/registers/agreements/{agreement_signing}/",
            data={"declaration": "on"},
        )
    ],
    "/settings/edit/": [Post("/settings/edit/", "dpo", form="/settings/edit/")],
    # A new version must change something and say why.
    "/settings/policy/": [
        Post(
            "/settings/policy/",
            "dpo",
            form="/settings/policy/",
            data={"consent_max_age_days": "400", "reason": "Consent is re-checked at the annual review."},
        )
    ],
    "/catalogue/new/": [
        Post(
            "/catalogue/new/",
            "igofficer",
            form="/catalogue/new/",
            data={
                "code": "blood_results",
                "name": "Blood test results",
                "description": "Recent blood tests.",
            },
        )
    ],
    "/catalogue/1/edit/": [
        Post("/catalogue/{catalogue_item}/edit/", "igofficer", form="/catalogue/{catalogue_item}/edit/")
    ],
    # "Save and come back later" on the first step makes the draft, half answered as it is.
    "/requests/new/": [
        Post(
            "/requests/new/",
            "requester",
            form="/requests/new/",
            data={"title": "Crawl draft", "action": "save_exit"},
        )
    ],
    # Deletes the draft the post above made.
    "/requests/x/delete/": [
        Post("/requests/{ref_newest_draft}/delete/", "requester", form="/requests/{ref_newest_draft}/delete/")
    ],
    "/requests/x/wizard/x/": [
        Post(
            "/requests/{ref_draft}/wizard/purpose/",
            "requester",
            form="/requests/{ref_draft}/wizard/purpose/",
            data={"recipient_is_processor": "no"},
        )
    ],
    "/requests/x/wizard/review/": [
        Post(
            "/requests/{ref_changes_requested}/wizard/review/",
            "requester",
            form="/requests/{ref_changes_requested}/wizard/review/",
        )
    ],
    "/requests/x/comments/": [
        Post(
            "/requests/{ref_ig_review}/comments/",
            "requester",
            form="/requests/{ref_ig_review}/",
            data={"body": "Any news?"},
        )
    ],
    "/requests/x/assign/": [
        Post(
            "/requests/{ref_ig_review}/assign/",
            "igofficer",
            form="/requests/{ref_ig_review}/",
            data={"assignee": "{user_dpo}"},
        )
    ],
    "/requests/x/add-partner/": [
        Post(
            "/requests/{ref_unlisted}/add-partner/",
            "igofficer",
            form="/requests/{ref_unlisted}/",
            data={
                "partner-ods_code": "EHX01",
                "partner-contact_name": "Morgan Hale",
                "partner-contact_email": "ig@eastshire-hospice.example",
            },
        )
    ],
    "/requests/x/stages/": [
        Post(
            "/requests/{ref_ig_review}/stages/",
            "igofficer",
            form="/requests/{ref_ig_review}/",
            data={"stage": "caldicott_guardian", "reason": "The counts are small in places."},
        )
    ],
    "/requests/x/decide/": [
        Post(
            "/requests/{ref_ig_review}/decide/",
            "igofficer",
            form="/requests/{ref_ig_review}/",
            # The first post shows what is being signed (the confirmation page); the second signs it.
            data=IG_DECISION,
            status=200,
        ),
        Post(
            "/requests/{ref_ig_review}/decide/",
            "igofficer",
            form="/requests/{ref_ig_review}/",
            data={**IG_DECISION, "confirmed": "True"},
        ),
        Post(
            "/requests/{ref_awaiting_siro}/decide/",
            "siro",
            form="/requests/{ref_awaiting_siro}/",
            data=SIRO_DECISION,
            status=200,
        ),
        Post(
            "/requests/{ref_awaiting_siro}/decide/",
            "siro",
            form="/requests/{ref_awaiting_siro}/",
            data={**SIRO_DECISION, "confirmed": "True"},
        ),
    ],
    "/requests/x/data-flow/": [
        Post(
            "/requests/{ref_flowless}/data-flow/",
            "igofficer",
            form="/requests/{ref_flowless}/data-flow/",
            data={
                "agreement": "{agreement}",
                "next_review_on": "{next_year}",
                "source_asset": "Community nursing caseload system",
                "schedule": "monthly",
            },
        )
    ],
    "/requests/x/actions/x/": [
        Post(
            "/requests/{ref_submitted}/actions/withdraw/",
            "requester",
            data={"comment": "Asked the police to use the published figures."},
        )
    ],
    "/requests/x/disclosure/": [
        Post(
            "/requests/{ref_approved_with_conditions}/disclosure/",
            "requester",
            form="/requests/{ref_approved_with_conditions}/disclosure/",
            data={"information": "Discharge summary.", "disclosed_on": TODAY},
        )
    ],
    "/access-requests/new/": [
        Post(
            "/access-requests/new/",
            "igofficer",
            form="/access-requests/new/",
            data={
                "kind": "foi",
                "channel": "email",
                "received_on": TODAY,
                "requester_name": "Alex Reporter",
                "requester_email": "alex@example.org",
                "description": "Parking income for 2025.",
            },
        )
    ],
    "/retention/1/edit/": [
        Post(
            "/retention/{retention_rule}/edit/",
            "dpo",
            form="/retention/{retention_rule}/edit/",
            data={"verified": "on", "reason": "Checked against Appendix II of the Code."},
        )
    ],
    "/retention/disposal/1/x/": [
        Post(
            "/retention/disposal/{disposal}/destroy/",
            "dpo",
            form="/retention/disposal/{disposal}/",
            data={"comment": "Past its period; nothing calls for keeping it."},
        )
    ],
    "/access-requests/1/refer-record/": [
        Post(
            "/access-requests/{erasure_case}/refer-record/",
            "igofficer",
            form="/access-requests/{erasure_case}/",
            data={"reference": "{ref_unreviewed_sar}"},
        )
    ],
    "/access-requests/1/edit/": [
        Post(
            "/access-requests/{access_request}/edit/",
            "igofficer",
            form="/access-requests/{access_request}/edit/",
        )
    ],
    "/access-requests/1/follow-ups/": [
        Post(
            "/access-requests/{access_request_foi}/follow-ups/",
            "igofficer",
            form="/access-requests/{access_request_foi}/",
            data={"kind": "review", "received_on": TODAY, "details": "The requester disputes the answer."},
        )
    ],
    "/access-requests/1/redactions/": [
        Post(
            "/access-requests/{access_request_foi}/redactions/",
            "igofficer",
            form="/access-requests/{access_request_foi}/",
            data={
                "document": "Agency usage by month, 2025",
                "location": "Column F",
                "withheld": "Names of individual locums.",
                "code": "foia_40(2)",
            },
        )
    ],
    "/access-requests/1/actions/x/": [
        Post(
            "/access-requests/{access_request}/actions/respond/",
            "igofficer",
            form="/access-requests/{access_request}/",
            data={"on": TODAY, "outcome": "provided_in_full"},
        )
    ],
    "/registers/agreements/1/edit/": [
        Post(
            "/registers/agreements/{agreement_draft}/edit/",
            "igofficer",
            form="/registers/agreements/{agreement_draft}/edit/",
        )
    ],
    "/registers/agreements/1/v1/actions/x/": [
        Post(
            "/registers/agreements/{agreement_draft}/v1/actions/submit_for_approval/",
            "igofficer",
            form="/registers/agreements/{agreement_draft}/",
        )
    ],
    "/registers/disclosures/new/": [
        Post(
            "/registers/disclosures/new/",
            "igofficer",
            form="/registers/disclosures/new/",
            data={
                "kind": "disclosure",
                "recipient": "{organisation}",
                "purpose_category": "direct_care",
                "information": "Medication list for a shared care patient.",
                "art6": "e_public_task",
                "art9": "h_health_social_care",
                "confidentiality_basis": "implied_consent",
                "transfer_method": "secure_email",
            },
        )
    ],
    "/registers/consent-withdrawals/new/": [
        Post(
            "/registers/consent-withdrawals/new/",
            "igofficer",
            form="/registers/consent-withdrawals/new/",
            data={
                "subject_reference": "MC-2026-200",
                "withdrawn_on": TODAY,
                "disclosures": ["{consented_disclosure}"],
            },
        )
    ],
    "/registers/consent-withdrawals/1/notices/1/told/": [
        Post(
            "/registers/consent-withdrawals/{consent_withdrawal}/notices/{consent_notice}/told/",
            "igofficer",
            data={"how": "By phone to the practice manager."},
        )
    ],
    "/registers/dpias/1/edit/": [
        Post("/registers/dpias/{dpia_draft}/edit/", "igofficer", form="/registers/dpias/{dpia_draft}/edit/")
    ],
    # Two risks: the first is removed below; the second stays, so the DPIA can go for advice.
    "/registers/dpias/1/risks/": [
        Post(
            "/registers/dpias/{dpia_draft}/risks/",
            "igofficer",
            form="/registers/dpias/{dpia_draft}/",
            data={
                "description": "Readings seen by the wrong team.",
                "likelihood": "2",
                "severity": "2",
                "mitigation": "Role-based access in the monitoring system.",
                "residual_likelihood": "1",
                "residual_severity": "2",
            },
        ),
        Post(
            "/registers/dpias/{dpia_draft}/risks/",
            "igofficer",
            form="/registers/dpias/{dpia_draft}/",
            data={
                "description": "Readings seen by the wrong team.",
                "likelihood": "2",
                "severity": "2",
                "mitigation": "Role-based access in the monitoring system.",
                "residual_likelihood": "1",
                "residual_severity": "2",
            },
        ),
    ],
    "/registers/dpias/1/risks/1/remove/": [
        Post("/registers/dpias/{dpia_draft}/risks/{dpia_draft_risk}/remove/", "igofficer")
    ],
    "/registers/dpias/1/actions/x/": [
        Post(
            "/registers/dpias/{dpia_draft}/actions/submit_for_advice/",
            "igofficer",
            form="/registers/dpias/{dpia_draft}/",
        ),
        # The SIRO's sign-off with its rationale shows what is being signed first; then it is signed.
        Post(
            "/registers/dpias/{dpia}/actions/sign_off/",
            "siro",
            data={"comment": "The residual risks are low and accepted on the organisation's behalf."},
            status=200,
        ),
        Post(
            "/registers/dpias/{dpia}/actions/sign_off/",
            "siro",
            data={
                "comment": "The residual risks are low and accepted on the organisation's behalf.",
                "confirmed": "True",
            },
        ),
    ],
    "/registers/flows/1/review/": [
        Post(
            "/registers/flows/{flow}/review/",
            "igofficer",
            form="/registers/flows/{flow}/",
            data={"note": "Still needed; the ICB confirmed.", "next_review_on": "{next_year}"},
        )
    ],
    "/registers/assets/new/": [
        Post(
            "/registers/assets/new/",
            "iao",
            form="/registers/assets/new/",
            data={
                "name": "Podiatry clinic diary",
                "description": "Appointments of the podiatry clinics.",
                "business_area": "Therapies",
                "asset_format": "system",
                "location": "Clinic booking system",
                "data_subjects": "Patients of the podiatry service",
                "data_categories": "Names, contact details, appointments",
                "special_category": "yes",
                "sensitivity": "official_sensitive",
                "art6": "e_public_task",
                "art9": "h_health_social_care",
                "confidentiality_basis": "implied_consent",
                "retention_period": "8 years after the last appointment",
                "retention_authority": "NHS Records Management Code of Practice",
                "security_measures": "Role-based access",
                "dspt_critical": "no",
                "next_review_on": "{next_year}",
                "retention_review_on": "{next_year}",
            },
        )
    ],
    "/registers/assets/1/edit/": [
        Post("/registers/assets/{asset}/edit/", "iao", form="/registers/assets/{asset}/edit/")
    ],
    "/registers/assets/1/actions/x/": [
        Post(
            "/registers/assets/{asset_draft}/actions/activate/",
            "iao",
            form="/registers/assets/{asset_draft}/",
            data={"comment": ""},
        )
    ],
    "/registers/processors/new/": [
        Post(
            "/registers/processors/new/",
            "igofficer",
            form="/registers/processors/new/",
            data={"name": "Northshire Scanning Bureau", "services": "Scans paper records"},
        )
    ],
    "/registers/processors/1/edit/": [
        Post(
            "/registers/processors/{processor}/edit/",
            "igofficer",
            form="/registers/processors/{processor}/edit/",
        )
    ],
    "/requests/x/assets/": [
        Post("/requests/{ref_draft}/assets/", "requester", form="/requests/{ref_draft}/assets/")
    ],
    "/registers/flows/1/actions/x/": [
        Post(
            "/registers/flows/{flow}/actions/suspend/",
            "igofficer",
            form="/registers/flows/{flow}/",
            data={"comment": "The trust's transfer server is being replaced."},
        )
    ],
    "/registers/incidents/new/": [
        Post(
            "/registers/incidents/new/",
            "igofficer",
            form="/registers/incidents/new/",
            data={
                "kind": "near_miss",
                "category": "disclosed_in_error",
                "title": "Fax number typed wrongly",
                "description": "Noticed before sending.",
                "occurred_at": MINUTES_AGO[10],
                "aware_at": MINUTES_AGO[5],
                "people_affected": "0",
                "likelihood": "1",
                "severity": "1",
                "ico_reportable": "no",
                "reportability_reason": "Nothing was sent.",
            },
        )
    ],
    "/registers/incidents/1/edit/": [
        Post(
            "/registers/incidents/{incident}/edit/",
            "igofficer",
            form="/registers/incidents/{incident}/edit/",
            # What closing a reportable breach needs: the report, the actions, the person told [002 Rec 5].
            data={
                "reported_to_ico_at": MINUTES_AGO[1],
                "ico_reference": "IC-123456-A1B2",
                "actions": "Letter retrieved from the practice and destroyed; address checks added.",
                "person_informed_on": TODAY,
                "explanation": "The letter went to your previous practice; it has been destroyed.",
                "apology_given": "on",
            },
        )
    ],
    "/registers/incidents/1/actions/x/": [
        Post(
            "/registers/incidents/{incident}/actions/close/",
            "igofficer",
            form="/registers/incidents/{incident}/",
            data={"comment": "Letter retrieved; the practice confirmed it was destroyed."},
        )
    ],
    "/accounts/password/": [
        Post(
            "/accounts/password/",
            "auditor",
            form="/accounts/password/",
            data={
                "old_password": "demo-password-1234",
                "new_password1": "a-new-long-passphrase-77",
                "new_password2": "a-new-long-passphrase-77",
            },
        )
    ],
    "/accounts/confirm/": [
        Post("/accounts/confirm/", "siro", form="/accounts/confirm/", data={"password": "demo-password-1234"})
    ],
    "/accounts/email/": [
        Post("/accounts/email/", "siro", form="/accounts/email/", data={"email": "simon.reid@example.nhs.uk"})
    ],
    "/accounts/password/reset/": [
        Post(
            "/accounts/password/reset/",
            ANONYMOUS,
            form="/accounts/password/reset/",
            data={"email": "simon.reid@example.nhs.uk"},
        )
    ],
    "/accounts/login/": [
        Post("/accounts/login/", ANONYMOUS, data={"username": "caldicott", "password": "demo-password-1234"})
    ],
    "/accounts/logout/": [Post("/accounts/logout/", "caldicott")],
}

# URLs with no form to post, each for a reason.
NO_FORM = {
    "/": "a page only",
    "/accounts/": "the account summary links to the forms",
    "/accounts/password/done/": "a confirmation",
    "/accounts/mfa/setup/": "needs a code from an authenticator app: tests/igportal/test_mfa.py",
    "/accounts/mfa/verify/": "needs a code from an authenticator app: tests/igportal/test_mfa.py",
    "/accounts/mfa/recovery-codes/": "needs MFA set up first: tests/igportal/test_mfa.py",
    "/operations/chasers/": "a report",
    "/transparency/": "a public page",
    "/disclosure-log/": "a public page",
}


# Markers of Django's debug pages (technical 404 and 500): a newcomer must never meet one.
TECHNICAL_MARKERS = (b'content="NONE,NOARCHIVE"', b"Traceback (most recent call last)", b"technical_500")


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def check(self, response: Any, expected: int, what: str, *, login_redirect: bool = False) -> None:
        self.requests += 1
        body = response.content if not getattr(response, "streaming", False) else b""
        if response.status_code >= 500:
            self.failures.append(f"{what}: {response.status_code}")
        elif any(marker in body for marker in TECHNICAL_MARKERS):
            self.failures.append(f"{what}: Django's technical page ({response.status_code})")
        elif response.status_code != expected:
            self.failures.append(f"{what}: {response.status_code}, expected {expected}")
        elif login_redirect and not response["Location"].startswith("/accounts/login/"):
            self.failures.append(f"{what}: sent to {response['Location']}, not to log in")


def client_for(username: str | None) -> Any:
    """A test client signed in as the demo user (past MFA, as after entering a code), or anonymous."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from igportal.accounts.mfa import mfa_required_by_role

    client = Client(raise_request_exception=False)
    if username is None:
        return client
    user = User.objects.get(username=username)
    client.force_login(user)
    if settings.MFA_REQUIRED and mfa_required_by_role(user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Crawl", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _values(demo: Demo) -> dict[str, Any]:
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    return {
        **demo.ids,
        **{f"ref_{k}": v for k, v in demo.refs.items()},
        "today": today.strftime("%d/%m/%Y"),
        **{
            f"minutes_ago_{minutes}": (timezone.localtime() - datetime.timedelta(minutes=minutes)).strftime(
                "%d/%m/%Y %H:%M"
            )
            for minutes in (1, 5, 10)
        },
        "next_year": (today + datetime.timedelta(days=300)).strftime("%d/%m/%Y"),
    }


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_fill(each, values) for each in value]
    return value.format(**values) if isinstance(value, str) else value


def pattern_of(path: str) -> str | None:
    """The crawl's key for a path: its route, converters replaced as tests.igportal.test_auth does."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return None
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", match.route)


def crawl_gets(demo: Demo, report: Report, form_actions: dict[str, str]) -> None:
    clients = {user: client_for(user) for user in USERS}
    anonymous = client_for(None)
    values = _values(demo)
    for pattern, gets in GETS.items():
        for get in gets:
            url = _fill(get.url_template, values)
            for user, client in clients.items():
                if get.status == 405:
                    expected = 405  # a POST-only URL refuses GET for everyone
                elif user in get.ok:
                    expected = get.status
                else:
                    expected = 403 if user in get.refused else 404
                response = client.get(url)
                report.check(response, expected, f"{user} GET {url} ({pattern})")
                if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                    forms = Forms("http://testserver" + url)
                    forms.feed(response.content.decode())
                    for action, _ in forms.forms:
                        target = pattern_of(action.removeprefix("http://testserver"))
                        if target is not None:
                            form_actions.setdefault(target, url)
            response = anonymous.get(url)
            if get.anonymous == LOGIN:
                report.check(response, 302, f"anonymous GET {url}", login_redirect=True)
            elif get.anonymous == API_401:
                report.check(response, 401, f"anonymous GET {url}")
            elif get.anonymous == NOT_FOUND:
                report.check(response, 404, f"anonymous GET {url}")
            elif get.anonymous == PUBLIC_REDIRECT:
                report.check(response, 302, f"anonymous GET {url}")
            else:
                report.check(response, 405 if get.anonymous == PUBLIC_405 else 200, f"anonymous GET {url}")


def crawl_posts(posts: dict[str, list[Post]], report: Report) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    clients: dict[str, Any] = {}
    for pattern, entries in posts.items():
        for post in entries:
            values = _values(Demo.load())
            try:
                url = _fill(post.url, values)
            except KeyError as exc:
                report.failures.append(f"{post.user} POST {post.url} ({pattern}): no demo object {exc}")
                continue
            client = clients.setdefault(post.user, client_for(None if post.user == ANONYMOUS else post.user))
            data: dict[str, Any] = {}
            if post.form is not None:
                page_url = _fill(post.form, values)
                page = client.get(page_url)
                forms = Forms("http://testserver" + page_url)
                forms.feed(page.content.decode())
                try:
                    data = forms.values_for(url)
                except LookupError as exc:
                    report.failures.append(f"{post.user} POST {url} ({pattern}): {exc}")
                    continue
            data.update({key: _fill(value, values) for key, value in post.data.items()})
            if post.upload:
                data[post.upload_field] = SimpleUploadedFile(
                    "letter.pdf", PDF, content_type="application/pdf"
                )
            if post.json:
                response = client.post(url, data, content_type="application/json")
            else:
                response = client.post(url, data)
            what = f"{post.user} POST {url} ({pattern})"
            report.check(response, post.status, what)
            if response.status_code in {200, 400} and b"There is a problem" in response.content:
                errors = re.findall(rb'<a href="#[^"]*">([^<]*)</a>', response.content)
                report.failures.append(f"{what}: the form refused its data: {errors[:5]}")


def crawl() -> Report:
    """Setup posts, then every GET as everyone, then every other form once; also checks the tables."""
    report = Report()
    crawl_posts(SETUP_POSTS, report)
    form_actions: dict[str, str] = {}
    crawl_gets(Demo.load(), report, form_actions)
    crawl_posts(POSTS, report)
    for pattern, page_url in sorted(form_actions.items()):
        if pattern not in SETUP_POSTS and pattern not in POSTS and pattern not in NO_FORM:
            report.failures.append(f"{page_url} has a form posting to {pattern}, which the crawl never posts")
    return report


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "igportal.settings")
    django.setup()
    started = time.monotonic()
    report = crawl()
    seconds = time.monotonic() - started
    print(f"crawl: {report.requests} requests in {seconds:.0f} s, {len(report.failures)} failures")
    for failure in report.failures:
        print(f"  {failure}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
