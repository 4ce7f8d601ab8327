"""Organisational tunables of the engine; changing a default changes behaviour and bumps RULES_VERSION."""

from __future__ import annotations

from dataclasses import dataclass


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


DEFAULT_POLICY = Policy()
