from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,10}$",
    "An ODS code is 3 to 10 capital letters and digits, for example RXX or A81001.",
)


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
    consent_max_age_days = models.PositiveIntegerField(
        "Re-check consent older than (days)",
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Consent given longer ago than this is checked again before sharing.",
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
