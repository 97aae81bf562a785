"""Anyone can check a document by its QR link or by uploading the PDF; nothing is kept."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from eservice.cases import actions
from eservice.documents import verification
from eservice.documents.models import IssuedDocument
from tests import factories
from tests.documents.conftest import pdf_bytes
from tests.documents.test_issuing import _flip_byte


def _upload(content: bytes, name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


# --- domain -----------------------------------------------------------------------------


def test_the_issued_file_is_genuine_and_valid(issued: Any) -> None:
    verdict = verification.by_file(_upload(pdf_bytes(issued)))
    assert (verdict.outcome, verdict.state, verdict.document) == ("genuine", "valid", issued)
    assert verdict.sha256 == issued.sha256


def test_a_tampered_file_is_reported_as_changed(issued: Any) -> None:
    verdict = verification.by_file(_upload(_flip_byte(pdf_bytes(issued))))
    assert verdict.outcome == "tampered" and verdict.document is None


def test_a_file_with_an_addition_after_signing_is_not_the_document_as_issued(
    issued: Any,
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes(issued)), strict=False)
    writer.root["/Lang"] = writer.root.get("/Lang", "th")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    verdict = verification.by_file(_upload(out.getvalue()))
    assert verdict.outcome in ("altered", "tampered")
    assert verdict.document is None


def test_a_pdf_this_platform_never_issued(db: None) -> None:
    verdict = verification.by_file(_upload(factories.pdf_bytes()))
    assert verdict.outcome == "not_issued"


def test_a_file_that_is_not_a_pdf_is_refused(db: None) -> None:
    with (
        translation.override("en"),
        pytest.raises(verification.ValidationFailed, match="not a PDF"),
    ):
        verification.by_file(factories.png_upload())


def test_an_oversized_file_is_refused(db: None, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    with (
        translation.override("en"),
        pytest.raises(verification.ValidationFailed, match="too large"),
    ):
        verification.by_file(_upload(factories.pdf_bytes(padding=5000)))


def test_a_revoked_document_verifies_as_revoked(issued: Any, approver_a: Any) -> None:
    actions.revoke_document(issued.application, approver_a, issued.public_id, "ข้อมูลผิด")
    with translation.override("en"):
        by_id = verification.by_id(issued.public_id)
    by_file = verification.by_file(_upload(pdf_bytes(issued)))
    assert by_id.state == by_file.state == "revoked"
    assert by_id.outcome == "genuine" and "revoked" in by_id.message


def test_an_expired_document_verifies_as_expired(issued: Any, time_machine: Any) -> None:
    issued.valid_until = issued.valid_from + timedelta(days=30)
    issued.save(update_fields=["valid_until"])
    time_machine.move_to(issued.issued_at + timedelta(days=45))
    assert verification.by_id(issued.public_id).state == "expired"


# --- pages ------------------------------------------------------------------------------


def test_the_qr_link_opens_the_verification_page_without_personal_data(
    issued: Any, browser: Any
) -> None:
    qr_path = issued.data["verify_url"].split("://", 1)[1].split("/", 1)[1]
    response = browser("anonymous").get("/" + qr_path, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert issued.number in page and issued.sha256 in page and "genuine" in page
    for personal in factories.personal_data(issued.application, issued.signed_by):
        assert personal not in page


def test_the_page_shows_revocation_reason_and_date(
    issued: Any, approver_a: Any, browser: Any
) -> None:
    actions.revoke_document(issued.application, approver_a, issued.public_id, "ออกผิดฉบับ")
    page = browser("anonymous").get(f"/verify/{issued.public_id}/").content.decode()
    assert "ออกผิดฉบับ" in page and "เพิกถอน" in page


def test_an_unknown_document_id_is_a_404(db: None, browser: Any) -> None:
    response = browser("anonymous").get(f"/verify/{factories.UNKNOWN_UUID}/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        ("genuine", 200, "genuine and valid"),
        ("tampered", 200, "changed after it was signed"),
        ("foreign", 200, "not a document issued"),
        ("png", 400, "not a PDF"),
    ],
)
def test_uploading_a_file_gives_a_clear_answer_and_stores_nothing(
    issued: Any, browser: Any, media_root: Path, content: str, status: int, words: str
) -> None:
    files = {
        "genuine": lambda: _upload(pdf_bytes(issued)),
        "tampered": lambda: _upload(_flip_byte(pdf_bytes(issued))),
        "foreign": lambda: _upload(factories.pdf_bytes()),
        "png": factories.png_upload,
    }
    before, rows = _files(media_root), IssuedDocument.objects.count()
    response = browser("anonymous").post(
        "/verify/", {"file": files[content]()}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == status
    assert words in response.content.decode()
    assert _files(media_root) == before and IssuedDocument.objects.count() == rows


def test_the_ca_certificate_is_published_for_relying_parties(issued: Any, browser: Any) -> None:
    response = browser("anonymous").get("/verify/ca.pem")
    assert response.status_code == 200
    assert response.content.startswith(b"-----BEGIN CERTIFICATE-----")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("applicant", 200), ("clerk_a", 200), ("other_applicant", 404), ("clerk_b", 404)],
)
def test_only_the_holder_and_the_agency_download_the_pdf(
    issued: Any, browser: Any, persona: str, status: int
) -> None:
    response = browser(persona).get(f"/documents/{issued.public_id}/pdf/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == pdf_bytes(issued)


def test_the_applicant_sees_the_document_on_the_application_page(issued: Any, browser: Any) -> None:
    page = browser("applicant").get(f"/my/applications/{issued.application.public_id}/")
    text = page.content.decode()
    assert f"/documents/{issued.public_id}/pdf/" in text and issued.number in text


def test_an_approver_revokes_from_the_case_page(issued: Any, browser: Any) -> None:
    number = issued.application.tracking_number
    page = browser("approver_a").get(f"/office/cases/{number}/").content.decode()
    assert "revoke_document" in page
    browser("approver_a").post(
        f"/office/cases/{number}/revoke_document/",
        {"document": str(issued.public_id), "reason": "ผิดพลาด"},
    )
    issued.refresh_from_db()
    assert issued.status == "revoked"


# --- API ----------------------------------------------------------------------------------


def test_api_verify_by_id_and_by_upload(issued: Any, api: Any) -> None:
    client = api(None)
    by_id = client.get(f"/api/v1/verify/{issued.public_id}/").json()
    assert by_id["outcome"] == "genuine" and by_id["state"] == "valid"
    assert by_id["document"]["number"] == issued.number and "holder" not in by_id["document"]
    uploaded = client.post(
        "/api/v1/verify/", {"file": _upload(_flip_byte(pdf_bytes(issued)))}, format="multipart"
    ).json()
    assert uploaded["outcome"] == "tampered" and uploaded["document"] is None
    refused = client.post("/api/v1/verify/", {"file": factories.png_upload()}, format="multipart")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("applicant", True), ("approver_a", True), ("other_applicant", False), ("clerk_b", False)],
)
def test_api_serves_documents_to_the_holder_and_the_agency_only(
    issued: Any, api: Any, persona: str, visible: bool
) -> None:
    client = api(persona)
    listed = [d["id"] for d in client.get("/api/v1/issued-documents/").json()["results"]]
    pdf = client.get(f"/api/v1/issued-documents/{issued.public_id}/pdf/")
    assert (str(issued.public_id) in listed) is visible
    assert pdf.status_code == (200 if visible else 404)


def test_api_revokes_and_reissues_through_case_actions(issued: Any, api: Any) -> None:
    number = issued.application.tracking_number
    case = api("approver_a").post(
        f"/api/v1/cases/{number}/actions/reissue_document/",
        {"document": str(issued.public_id), "reason": "แก้ไขชื่อ"},
        format="json",
    )
    assert case.status_code == 200, case.content
    states = {d["number"]: d["state"] for d in case.json()["issued_documents"]}
    assert states[issued.number] == "revoked" and list(states.values()).count("valid") == 1


def test_an_admin_edits_the_template_and_the_next_document_uses_it(
    catalog: Any, admin_a: Any, clerk_a: Any, browser: Any, make_case: Any
) -> None:
    url = f"/office/agencies/{catalog.agency_a.code}/templates/{catalog.food_shop.code}/"
    assert browser("clerk_a").get(url).status_code == 404
    form = {
        "layout": "thai_then_english",
        "title_th": "ใบอนุญาตทดสอบ",
        "title_en": "Test Licence",
        "body_th": "อนุญาตให้ ${holder} ดำเนินการ",
        "body_en": "${holder} may operate",
        "conditions_th": "ข้อหนึ่ง\nข้อสอง",
        "conditions_en": "One\nTwo",
        "valid_for_months": "12",
    }
    bad = browser("admin_a").post(url, {**form, "body_th": "${nobody}"})
    assert bad.status_code == 400 and "${nobody}" in bad.content.decode()
    assert browser("admin_a").post(url, form).status_code == 302
    document = make_case("approved").issued_documents.get()
    assert document.title_en == "Test Licence"
    assert document.data["body"]["th"] == "อนุญาตให้ สมชาย ใจดี ดำเนินการ"
    assert document.data["conditions"]["en"] == ["One", "Two"]
    assert document.valid_until is not None
