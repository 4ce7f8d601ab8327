"""Check the signatures of an ISA version against the hash of the copy they were given to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.models import AgreementVersion
from requests_app.services.isas import signatures_verify


class Command(BaseCommand):
    help = (
        "Check each signature of an ISA version against the SHA-256 of its stored signing copy (or of a "
        "PDF you hold, with --file); exits 1 when any does not match."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="The agreement's reference, for example ISA-2026-00003.")
        parser.add_argument("version", type=int, help="The version number.")
        parser.add_argument("--file", type=Path, help="A copy of the PDF to check instead of the stored one.")

    def handle(self, *args: Any, **options: Any) -> None:
        version = AgreementVersion.objects.filter(
            agreement__reference=options["reference"], number=options["version"]
        ).first()
        if version is None:
            raise CommandError(f"No version {options['version']} of {options['reference']}.")
        pdf = options["file"].read_bytes() if options["file"] else None
        checks = signatures_verify(version=version, pdf=pdf)
        if not checks:
            raise CommandError(f"{version.audit_label} has no signatures.", returncode=1)
        for check in checks:
            verdict = "matches" if check.matches else "DOES NOT MATCH"
            self.stdout.write(f"{check.party}: {check.name}, {check.signed_at:%Y-%m-%d %H:%M} UTC: {verdict}")
        if not all(check.matches for check in checks):
            raise CommandError("A signature does not match the copy it was given to.", returncode=1)
        self.stdout.write(
            f"Every signature of {version.audit_label} matches SHA-256 {version.signing_sha256}"
        )
