"""Members, data services and access rights: who may read what, deny by default."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from eservice.audit.actions import record
from eservice.catalog.models import Agency
from eservice.core.clock import now
from eservice.core.errors import NotFound, ValidationFailed
from eservice.documents import signing
from eservice.exchange import protocol
from eservice.exchange.models import AccessRight, DataService, Member
from eservice.registries.queries import lookup as find_lookup

REGISTRY_FORMAT = "eservice-exchange-registry/1"


def local_member(agency: Agency) -> Member:
    """The agency's exchange membership (created on first use)."""
    member, _created = Member.objects.get_or_create(
        agency=agency,
        defaults={
            "identifier": protocol.member_identifier(agency.code),
            "name_th": agency.name_th,
            "name_en": agency.name_en,
            "added_at": now(),
        },
    )
    return member


def openapi_for(identifier: str, name_en: str, lookup_name: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of a data service backed by a register lookup."""
    found = find_lookup(lookup_name)
    assert found is not None
    return {
        "openapi": "3.1.0",
        "info": {"title": name_en, "version": "1", "description": found.summary_en},
        "paths": {
            f"/r1/{identifier}": {
                "post": {
                    "summary": found.summary_en,
                    "parameters": [
                        {"name": h, "in": "header", "required": True, "schema": {"type": "string"}}
                        for h in (protocol.CLIENT, protocol.ID, protocol.USER, protocol.ISSUE)
                    ]
                    + [
                        {
                            "name": protocol.PURPOSE,
                            "in": "header",
                            "required": found.personal,
                            "schema": {
                                "type": "string",
                                "pattern": "^(consent:[0-9a-f-]{36}|law)$",
                            },
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": found.params}},
                    },
                    "responses": {
                        "200": {
                            "description": "The record",
                            "content": {"application/json": {"schema": found.answer}},
                        },
                        "404": {"description": "No record for this key"},
                    },
                }
            }
        },
    }


def publish(agency: Agency, code: str, lookup_name: str, name_th: str, name_en: str) -> DataService:
    """Offer a register lookup as a data service of an agency hosted here."""
    found = find_lookup(lookup_name)
    if found is None:
        raise ValidationFailed(
            _("No such register lookup."), {"lookup": [_("Choose a known lookup.")]}
        )
    member = local_member(agency)
    identifier = f"{member.identifier}/{protocol.PROVIDER_SUBSYSTEM}/{code}"
    service, _created = DataService.objects.update_or_create(
        identifier=identifier,
        defaults={
            "provider": member,
            "code": code,
            "name_th": name_th,
            "name_en": name_en,
            "lookup": lookup_name,
            "personal": found.personal,
            "subject_param": found.subject_param,
            "openapi": openapi_for(identifier, name_en, lookup_name),
        },
    )
    return service


def service(identifier: str) -> DataService:
    found = DataService.objects.select_related("provider").filter(identifier=identifier).first()
    if found is None:
        raise NotFound(_("No such data service."))
    return found


def member(identifier: str) -> Member:
    found = Member.objects.filter(identifier=identifier).first()
    if found is None:
        raise NotFound(_("No such member of the exchange."))
    return found


def grant(
    data_service: DataService,
    client: Member,
    by: str,
    *,
    legal_basis_th: str = "",
    legal_basis_en: str = "",
) -> AccessRight:
    """Let a client member call a data service (replacing an earlier active grant)."""
    with transaction.atomic():
        AccessRight.objects.filter(
            service=data_service, client=client, revoked_at__isnull=True
        ).update(revoked_at=now())
        right = AccessRight.objects.create(
            service=data_service,
            client=client,
            legal_basis_th=legal_basis_th.strip(),
            legal_basis_en=legal_basis_en.strip(),
            granted_by=by,
            granted_at=now(),
        )
        record(
            by,
            "exchange.grant",
            "data_service",
            data_service.identifier,
            {"client": client.identifier, "legal_basis": bool(right.legal_basis_en)},
        )
    return right


def revoke(data_service: DataService, client: Member, by: str) -> int:
    with transaction.atomic():
        count = AccessRight.objects.filter(
            service=data_service, client=client, revoked_at__isnull=True
        ).update(revoked_at=now())
        if count:
            record(
                by,
                "exchange.revoke",
                "data_service",
                data_service.identifier,
                {"client": client.identifier},
            )
    return count


def right_of(data_service: DataService, client_member_id: str) -> AccessRight | None:
    """The active grant of the service to that client member, or None (deny)."""
    return (
        AccessRight.objects.filter(
            service=data_service,
            client__identifier=client_member_id,
            revoked_at__isnull=True,
        )
        .select_related("client")
        .first()
    )


def certificates_for(member_: Member) -> list[str]:
    """The certificates whose keys sign this member's messages."""
    if member_.agency_id is not None:
        assert member_.agency is not None
        signing.key_for(member_.agency)
        return signing.certificates_of(member_.agency)
    return list(member_.certificates)


def key_for(agency: Agency) -> protocol.Key:
    signing_key = signing.key_for(agency)
    return protocol.Key(signing_key.fingerprint, signing.private_key(signing_key))


def base_url_for(member_: Member) -> str:
    if member_.agency_id is not None:
        return settings.EXCHANGE_SELF_URL
    return member_.base_url


# --- registry files between platform instances --------------------------------------------


def export() -> dict[str, Any]:
    """The members hosted here, their certificates and services, for other instances."""
    members = []
    for m in Member.objects.filter(agency__isnull=False).select_related("agency"):
        members.append(
            {
                "identifier": m.identifier,
                "name": {"th": m.name_th, "en": m.name_en},
                "certificates": certificates_for(m),
                "services": [
                    {
                        "identifier": s.identifier,
                        "code": s.code,
                        "name": {"th": s.name_th, "en": s.name_en},
                        "personal": s.personal,
                        "subject_param": s.subject_param,
                        "openapi": s.openapi,
                    }
                    for s in m.services.all()
                ],
            }
        )
    return {
        "format": REGISTRY_FORMAT,
        "instance": settings.EXCHANGE_INSTANCE,
        "base_url": settings.EXCHANGE_SELF_URL,
        "ca": signing.authority_pem(),
        "members": members,
    }


def _issued_by(pem: str, ca: x509.Certificate) -> bool:
    cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
    public = ca.public_key()
    if cert.issuer != ca.subject or not isinstance(public, rsa.RSAPublicKey):
        return False
    assert cert.signature_hash_algorithm is not None
    try:
        public.verify(
            cert.signature,
            cert.tbs_certificate_bytes,
            padding.PKCS1v15(),
            cert.signature_hash_algorithm,
        )
    except InvalidSignature:
        return False
    return True


def import_registry(data: dict[str, Any], trusted_ca_pem: str, by: str) -> list[str]:
    """Add or update another instance's members, trusting only certificates from its CA.

    ``trusted_ca_pem`` comes from the operator (obtained out of band), never from the
    file itself. Returns the member identifiers imported.
    """
    errors: dict[str, list[str]] = {}
    if data.get("format") != REGISTRY_FORMAT:
        errors["format"] = [_("Not an exchange registry file.")]
    try:
        ca = x509.load_pem_x509_certificate(trusted_ca_pem.encode("ascii"))
    except ValueError:
        errors["ca"] = [_("The CA certificate cannot be read.")]
        raise ValidationFailed(_("The registry file was not imported."), errors) from None
    base_url = str(data.get("base_url", ""))
    if not base_url.startswith(("http://", "https://")):
        errors["base_url"] = [_("Enter the address of the other platform.")]
    for i, m in enumerate(data.get("members", [])):
        where = f"members[{i}]"
        local = Member.objects.filter(identifier=m.get("identifier"), agency__isnull=False)
        if local.exists():
            errors[where] = [_("This member is hosted here and cannot be replaced.")]
        for pem in m.get("certificates", []):
            if not _issued_by(pem, ca):
                errors[f"{where}.certificates"] = [_("A certificate was not issued by the CA.")]
    if errors:
        raise ValidationFailed(_("The registry file was not imported."), errors)
    imported = []
    with transaction.atomic():
        for m in data.get("members", []):
            row, _created = Member.objects.update_or_create(
                identifier=m["identifier"],
                defaults={
                    "name_th": m["name"]["th"],
                    "name_en": m["name"]["en"],
                    "base_url": base_url,
                    "transport": Member.Transport.XROAD,
                    "certificates": m["certificates"],
                    "ca_pem": trusted_ca_pem,
                    "added_at": now(),
                },
            )
            for s in m.get("services", []):
                DataService.objects.update_or_create(
                    identifier=s["identifier"],
                    defaults={
                        "provider": row,
                        "code": s["code"],
                        "name_th": s["name"]["th"],
                        "name_en": s["name"]["en"],
                        "personal": s["personal"],
                        "subject_param": s["subject_param"],
                        "openapi": s["openapi"],
                        "lookup": "",
                    },
                )
            imported.append(row.identifier)
        record(by, "exchange.import_registry", "registry", base_url, {"members": imported})
    return imported


def add_remote_client(identifier: str, name_th: str, name_en: str) -> Member:
    """Record a client member known only by name (it must still sign with a trusted key)."""
    row, _created = Member.objects.get_or_create(
        identifier=identifier,
        defaults={"name_th": name_th, "name_en": name_en, "added_at": now()},
    )
    return row


def add_gateway_service(
    member_id: str,
    name_th: str,
    name_en: str,
    base_url: str,
    code: str,
    path: str,
    service_name_th: str,
    service_name_en: str,
    *,
    personal: bool = True,
    subject_param: str = "national_id",
) -> DataService:
    """Register a data service reached through a central token gateway (GDX style)."""
    with transaction.atomic():
        row, _created = Member.objects.update_or_create(
            identifier=member_id,
            defaults={
                "name_th": name_th,
                "name_en": name_en,
                "base_url": base_url,
                "transport": Member.Transport.GDX,
                "added_at": now(),
            },
        )
        data_service, _created = DataService.objects.update_or_create(
            identifier=f"{member_id}/gdx/{code}",
            defaults={
                "provider": row,
                "code": code,
                "name_th": service_name_th,
                "name_en": service_name_en,
                "path": path,
                "personal": personal,
                "subject_param": subject_param,
            },
        )
    return data_service
