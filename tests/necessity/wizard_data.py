"""Valid answers for every wizard step, as a browser would post them, for a police request.

Tests change one step at a time from here; `post_all_steps` drives the wizard through the test client.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.test import Client
from django.urls import reverse

from requests_app.models import DataItemType, Organisation

CALDICOTT_IDS = (
    "p1_justify_purpose",
    "p2_only_when_necessary",
    "p3_minimum_necessary",
    "p4_need_to_know",
    "p5_understand_responsibilities",
    "p6_comply_with_law",
    "p7_duty_to_share",
    "p8_inform_people",
)
DPIA_IDS = (
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
POLICE_ITEMS = ("name", "date_of_birth", "admission_dates", "health_data")


def item_pks(*codes: str) -> list[str]:
    return [str(pk) for pk in DataItemType.objects.filter(code__in=codes).values_list("pk", flat=True)]


def police_request_steps(recipient: Organisation) -> dict[str, dict[str, Any]]:
    return {
        "purpose": {
            "title": "Admission dates for CID enquiry",
            "description": "Police request for the inpatient dates of a named patient.",
            "function_served": "Establishing where a suspect was at the time of a serious assault.",
            "category": "police_crime",
            "direct_care": "no",
            "urgency": "urgent",
            "frequency": "one_off",
            "direction": "outbound",
            "recipient": str(recipient.pk),
            "recipient_is_processor": "no",
            "background": "Written request form received by secure email.",
        },
        "data": {
            "subjects_description": "One named patient.",
            "approximate_subject_count": "1",
            "data_form": "identifiable",
            "confidential_patient_information": "yes",
            "deceased": "no",
            "item_types": item_pks(*POLICE_ITEMS),
        },
        "items": {
            **{f"justification__{code}": f"The police asked for the {code}." for code in POLICE_ITEMS},
            **{f"essential__{code}": "yes" for code in POLICE_ITEMS},
        },
        "police": {
            "officer": "DC J Smith 4471, Northshire Constabulary",
            "reference": "CR/2026/118822",
            "information_requested": "Admission and discharge dates and diagnosis in October 2026.",
            "enquiry_description": "Assault causing grievous bodily harm on 14 October 2026.",
            "involves_patient_information": "yes",
            "exemption_cited": "dpa_sch2_part1_para2",
            "seriousness": "serious",
            "necessary_items": ["name", "date_of_birth", "admission_dates"],
        },
        "lawful_basis": {
            "art6": "e_public_task",
            "confidentiality_basis": "overriding_public_interest",
            "capacity": "adult_with_capacity",
            "consent": "not_sought",
            "consent_decided_by": "",
            "consent_date": "",
            "how_informed": "Not told: telling the patient could prejudice the investigation.",
            "objections_raised": "no",
            "objection_details": "",
            "national_data_opt_out_applied": "no",
        },
        "special_category": {"art9": "g_substantial_public_interest"},
        "necessity": {
            "anonymised_would_serve": "no",
            "pseudonymised_would_serve": "no",
            "reason": "The police need to know whether this person was in hospital.",
        },
        "proportionality": {
            "impact_on_people": "A hospital stay is disclosed to the police.",
            "public_interest_served": "Detection of a serious crime.",
            "proportionate": "yes",
            "reason": "Dates only, for a serious offence.",
        },
        "transfer": {
            "method": "secure_email",
            "encrypted": "yes",
            "retention_period": "Police case file rules (MOPI).",
            "onward_sharing": "no",
            "onward_sharing_details": "",
            "existing_isa_reference": "",
            "existing_dpia_reference": "",
            "outside_uk": "no",
            "destination_country": "",
            "international_safeguard": "",
        },
        "dpia_screening": {question: "no" for question in DPIA_IDS},
        "caldicott": {
            **{f"{principle}__confirmed": "yes" for principle in CALDICOTT_IDS},
            **{f"{principle}__evidence": f"Evidence for {principle}." for principle in CALDICOTT_IDS},
        },
    }


def start_request(client: Client, purpose: dict[str, Any], *, key: str | None = None) -> str:
    """Save the first step of a new request, as the browser does, and return the reference it made."""
    from requests_app.models import SharingRequest

    data = {**purpose, "creation_key": key or str(uuid.uuid4()), "action": "continue"}
    response = client.post(reverse("request_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return SharingRequest.objects.get(
        requester_id=response.wsgi_request.user.pk, creation_key=data["creation_key"]
    ).reference


def step_url(reference: str, step: str) -> str:
    return reverse("wizard_step", args=[reference, step])


def post_step(
    client: Client, reference: str, step: str, data: dict[str, Any], action: str = "continue"
) -> Any:
    return client.post(step_url(reference, step), {**data, "action": action})


def post_all_steps(
    client: Client, reference: str, steps: dict[str, dict[str, Any]], *, from_step: str = "purpose"
) -> None:
    """Post every step in wizard order from ``from_step``, following the wizard's own redirects."""
    url = step_url(reference, from_step)
    review = reverse("wizard_review", args=[reference])
    while url != review:
        step = url.rstrip("/").rsplit("/", 1)[-1]
        response = client.post(url, {**steps[step], "action": "continue"})
        assert response.status_code == 302, (step, response.content.decode()[:3000])
        url = response["Location"]
