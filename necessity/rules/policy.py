"""An organisation's own choices where the policies leave room, passed to ``assess`` as one frozen value.

The portal keeps these as versioned rows the DPO edits (``requests_app.models.OrganisationPolicy``); the
engine never reads the database, it is handed the version in force. The defaults are the engine's reading
of the reference policies; changing a default changes behaviour and bumps RULES_VERSION.
"""

from __future__ import annotations

from dataclasses import dataclass

CONSENT_MAX_AGE_LIMITS = (1, 3650)
LARGE_SCALE_LIMITS = (1, 100_000_000)


@dataclass(frozen=True)
class Policy:
    # 001 s6: consent asked for some time before the sharing must be re-checked. A year matches the
    # annual review cycle of 001 s13.
    consent_max_age_days: int = 365
    # 004 6.8.1 requires a DPIA for "large scale" sharing without defining it; 10,000 people is roughly
    # a large GP practice list, above which one disclosure affects a population rather than a caseload.
    large_scale_subject_count: int = 10_000
    # 004 6.8.3: a DPIA "may not be required for one off information sharing requests", and the Appendix 2
    # questions are written for new processing, so for one-off requests only questions 7 and 8 (the UK
    # GDPR Art 35(3) high-risk kinds) trigger a DPIA. True applies every "yes" to one-off requests too.
    screen_one_off_requests: bool = False
    # 000 5.vi: privacy impact assessments "must be signed off by the SIRO"; 004 5.8 routes DPIAs to
    # "the DPO / SIRO". False lets an organisation keep the SIRO for DPIAs whose residual risk is high.
    siro_signs_every_dpia: bool = True

    def problems(self) -> list[tuple[str, str]]:
        """Why this policy could not be used, as (field, message) pairs; empty when it is usable."""
        found = []
        low, high = CONSENT_MAX_AGE_LIMITS
        if not low <= self.consent_max_age_days <= high:
            found.append(("consent_max_age_days", f"must be between {low} and {high} days"))
        low, high = LARGE_SCALE_LIMITS
        if not low <= self.large_scale_subject_count <= high:
            found.append(("large_scale_subject_count", f"must be between {low:,} and {high:,} people"))
        return found


DEFAULT_POLICY = Policy()


def one_off_screening_notice(policy: Policy) -> str | None:
    """What DPIA screening means for a one-off request under ``policy``: shown on the screening page and
    given as the reason when R-DPIA-ONE-OFF sets answers aside, so the two always agree."""
    if policy.screen_one_off_requests:
        return None
    return (
        "This is a one-off request: a DPIA may not be required for one-off sharing [004 6.8.3], and under "
        "this organisation's policy only questions 7 and 8 call for a full DPIA. Record what was shared, "
        "with whom, the legal basis and the method."
    )
