"""Operate the data exchange.

eservice exchange member AGENCY                       make an agency a member (prints its id)
eservice exchange publish AGENCY CODE LOOKUP --name-th T --name-en E
                                                      offer a register lookup as a data service
eservice exchange grant SERVICE CLIENT [--legal-basis-th T --legal-basis-en E]
eservice exchange revoke SERVICE CLIENT
eservice exchange export-registry [--out FILE]        members, certificates, services (JSON)
eservice exchange import-registry FILE --ca CA.pem    trust another platform's members
eservice exchange gdx-service MEMBER CODE PATH --url URL --name-th T --name-en E
                                                      a data service behind a GDX-style gateway
eservice exchange list                                members, services and access rights
eservice exchange log [--limit N]                     the latest message log records
eservice exchange verify-log                          check the log's hash chain (exit 1 if broken)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eservice.catalog.models import Agency
from eservice.core.errors import DomainError, ValidationFailed
from eservice.exchange import log as message_log
from eservice.exchange import registry
from eservice.exchange.models import AccessRight, DataService, Member, MessageRecord
from eservice.registries.queries import LOOKUPS


class Command(BaseCommand):
    help = "Operate the data exchange between agencies."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        member = sub.add_parser("member", help="make an agency a member of the exchange")
        member.add_argument("agency")
        pub = sub.add_parser("publish", help="offer a register lookup as a data service")
        pub.add_argument("agency")
        pub.add_argument("code")
        pub.add_argument("lookup", choices=sorted(LOOKUPS))
        pub.add_argument("--name-th", required=True)
        pub.add_argument("--name-en", required=True)
        for name in ("grant", "revoke"):
            p = sub.add_parser(name, help=f"{name} a client member's access to a data service")
            p.add_argument("service", help="data service id, e.g. TH-DEMO/GOV/dopa/registry/person")
            p.add_argument("client", help="client member id, e.g. TH-DEMO/GOV/chiang-mai-city")
            if name == "grant":
                p.add_argument("--legal-basis-th", default="")
                p.add_argument("--legal-basis-en", default="")
        exp = sub.add_parser("export-registry", help="write this platform's registry file")
        exp.add_argument("--out", default="-")
        imp = sub.add_parser("import-registry", help="trust another platform's members")
        imp.add_argument("file")
        imp.add_argument("--ca", required=True, help="the other platform's CA certificate (PEM)")
        gdx = sub.add_parser("gdx-service", help="register a data service behind a GDX gateway")
        gdx.add_argument("member", help="member id, e.g. TH/GOV/dopa")
        gdx.add_argument("code")
        gdx.add_argument("path", help="path on the gateway, e.g. /ws/dopa/personal")
        gdx.add_argument("--url", required=True, help="the gateway's base address")
        gdx.add_argument("--name-th", required=True)
        gdx.add_argument("--name-en", required=True)
        gdx.add_argument("--member-name-th", default="")
        gdx.add_argument("--member-name-en", default="")
        sub.add_parser("list", help="list members, data services and access rights")
        log = sub.add_parser("log", help="print the latest message log records")
        log.add_argument("--limit", type=int, default=20)
        sub.add_parser("verify-log", help="check the message log's hash chain")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, "do_" + action.replace("-", "_"))(options)
        except ValidationFailed as exc:
            for field, problems in exc.errors.items():
                for problem in problems:
                    self.stderr.write(f"{field}: {problem}")
            raise CommandError(str(exc.message)) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def _agency(self, code: str) -> Agency:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(f"no agency with code {code!r}")
        return agency

    def do_member(self, options: dict[str, Any]) -> None:
        member = registry.local_member(self._agency(options["agency"]))
        registry.certificates_for(member)  # make sure it has a key
        self.stdout.write(member.identifier)

    def do_publish(self, options: dict[str, Any]) -> None:
        service = registry.publish(
            self._agency(options["agency"]),
            options["code"],
            options["lookup"],
            options["name_th"],
            options["name_en"],
        )
        self.stdout.write(service.identifier)

    def do_grant(self, options: dict[str, Any]) -> None:
        right = registry.grant(
            registry.service(options["service"]),
            registry.member(options["client"]),
            "command",
            legal_basis_th=options["legal_basis_th"],
            legal_basis_en=options["legal_basis_en"],
        )
        self.stdout.write(f"granted {right.service.identifier} to {right.client.identifier}")

    def do_revoke(self, options: dict[str, Any]) -> None:
        count = registry.revoke(
            registry.service(options["service"]), registry.member(options["client"]), "command"
        )
        self.stdout.write("revoked" if count else "there was no access right to revoke")

    def do_export_registry(self, options: dict[str, Any]) -> None:
        text = json.dumps(registry.export(), ensure_ascii=False, indent=2)
        if options["out"] == "-":
            self.stdout.write(text)
        else:
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {options['out']}")

    def do_import_registry(self, options: dict[str, Any]) -> None:
        try:
            data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
            ca = Path(options["ca"]).read_text(encoding="ascii")
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the files: {exc}") from exc
        for identifier in registry.import_registry(data, ca, "command"):
            self.stdout.write(f"imported {identifier}")

    def do_gdx_service(self, options: dict[str, Any]) -> None:
        service = registry.add_gateway_service(
            options["member"],
            options["member_name_th"] or options["member"],
            options["member_name_en"] or options["member"],
            options["url"],
            options["code"],
            options["path"],
            options["name_th"],
            options["name_en"],
        )
        self.stdout.write(service.identifier)

    def do_list(self, options: dict[str, Any]) -> None:
        for m in Member.objects.all():
            where = "here" if m.agency_id else (m.base_url or "-")
            self.stdout.write(f"member  {m.identifier}  [{m.transport}, {where}]  {m.name_en}")
        for s in DataService.objects.select_related("provider"):
            self.stdout.write(f"service {s.identifier}  {s.name_en}")
        for r in AccessRight.objects.filter(revoked_at__isnull=True).select_related(
            "service", "client"
        ):
            basis = f"  legal basis: {r.legal_basis_en}" if r.legal_basis_en else ""
            self.stdout.write(f"right   {r.client.identifier} -> {r.service.identifier}{basis}")

    def do_log(self, options: dict[str, Any]) -> None:
        records = MessageRecord.objects.order_by("-seq")[: options["limit"]]
        for r in reversed(list(records)):
            self.stdout.write(
                f"{r.seq:>6} {r.at:%Y-%m-%d %H:%M:%S} {r.side:<6} {r.kind:<8} "
                f"{r.client} -> {r.service} id={r.request_id} hash={r.request_hash[:16]} "
                f"{r.status or ''} {r.error}".rstrip()
            )

    def do_verify_log(self, options: dict[str, Any]) -> None:
        verdict = message_log.verify()
        if not verdict.ok:
            raise CommandError(
                f"message log is BROKEN at record {verdict.first_bad_seq}: {verdict.reason} "
                f"({verdict.checked} records before it are intact)"
            )
        self.stdout.write(f"message log intact: {verdict.checked} records")
