from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

from necessity.rules import Policy
from necessity.rules.policy import CONSENT_MAX_AGE_LIMITS, LARGE_SCALE_LIMITS

ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,10}$",
    "An ODS code is 3 to 10 capital letters and digits, for example RXX or A81001.",
)


# An ICO registration number: Z and seven letters or digits, as the register of fee payers shows them.
ico_number_validator = RegexValidator(
    r"^Z[A-Z0-9]{7}$",
    "An ICO registration number is Z and 7 capital letters or digits, for example Z1234567.",
)
# The DSPT is published once a year (by 30 June); a publication older than this has lapsed.
DSPT_VALID_FOR = datetime.timedelta(days=365)


class DsptStatus(models.TextChoices):
    """The status the Data Security and Protection Toolkit publishes for an organisation."""

    EXCEEDED = "exceeded", "Standards exceeded"
    MET = "met", "Standards met"
    APPROACHING = "approaching", "Approaching standards"
    NOT_MET = "not_met", "Standards not met"


class OrganisationKind(models.TextChoices):
    NHS_TRUST = "nhs_trust", "NHS trust"
    ICB = "icb", "Integrated care board"
    GP = "gp", "GP practice"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    REGULATOR = "regulator", "Regulator"
    HEALTHWATCH = "healthwatch", "Healthwatch"
    CARE_PROVIDER = "care_provider", "Care provider"
    RESEARCH_BODY = "research_body", "Research body"
    OTHER = "other", "Other"


class Nation(models.TextChoices):
    """Which UK nation's bank holidays apply to the organisation's own deadlines."""

    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class Organisation(models.Model):
    """A partner that sends or receives information."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        blank=True,
        validators=[ods_code_validator],
        help_text="Organisation Data Service code, if it has one.",
    )
    contact_name = models.CharField("IG contact name", max_length=200, blank=True)
    contact_email = models.EmailField(
        "IG contact email",
        blank=True,
        help_text="Told when a data subject withdraws consent for information this organisation received.",
    )
    dspt_status = models.CharField(
        "DSPT status", max_length=16, choices=DsptStatus.choices, blank=True, default="", db_default=""
    )
    dspt_published_on = models.DateField("DSPT published on", null=True, blank=True)
    ico_registration = models.CharField(
        "ICO registration number",
        max_length=8,
        blank=True,
        validators=[ico_number_validator],
        default="",
        db_default="",
    )
    ico_expires_on = models.DateField("ICO registration expires on", null=True, blank=True)
    assurance_contact = models.CharField(
        "Assurance contact",
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text="Who answers for the partner's assurance.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
            models.UniqueConstraint(
                "ods_code", condition=~models.Q(ods_code=""), name="organisation_ods_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def recipient_kind(self) -> str:
        """The engine's kind of recipient: it knows no integrated care board, which is an NHS body."""
        return self.kind if self.kind != OrganisationKind.ICB else OrganisationKind.NHS_TRUST.value

    def assurance_lapses(self, today: datetime.date) -> list[str]:
        """What is wrong with the partner's assurance on ``today`` (nothing recorded is not a lapse)."""
        lapses = []
        if self.dspt_status == DsptStatus.NOT_MET:
            lapses.append("its DSPT says standards not met")
        if self.dspt_published_on is not None and self.dspt_published_on + DSPT_VALID_FOR < today:
            lapses.append(f"its DSPT was published more than a year ago ({self.dspt_published_on:%d/%m/%Y})")
        if self.ico_expires_on is not None and self.ico_expires_on < today:
            lapses.append(f"its ICO registration expired on {self.ico_expires_on:%d/%m/%Y}")
        return lapses


def lapsed_assurance(today: datetime.date) -> models.Q:
    """The partners ``assurance_lapses`` finds fault with, as a filter."""
    return (
        models.Q(dspt_status=DsptStatus.NOT_MET)
        | models.Q(dspt_published_on__lt=today - DSPT_VALID_FOR)
        | models.Q(ico_expires_on__lt=today)
    )


class FoiRegime(models.TextChoices):
    """Which freedom of information Act the organisation answers under: FOIA 2000 (England, Wales,
    Northern Ireland and UK-wide bodies) or FOISA 2002 (Scottish public authorities)."""

    FOIA = "foia", "Freedom of Information Act 2000 (FOIA)"
    FOISA = "foisa", "Freedom of Information (Scotland) Act 2002 (FOISA)"


class OrganisationSettings(models.Model):
    """The organisation running this portal: one row, created on first use."""

    SINGLETON_ID = 1

    name = models.CharField(max_length=200, default="Your organisation")
    ods_code = models.CharField("ODS code", max_length=10, blank=True, validators=[ods_code_validator])
    nation = models.CharField(
        max_length=20,
        choices=Nation.choices,
        default=Nation.ENGLAND,
        help_text="Bank holidays of this nation move subject access deadlines.",
    )
    foi_regime = models.CharField(
        "Freedom of information law",
        max_length=8,
        choices=FoiRegime.choices,
        default=FoiRegime.FOIA,
        help_text="A Scottish public authority answers under FOISA: Scottish bank holidays, and its own "
        "review periods (FOISA ss20-21).",
    )
    caldicott_guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dpo = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Data Protection Officer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    siro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="SIRO",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "organisation settings"
        verbose_name_plural = "organisation settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="organisation_settings_singleton")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> OrganisationSettings:
        obj, _ = cls.objects.get_or_create(id=cls.SINGLETON_ID)
        return obj


class SiroSignOff(models.TextChoices):
    EVERY_DPIA = "every_dpia", "Every DPIA"
    HIGH_RISK_ONLY = "high_risk_only", "Only DPIAs whose residual risk is high"


def default_ig_stage_roles() -> list[str]:
    from requests_app.signers import default_stage_role_values

    return default_stage_role_values("ig_dpo")


def default_caldicott_stage_roles() -> list[str]:
    from requests_app.signers import default_stage_role_values

    return default_stage_role_values("caldicott_guardian")


def default_siro_stage_roles() -> list[str]:
    from requests_app.signers import default_stage_role_values

    return default_stage_role_values("siro")


class OrganisationPolicy(models.Model):
    """One version of the organisation's own choices for the rules engine.

    Never changed once written: an edit adds the next version, and every assessment points at the
    version it was decided under. The engine is handed ``policy`` (a frozen ``Policy``), never this row.
    """

    version = models.PositiveIntegerField(unique=True)
    consent_max_age_days = models.PositiveIntegerField(
        "Re-check consent older than (days)",
        validators=[
            MinValueValidator(CONSENT_MAX_AGE_LIMITS[0]),
            MaxValueValidator(CONSENT_MAX_AGE_LIMITS[1]),
        ],
        help_text="Consent given longer ago than this is checked again before sharing [001 s6].",
    )
    large_scale_subject_count = models.PositiveIntegerField(
        "Large scale from (people)",
        validators=[MinValueValidator(LARGE_SCALE_LIMITS[0]), MaxValueValidator(LARGE_SCALE_LIMITS[1])],
        help_text="Sharing about this many people or more needs a DPIA [004 6.8.1].",
    )
    screen_one_off_requests = models.BooleanField(
        "Screen one-off requests with every DPIA question",
        help_text="If not, a one-off request needs a DPIA only for screening questions 7 and 8 [004 6.8.3].",
    )
    siro_signs = models.CharField(
        "The SIRO signs off",
        max_length=20,
        choices=SiroSignOff.choices,
        help_text="The policies ask the SIRO to sign off every DPIA [000 5.vi]; an organisation may keep "
        "the SIRO for high residual risk only.",
    )
    # Who signs each stage of a sharing request (``requests_app.signers`` holds the limits the policies set).
    ig_stage_roles = models.JSONField(
        "Who signs the IG / Data Protection Officer stage",
        default=default_ig_stage_roles,
        help_text="The IG department checks every request [004 5.8]; choose which of its roles may sign.",
    )
    caldicott_stage_roles = models.JSONField(
        "Who signs the Caldicott Guardian stage",
        default=default_caldicott_stage_roles,
        help_text="The Caldicott Guardian always signs it [000 5.vi]; you may add a deputy's role.",
    )
    siro_stage_roles = models.JSONField(
        "Who signs the SIRO stage",
        default=default_siro_stage_roles,
        help_text="The SIRO always signs it [000 5.vi]; you may add a deputy's role.",
    )
    reason = models.TextField("Why it changed", help_text="Recorded with the version.")
    created_at = models.DateTimeField(auto_now_add=True)
    # Null for the first version, made from the defaults when the portal was installed.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = "organisation policy version"

    def __str__(self) -> str:
        return f"Organisation policy version {self.version}"

    @property
    def policy(self) -> Policy:
        return Policy(
            consent_max_age_days=self.consent_max_age_days,
            large_scale_subject_count=self.large_scale_subject_count,
            screen_one_off_requests=self.screen_one_off_requests,
            siro_signs_every_dpia=self.siro_signs == SiroSignOff.EVERY_DPIA,
        )

    @property
    def signers_by_stage(self) -> list[tuple[str, str]]:
        """Each sign-off stage with the roles that sign it, for the settings page."""
        from requests_app.signers import STAGE_ROLE_FIELDS, role_label

        fields = {field.name: field for field in self._meta.concrete_fields}
        return [
            (
                str(fields[name].verbose_name),
                ", ".join(role_label(value) for value in getattr(self, name)),
            )
            for name in STAGE_ROLE_FIELDS.values()
        ]

    @classmethod
    def current(cls) -> OrganisationPolicy:
        """The version in force: the latest one (the migration writes version 1)."""
        latest = cls.objects.order_by("-version").first()
        if latest is None:
            latest, _ = cls.objects.get_or_create(version=1, defaults=initial_policy_values())
        return latest


def initial_policy_values() -> dict[str, object]:
    """Version 1: the engine's defaults."""
    default = Policy()
    return {
        "consent_max_age_days": default.consent_max_age_days,
        "large_scale_subject_count": default.large_scale_subject_count,
        "screen_one_off_requests": default.screen_one_off_requests,
        "siro_signs": SiroSignOff.EVERY_DPIA if default.siro_signs_every_dpia else SiroSignOff.HIGH_RISK_ONLY,
        "ig_stage_roles": default_ig_stage_roles(),
        "caldicott_stage_roles": default_caldicott_stage_roles(),
        "siro_stage_roles": default_siro_stage_roles(),
        "reason": "The rules engine's defaults, read from the reference policies.",
    }
