"""The exemptions (FOIA Part II, FOISA Part 2) and exceptions (EIR regulations 12 and 13; EISR
regulations 10 and 11) a FOI or EIR response may rely on, as data: pure, no Django.

``qualified`` marks those that apply only when the public interest in withholding outweighs the public
interest in disclosure (FOIA s2(2)(b), FOISA s2(1)(b), EIR reg 12(1)(b)): the response records that test.
The absolute ones are listed in FOIA s2(3) and FOISA s2(2); every EIR exception is qualified except the
personal data of others under reg 13 (whose reg 13(2A)-(3A) conditions are the test there), and under
EIR the public interest is weighed with a presumption in favour of disclosure (reg 12(2)).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exemption:
    code: str
    citation: str
    title: str
    qualified: bool

    @property
    def label(self) -> str:
        return f"{self.citation}: {self.title}"


def _foia(code: str, title: str, *, qualified: bool) -> Exemption:
    return Exemption(f"foia_{code}", f"FOIA s{code}", title, qualified)


def _eir(code: str, title: str, *, qualified: bool = True) -> Exemption:
    return Exemption(f"eir_{code}", f"EIR reg {code}", title, qualified)


def _foisa(code: str, title: str, *, qualified: bool) -> Exemption:
    return Exemption(f"foisa_{code}", f"FOISA s{code}", title, qualified)


FOIA_EXEMPTIONS: tuple[Exemption, ...] = (
    _foia("21", "Information reasonably accessible by other means", qualified=False),
    _foia("22", "Information intended for future publication", qualified=True),
    _foia("22A", "Research information", qualified=True),
    _foia("23", "Information supplied by, or concerning, security bodies", qualified=False),
    _foia("24", "National security", qualified=True),
    _foia("26", "Defence", qualified=True),
    _foia("27", "International relations", qualified=True),
    _foia("28", "Relations within the United Kingdom", qualified=True),
    _foia("29", "The economy", qualified=True),
    _foia("30", "Investigations and proceedings", qualified=True),
    _foia("31", "Law enforcement", qualified=True),
    _foia("32", "Court records", qualified=False),
    _foia("33", "Audit functions", qualified=True),
    _foia("35", "Formulation of government policy", qualified=True),
    _foia("36", "Prejudice to effective conduct of public affairs", qualified=True),
    _foia("38", "Health and safety", qualified=True),
    _foia("39", "Environmental information (answered under the EIR)", qualified=True),
    _foia(
        "40(1)", "The requester's own personal data (answered as a subject access request)", qualified=False
    ),
    _foia("40(2)", "Personal data of others", qualified=False),
    _foia("41", "Information provided in confidence", qualified=False),
    _foia("42", "Legal professional privilege", qualified=True),
    _foia("43", "Commercial interests", qualified=True),
    _foia("44", "Prohibitions on disclosure", qualified=False),
)

EIR_EXCEPTIONS: tuple[Exemption, ...] = (
    _eir("12(4)(b)", "Manifestly unreasonable"),
    _eir("12(4)(c)", "Request formulated in too general a manner"),
    _eir("12(4)(d)", "Material in the course of completion, unfinished documents or incomplete data"),
    _eir("12(4)(e)", "Internal communications"),
    _eir("12(5)(a)", "International relations, defence, national security or public safety"),
    _eir("12(5)(b)", "The course of justice and inquiries"),
    _eir("12(5)(c)", "Intellectual property rights"),
    _eir("12(5)(d)", "Confidentiality of proceedings"),
    _eir("12(5)(e)", "Confidentiality of commercial or industrial information"),
    _eir("12(5)(f)", "Interests of the person who provided the information"),
    _eir("12(5)(g)", "Protection of the environment"),
    _eir("13", "Personal data of others", qualified=False),
)

FOISA_EXEMPTIONS: tuple[Exemption, ...] = (
    _foisa("25", "Information otherwise accessible", qualified=False),
    _foisa("27", "Information intended for future publication", qualified=True),
    _foisa("30", "Prejudice to effective conduct of public affairs", qualified=True),
    _foisa("33", "Commercial interests and the economy", qualified=True),
    _foisa("34", "Investigations by Scottish public authorities", qualified=True),
    _foisa("35", "Law enforcement", qualified=True),
    _foisa("36(1)", "Confidentiality: legal professional privilege", qualified=True),
    _foisa("36(2)", "Confidentiality: information obtained in confidence", qualified=False),
    _foisa("38", "Personal information", qualified=False),
    _foisa("39", "Health, safety and the environment", qualified=True),
)


def _eisr(code: str, title: str, *, qualified: bool = True) -> Exemption:
    return Exemption(f"eisr_{code}", f"EISR reg {code}", title, qualified)


# The Environmental Information (Scotland) Regulations 2004, which a Scottish public authority answers an
# EIR request under: the exceptions of reg 10(4) and 10(5), each applied only where the public interest
# in withholding outweighs that in disclosure (reg 10(1)(b)), with a presumption in favour of disclosure
# (reg 10(2)(b)); and the personal data of others under reg 11, whose own conditions are its test.
# "Does not hold the information" (reg 10(4)(a)) is the answer "not held", not an exception relied on.
EISR_EXCEPTIONS: tuple[Exemption, ...] = (
    _eisr("10(4)(b)", "Manifestly unreasonable"),
    _eisr("10(4)(c)", "Request formulated in too general a manner"),
    _eisr("10(4)(d)", "Material in the course of completion, unfinished documents or incomplete data"),
    _eisr("10(4)(e)", "Internal communications"),
    _eisr("10(5)(a)", "International relations, defence, national security or public safety"),
    _eisr("10(5)(b)", "The course of justice and inquiries"),
    _eisr("10(5)(c)", "Intellectual property rights"),
    _eisr("10(5)(d)", "Confidentiality of proceedings"),
    _eisr("10(5)(e)", "Confidentiality of commercial or industrial information"),
    _eisr("10(5)(f)", "Interests of the person who provided the information"),
    _eisr("10(5)(g)", "Protection of the environment"),
    _eisr("11", "Personal data of others", qualified=False),
)

EXEMPTIONS: dict[str, Exemption] = {
    exemption.code: exemption
    for exemption in (*FOIA_EXEMPTIONS, *EIR_EXCEPTIONS, *FOISA_EXEMPTIONS, *EISR_EXCEPTIONS)
}


def exemptions_for(kind: str, *, regime: str = "foia") -> tuple[Exemption, ...]:
    """What a response of ``kind`` (foi, eir) may rely on under the organisation's FOI regime."""
    if kind == "eir":
        return EISR_EXCEPTIONS if regime == "foisa" else EIR_EXCEPTIONS
    if kind == "foi":
        return FOISA_EXEMPTIONS if regime == "foisa" else FOIA_EXEMPTIONS
    return ()
