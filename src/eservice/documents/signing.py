"""Keys, certificates and PAdES signatures for issued documents.

The platform runs a small certificate authority. Each agency signs with its own
key, certified by that CA; the CA's certificate is what relying parties trust
(``/verify/ca.pem``). Private keys are kept only encrypted (PKCS#8, with
SIGNING_KEY_PASSPHRASE) and decrypted in memory when needed.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from eservice.audit.actions import record
from eservice.catalog.models import Agency
from eservice.core.clock import now
from eservice.core.errors import DomainError
from eservice.documents.models import CertificateAuthority, SigningKey

log = logging.getLogger(__name__)

CA_YEARS = 20
RSA_BITS = 3072
SIGNATURE_FIELD = "AgencySignature"


class SigningUnavailable(DomainError):
    """Documents cannot be signed: no CA, no passphrase, or a wrong passphrase."""

    code = "signing_unavailable"
    status_code = 503


def _passphrase() -> bytes:
    value = settings.SIGNING_KEY_PASSPHRASE
    if not value:
        raise SigningUnavailable(
            _("Document signing is not configured: set SIGNING_KEY_PASSPHRASE.")
        )
    return value.encode("utf-8")


def _fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _encrypted(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    ).decode("ascii")


def _decrypted(pem: str) -> rsa.RSAPrivateKey:
    try:
        # Our own keys: skip the RSA consistency check (~0.1 s for RSA-3072 per load).
        key = serialization.load_pem_private_key(
            pem.encode("ascii"), password=_passphrase(), unsafe_skip_rsa_key_validation=True
        )
    except (ValueError, TypeError) as exc:
        raise SigningUnavailable(
            _("The signing key cannot be opened: SIGNING_KEY_PASSPHRASE is wrong.")
        ) from exc
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


def current_authority() -> CertificateAuthority | None:
    return CertificateAuthority.objects.filter(is_active=True).first()


def create_authority(name: str = "eservice Document Signing CA") -> CertificateAuthority:
    """Create the platform CA (once); refuse if one is already active."""
    if current_authority() is not None:
        raise DomainError(_("The platform already has a certificate authority."))
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "eservice platform"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    start = now() - timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    authority = CertificateAuthority.objects.create(
        name=name,
        certificate_pem=_pem(cert),
        encrypted_key_pem=_encrypted(key),
        fingerprint=_fingerprint(cert),
        created_at=now(),
        not_after=cert.not_valid_after_utc,
    )
    record("system", "signing.create_ca", "certificate_authority", authority.fingerprint, {})
    return authority


def _agency_certificate(
    agency: Agency, authority: CertificateAuthority, key: rsa.RSAPrivateKey
) -> x509.Certificate:
    ca_cert = load_certificate(authority.certificate_pem)
    ca_key = _decrypted(authority.encrypted_key_pem)
    start = now() - timedelta(minutes=5)
    end = min(
        start + timedelta(days=365 * settings.SIGNING_CERT_YEARS), ca_cert.not_valid_after_utc
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.name_th),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency.code),
            x509.NameAttribute(NameOID.COMMON_NAME, agency.name_en[:64]),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )


def rollover(agency: Agency) -> SigningKey:
    """Give the agency a new key and certificate; its old key is retired, not deleted."""
    authority = current_authority()
    if authority is None:
        log.warning("the platform had no document-signing CA: creating one")
        authority = create_authority()
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    cert = _agency_certificate(agency, authority, key)
    with transaction.atomic():
        retired = SigningKey.objects.select_for_update().filter(
            agency=agency, retired_at__isnull=True
        )
        old = [k.fingerprint for k in retired]
        retired.update(retired_at=now())
        signing_key = SigningKey.objects.create(
            agency=agency,
            authority=authority,
            certificate_pem=_pem(cert),
            encrypted_key_pem=_encrypted(key),
            fingerprint=_fingerprint(cert),
            serial=format(cert.serial_number, "x"),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            created_at=now(),
        )
        record(
            "system",
            "signing.rollover",
            "agency",
            agency.code,
            {"new": signing_key.fingerprint, "retired": old},
        )
    return signing_key


def key_for(agency: Agency) -> SigningKey:
    """Return the agency's current key, creating one from the platform CA if it has none
    or if the current certificate expires within 30 days."""
    current = (
        SigningKey.objects.filter(agency=agency, retired_at__isnull=True)
        .select_related("authority")
        .first()
    )
    if current is None or current.not_after < now() + timedelta(days=30):
        return rollover(agency)
    return current


def trust_roots() -> list[asn1_x509.Certificate]:
    """Every CA certificate the platform has used; documents chain to one of them."""
    return [
        asn1_x509.Certificate.load(
            load_certificate(ca.certificate_pem).public_bytes(serialization.Encoding.DER)
        )
        for ca in CertificateAuthority.objects.order_by("created_at")
    ]


def _asn1(pem: str) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        load_certificate(pem).public_bytes(serialization.Encoding.DER)
    )


class _AgencySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, with the decrypted key loaded once per document.

    SimpleSigner parses and checks the private key on every raw signature (pyHanko
    signs more than once per document to size the signature): 0.1 s each for RSA-3072.
    """

    def __init__(self, key: rsa.RSAPrivateKey, **kwargs: Any) -> None:
        super().__init__(signing_key=translate_pyca_cryptography_key_to_asn1(key), **kwargs)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        return self._key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


def sign(pdf: bytes, signing_key: SigningKey, *, reason: str, location: str) -> bytes:
    """Return the PDF with a PAdES (B-B) signature by the agency's key appended."""
    ca_cert = _asn1(signing_key.authority.certificate_pem)
    signer = _AgencySigner(
        _decrypted(signing_key.encrypted_key_pem),
        signing_cert=_asn1(signing_key.certificate_pem),
        cert_registry=SimpleCertificateStore.from_certs([ca_cert]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    signers.sign_pdf(writer, meta, signer=signer, output=out)
    return out.getvalue()


@dataclass
class SignatureCheck:
    """What a PDF's signatures say, in terms a person can act on."""

    readable: bool = False
    signed: bool = False
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    # Who the certificate names: its organization (an agency's Thai name) and its
    # common name (the agency's English name), not the labels of X.509.
    signer: str = ""
    signer_en: str = ""
    signer_fingerprint: str = ""
    signed_at: datetime | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def genuine(self) -> bool:
        return self.signed and self.intact and self.trusted


def check(pdf: bytes, *, at: datetime | None = None) -> SignatureCheck:
    """Validate the last signature of a PDF against the platform's CA certificates.

    ``at`` is the moment to judge the certificate at (the recorded issue time for
    a document the platform knows), so documents outlive their signing keys.
    """
    result = SignatureCheck()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.info("unreadable PDF: %s", type(exc).__name__)
        return result
    result.readable = True
    if not signatures:
        return result
    result.signed = True
    embedded = signatures[-1]
    context = ValidationContext(
        trust_roots=trust_roots(), allow_fetching=False, moment=at, best_signature_time=at
    )
    try:
        status = validate_pdf_signature(embedded, context)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        log.info("signature could not be validated: %s", type(exc).__name__)
        result.problems.append(type(exc).__name__)
        return result
    result.intact = bool(status.intact and status.valid)
    result.trusted = bool(status.trusted)
    result.whole_file = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    cert = status.signing_cert
    if cert is not None:
        names = cert.subject.native
        common = str(names.get("common_name") or "")
        result.signer = str(names.get("organization_name") or common)
        result.signer_en = common or result.signer
        result.signer_fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    result.signed_at = status.signer_reported_dt
    return result


# --- keys for other kinds of signature (exchange messages) ----------------------------

_open_keys: dict[tuple[str, str], rsa.RSAPrivateKey] = {}


def private_key(signing_key: SigningKey) -> rsa.RSAPrivateKey:
    """Return the agency key, decrypted once per process (a message signature must be cheap)."""
    cache_key = (signing_key.fingerprint, signing_key.encrypted_key_pem)
    key = _open_keys.get(cache_key)
    if key is None:
        key = _decrypted(signing_key.encrypted_key_pem)
        _open_keys[cache_key] = key
    return key


def certificates_of(agency: Agency) -> list[str]:
    """Every certificate (PEM) of the agency's keys, current and retired, newest first."""
    return list(
        SigningKey.objects.filter(agency=agency)
        .order_by("-created_at")
        .values_list("certificate_pem", flat=True)
    )


def authority_pem() -> str:
    """The current platform CA certificate, creating the CA if there is none."""
    authority = current_authority() or create_authority()
    return authority.certificate_pem


def fingerprint_of(pem: str) -> str:
    """SHA-256 fingerprint (hex) of a PEM certificate."""
    return _fingerprint(load_certificate(pem))
