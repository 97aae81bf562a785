"""Approving a case issues a signed, bilingual PDF that poppler and pyHanko both accept."""

from __future__ import annotations

import io
import json
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from eservice.audit.models import AuditEvent
from eservice.cases.models import TimelineEvent
from eservice.core.errors import DomainError, Forbidden, InvalidTransition, ValidationFailed
from eservice.documents import signing
from eservice.documents.models import IssuedDocument, SigningKey
from eservice.documents.services import documents_of
from tests.documents.conftest import pdf_bytes, pdfsig, pdftotext, tool

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _flip_byte(pdf: bytes) -> bytes:
    """Change one byte inside the signed content (a page's stream, not the signature)."""
    at = pdf.index(b"stream", len(pdf) // 4) + 40
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def test_approval_issues_a_signed_document_recorded_on_the_case(issued: Any) -> None:
    app = issued.application
    assert issued.number == f"1/{issued.valid_from.year + 543}"
    assert issued.title_th and issued.title_en
    assert pdf_bytes(issued)[:5] == b"%PDF-"
    event = TimelineEvent.objects.get(application=app, action="document_issued")
    assert event.text == issued.number and not event.internal
    assert AuditEvent.objects.filter(action="document.issue", object_id=str(issued.public_id))


def test_the_signature_validates_with_pyhanko(issued: Any) -> None:
    result = signing.check(pdf_bytes(issued), at=issued.issued_at)
    assert result.genuine and result.whole_file
    # Who signed, as the certificate names them: no X.509 labels, in Thai and English.
    assert result.signer == issued.agency.name_th
    assert result.signer_en == issued.agency.name_en[:64]
    assert "Common Name" not in result.signer


def test_pdfsig_trusting_the_platform_ca_validates_the_signature(
    issued: Any, nss_trusting_ca: Any, tmp_path: Path
) -> None:
    report = pdfsig(pdf_bytes(issued), nss_trusting_ca(), tmp_path)
    assert "Signature is Valid" in report, report
    assert "Certificate is Trusted" in report, report


def test_one_changed_byte_fails_both_pyhanko_and_pdfsig(
    issued: Any, nss_trusting_ca: Any, tmp_path: Path
) -> None:
    tampered = _flip_byte(pdf_bytes(issued))
    assert not signing.check(tampered).intact
    report = pdfsig(tampered, nss_trusting_ca(), tmp_path)
    assert "Signature is Valid" not in report
    assert "Invalid" in report or "Digest Mismatch" in report or "not" in report.lower(), report


def test_pdftotext_reads_the_thai_then_the_english_text_in_order(
    issued: Any, tmp_path: Path
) -> None:
    text = unicodedata.normalize("NFKC", pdftotext(pdf_bytes(issued), tmp_path))
    flat = " ".join(text.split())
    data = issued.data
    expected = [
        data["agency"]["name"]["th"],
        data["title"]["th"],
        data["holder"]["name"]["th"],
        data["title"]["en"],
        data["holder"]["name"]["en"],
        data["verify_url"],
    ]
    positions = []
    for phrase in expected:
        phrase = unicodedata.normalize("NFKC", " ".join(phrase.split()))
        # Line breaks may fall between words; compare without the spaces they leave.
        squeezed, target = flat.replace(" ", ""), phrase.replace(" ", "")
        assert target in squeezed, f"{phrase!r} not in extracted text:\n{text}"
        positions.append(squeezed.index(target))
    assert positions[:3] == sorted(positions[:3])
    assert positions[3] < positions[4]


def test_thai_lines_break_between_words_never_inside_one(
    issued: Any, settings: Any, tmp_path: Path
) -> None:
    """Render a long Thai paragraph; every line ends where a word ends."""
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import word_tokenize

    from eservice.documents.rendering import render

    sentence = (
        "ผู้ได้รับใบอนุญาตต้องดูแลรักษาความสะอาดของสถานที่จำหน่ายอาหารให้ถูกสุขลักษณะ "
        "และต้องจัดให้มีที่รองรับมูลฝอยที่มีฝาปิดอย่างเพียงพอ "
    )
    data = {**issued.data, "body": {"th": sentence * 3, "en": "Keep the premises clean."}}
    text = pdftotext(render(data, "side_by_side"), tmp_path)
    flat = sentence
    lines = [line.strip() for line in text.splitlines()]
    body_lines = [line for line in lines if len(line) > 4 and line.split()[0][:6] in flat]
    assert len(body_lines) >= 3, text
    dictionary = set(thai_words())
    for line in body_lines:
        tokens = word_tokenize(line, engine="newmm", keep_whitespace=False)
        # A word cut in two leaves a fragment that is no word at the line's ends.
        assert tokens[0] in dictionary and tokens[-1] in dictionary, (line, tokens)


def test_the_document_data_is_embedded_as_json_in_a_pdf_a_3_file(issued: Any) -> None:
    pdf = pdf_bytes(issued)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1].get_object()
    assert names[0] == "document.json"
    assert spec["/AFRelationship"] == "/Data"
    embedded = json.loads(spec["/EF"]["/F"].get_object().data)
    assert embedded == issued.data
    xmp = reader.root["/Metadata"].get_object().data
    assert b"pdfaid" in xmp and (b'pdfaid:part="3"' in xmp or b"<pdfaid:part>3<" in xmp), xmp


def test_a_png_of_page_one_for_people_to_look_at(issued: Any, tmp_path: Path) -> None:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf_bytes(issued))
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "issued-document"
    subprocess.run(
        [
            tool("pdftoppm"),
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(target),
        ],
        check=True,
    )
    png = target.with_suffix(".png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_numbers_count_up_per_agency_and_year(make_case: Any) -> None:
    first = documents_of(make_case("approved").pk).get()
    second = documents_of(make_case("approved").pk).get()
    year = first.valid_from.year + 543
    assert (first.number, second.number) == (f"1/{year}", f"2/{year}")


def test_private_keys_are_stored_encrypted_only(issued: Any) -> None:
    key = SigningKey.objects.get(agency=issued.agency)
    assert "ENCRYPTED PRIVATE KEY" in key.encrypted_key_pem
    assert "BEGIN PRIVATE KEY" not in key.encrypted_key_pem
    assert "ENCRYPTED PRIVATE KEY" in key.authority.encrypted_key_pem


def test_a_wrong_passphrase_refuses_approval_and_leaves_nothing(
    case_at: Any, approver_a: Any, settings: Any, media_root: Path
) -> None:
    from eservice.cases import actions

    app = case_at("last_step")
    signing.key_for(app.agency)  # keys exist, encrypted with the right passphrase
    settings.SIGNING_KEY_PASSPHRASE = "not the passphrase"
    with pytest.raises(signing.SigningUnavailable):
        actions.approve(app, approver_a)
    app.refresh_from_db()
    assert app.status == "in_review"
    assert not IssuedDocument.objects.exists()
    assert not (media_root / "issued").exists() or not any((media_root / "issued").rglob("*.pdf"))


def test_a_missing_font_refuses_approval_and_leaves_nothing(
    case_at: Any, approver_a: Any, settings: Any
) -> None:
    from eservice.cases import actions

    app = case_at("last_step")
    settings.DOCUMENT_FONT = "/nonexistent/font.ttf"
    with pytest.raises(DomainError, match="font"):
        actions.approve(app, approver_a)
    app.refresh_from_db()
    assert app.status == "in_review" and not IssuedDocument.objects.exists()


def test_rollover_keeps_old_documents_verifiable(make_case: Any, issued: Any) -> None:
    old_key = issued.signing_key
    new_key = signing.rollover(issued.agency)
    later = documents_of(make_case("approved").pk).get()
    assert later.signing_key == new_key != old_key
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    assert signing.check(pdf_bytes(issued), at=issued.issued_at).genuine
    assert signing.check(pdf_bytes(later), at=later.issued_at).genuine


def test_revoke_needs_an_approver_of_the_agency_and_reasons(
    issued: Any, clerk_a: Any, approver_a: Any, approver_b: Any
) -> None:
    from eservice.cases import actions
    from eservice.core.errors import NotFound

    app = issued.application
    with pytest.raises(Forbidden):
        actions.revoke_document(app, clerk_a, issued.public_id, "ผิด")
    with pytest.raises(NotFound):
        actions.revoke_document(app, approver_b, issued.public_id, "ผิด")
    with pytest.raises(ValidationFailed):
        actions.revoke_document(app, approver_a, issued.public_id, "   ")
    doc = actions.revoke_document(app, approver_a, issued.public_id, "ออกให้ผิดคน")
    assert doc.status == "revoked" and doc.revocation_reason == "ออกให้ผิดคน"
    with pytest.raises(InvalidTransition):
        actions.revoke_document(app, approver_a, issued.public_id, "อีกครั้ง")
    event = TimelineEvent.objects.get(application=app, action="document_revoked")
    assert "ออกให้ผิดคน" in event.text
    assert AuditEvent.objects.filter(action="document.revoke").exists()


def test_reissue_revokes_and_issues_a_replacement_with_the_same_dates(
    issued: Any, approver_a: Any
) -> None:
    from eservice.cases import actions

    new = actions.reissue_document(issued.application, approver_a, issued.public_id, "แก้ชื่อ")
    issued.refresh_from_db()
    assert issued.status == "revoked" and new.replaces == issued
    assert (new.valid_from, new.valid_until) == (issued.valid_from, issued.valid_until)
    assert new.number != issued.number and new.data["replaces"] == issued.number
    assert signing.check(pdf_bytes(new)).genuine
