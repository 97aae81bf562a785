"""Manage the document-signing CA and agency keys.

eservice signing init-ca [--name NAME]   create the platform CA (once)
eservice signing rollover AGENCY         give an agency a new key; old documents still verify
eservice signing list                    show the CA and every agency key
eservice signing ca-pem                  print the CA certificates relying parties trust
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eservice.catalog.models import Agency
from eservice.core.errors import DomainError
from eservice.documents import signing
from eservice.documents.models import CertificateAuthority, SigningKey


class Command(BaseCommand):
    help = "Manage the document-signing certificate authority and agency keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init-ca", help="create the platform CA")
        init.add_argument("--name", default="eservice Document Signing CA")
        roll = sub.add_parser("rollover", help="issue a new key for an agency")
        roll.add_argument("agency", help="agency code")
        sub.add_parser("list", help="list the CA and agency keys")
        sub.add_parser("ca-pem", help="print the CA certificates (PEM)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "init-ca":
                ca = signing.create_authority(options["name"])
                self.stdout.write(f"created CA {ca.name}, SHA-256 fingerprint {ca.fingerprint}")
            elif action == "rollover":
                agency = Agency.objects.filter(code=options["agency"]).first()
                if agency is None:
                    raise CommandError(f"no agency with code {options['agency']!r}")
                key = signing.rollover(agency)
                self.stdout.write(
                    f"{agency.code}: new key {key.fingerprint}, valid until "
                    f"{key.not_after:%Y-%m-%d}"
                )
            elif action == "list":
                for ca in CertificateAuthority.objects.order_by("created_at"):
                    state = "active" if ca.is_active else "inactive"
                    self.stdout.write(f"CA  {ca.fingerprint}  {state}  {ca.name}")
                for key in SigningKey.objects.select_related("agency").order_by(
                    "agency__code", "created_at"
                ):
                    state = "current" if key.retired_at is None else "retired"
                    self.stdout.write(
                        f"key {key.fingerprint}  {state:7}  {key.agency.code}  "
                        f"until {key.not_after:%Y-%m-%d}"
                    )
            else:
                for ca in CertificateAuthority.objects.order_by("created_at"):
                    self.stdout.write(ca.certificate_pem, ending="")
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
