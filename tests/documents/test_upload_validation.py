"""Uploads are checked by content; refused or discarded files leave nothing behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eservice.cases import actions
from eservice.core.errors import ValidationFailed
from eservice.documents.models import EvidenceFile
from tests.factories import draft_application, pdf_bytes, pdf_upload, png_bytes, png_upload


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def draft(catalog: Any, applicant: Any) -> Any:
    return draft_application(applicant, catalog.food_shop)


def test_it_stores_a_real_pdf_and_png_under_random_names(
    draft: Any, applicant: Any, media_root: Path
) -> None:
    pdf = actions.upload_document(draft, applicant, "id-card", pdf_upload("บัตรประชาชน สมชาย.pdf"))
    png = actions.upload_document(draft, applicant, "house-registration", png_upload())

    assert (pdf.content_type, png.content_type) == ("application/pdf", "image/png")
    assert pdf.original_name == "บัตรประชาชน สมชาย.pdf"
    assert pdf.size == len(pdf_bytes())
    stored = _files(media_root)
    assert len(stored) == 2
    assert all("สมชาย" not in str(p) and "somchai" not in str(p) for p in stored)
    assert Path(pdf.file.path).read_bytes() == pdf_bytes()


BAD_UPLOADS = {
    "text-renamed-pdf": (
        SimpleUploadedFile,
        ("id.pdf", "ข้อความธรรมดา ไม่ใช่ PDF\n".encode(), "application/pdf"),
    ),
    "empty": (SimpleUploadedFile, ("id.pdf", b"", "application/pdf")),
    "truncated-pdf": (SimpleUploadedFile, ("id.pdf", pdf_bytes()[:-40], "application/pdf")),
    "fake-png": (
        SimpleUploadedFile,
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"not really a png", "image/png"),
    ),
    "truncated-png": (SimpleUploadedFile, ("photo.png", png_bytes()[:30], "image/png")),
    "html-renamed-png": (
        SimpleUploadedFile,
        ("photo.png", b"<html><script>alert(1)</script></html>", "image/png"),
    ),
}


@pytest.mark.parametrize("kind", list(BAD_UPLOADS))
def test_it_refuses_files_that_are_not_what_they_claim(
    draft: Any, applicant: Any, media_root: Path, kind: str
) -> None:
    cls, args = BAD_UPLOADS[kind]
    with pytest.raises(ValidationFailed):
        actions.upload_document(draft, applicant, "id-card", cls(*args))
    assert not EvidenceFile.objects.exists()
    assert _files(media_root) == []


def test_it_refuses_an_oversized_file(
    draft: Any, applicant: Any, media_root: Path, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 2048
    with pytest.raises(ValidationFailed) as caught:
        actions.upload_document(draft, applicant, "id-card", pdf_upload(padding=3000))
    assert "2.0" in str(caught.value.message) or "KB" in str(caught.value.message)
    assert not EvidenceFile.objects.exists()
    assert _files(media_root) == []
    # Just under the limit is fine.
    padding = next(n for n in range(2048, 0, -1) if len(pdf_bytes(n)) <= 2048)
    small = pdf_upload(padding=padding)
    assert small.size == 2048
    actions.upload_document(draft, applicant, "id-card", small)


def test_it_removes_the_stored_file_when_the_transaction_fails(
    draft: Any, applicant: Any, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_record(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(actions, "record", broken_record)
    with pytest.raises(RuntimeError):
        actions.upload_document(draft, applicant, "id-card", pdf_upload())
    assert not EvidenceFile.objects.exists()
    assert _files(media_root) == []


def test_it_deletes_a_discarded_drafts_files_after_commit(
    draft: Any, applicant: Any, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    actions.upload_document(draft, applicant, "id-card", pdf_upload())
    actions.upload_document(draft, applicant, "house-registration", png_upload())
    assert len(_files(media_root)) == 2

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.discard_draft(draft, applicant)
        # Until the transaction commits, the files stay (a rollback would need them).
        assert len(_files(media_root)) == 2
    assert len(callbacks) == 2

    assert _files(media_root) == []
    assert not EvidenceFile.objects.exists()


def test_it_deletes_a_removed_upload_after_commit(
    draft: Any, applicant: Any, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    evidence = actions.upload_document(draft, applicant, "id-card", pdf_upload())
    with django_capture_on_commit_callbacks(execute=True):
        actions.remove_document(draft, applicant, str(evidence.public_id))
    assert _files(media_root) == []
    assert not EvidenceFile.objects.exists()


def test_it_keeps_files_in_the_tests_own_media_root(media_root: Path, settings: Any) -> None:
    from django.core.files.storage import default_storage

    assert Path(default_storage.location) == media_root
    assert Path(settings.MEDIA_ROOT) == media_root


def _bomb_png(width: int, height: int) -> bytes:
    """A PNG header claiming ``width`` × ``height`` pixels, with almost no data (74 bytes)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (9_000, 9_000)])
def test_an_image_claiming_too_many_pixels_is_refused_and_nothing_is_stored(
    draft: Any, applicant: Any, media_root: Path, width: int, height: int
) -> None:
    bomb = SimpleUploadedFile("photo.png", _bomb_png(width, height), "image/png")
    assert bomb.size < 100
    with pytest.raises(ValidationFailed) as caught:
        actions.upload_document(draft, applicant, "id-card", bomb)
    assert "ภาพ" in str(caught.value.message)  # says it is about the image, in Thai
    assert not EvidenceFile.objects.exists()
    assert _files(media_root) == []


def test_a_large_but_real_photo_is_accepted(draft: Any, applicant: Any) -> None:
    photo = SimpleUploadedFile("photo.png", png_bytes((4000, 3000)), "image/png")
    assert actions.upload_document(draft, applicant, "id-card", photo).content_type == "image/png"


@pytest.mark.parametrize("kind", sorted(__import__("tests.factories").factories.HOSTILE_PDFS))
def test_a_pdf_with_active_content_is_refused_and_nothing_is_stored(
    draft: Any, applicant: Any, media_root: Path, kind: str
) -> None:
    from tests.factories import HOSTILE_PDFS

    upload = SimpleUploadedFile("id.pdf", pdf_bytes(objects=HOSTILE_PDFS[kind]), "application/pdf")
    with pytest.raises(ValidationFailed) as caught:
        actions.upload_document(draft, applicant, "id-card", upload)
    assert "PDF" in str(caught.value.message)
    assert not EvidenceFile.objects.exists()
    assert _files(media_root) == []


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (
            "HTML between a PDF header and an end marker",
            b"%PDF-1.4\n<html><script>x</script></html>\n%%EOF\n",
        ),
        ("no cross-reference table", b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n"),
    ],
)
def test_a_pdf_that_does_not_parse_is_refused(
    draft: Any, applicant: Any, media_root: Path, kind: str, data: bytes
) -> None:
    with pytest.raises(ValidationFailed):
        actions.upload_document(draft, applicant, "id-card", SimpleUploadedFile("id.pdf", data))
    assert not EvidenceFile.objects.exists()


def test_a_password_protected_pdf_is_refused(draft: Any, applicant: Any) -> None:
    import io

    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    writer.encrypt("owner", "user")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationFailed) as caught:
        actions.upload_document(
            draft, applicant, "id-card", SimpleUploadedFile("id.pdf", out.getvalue())
        )
    assert "รหัสผ่าน" in str(caught.value.message)


def test_a_pdf_with_a_link_and_a_demo_scan_are_accepted(draft: Any, applicant: Any) -> None:
    from eservice.demo.fakes import demo_pdf

    linked = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A << /S /URI /URI (https://www.dopa.go.th/) >> >>",
    ]
    for upload in (SimpleUploadedFile("a.pdf", pdf_bytes(objects=linked)), demo_pdf("scan")):
        actions.upload_document(draft, applicant, "id-card", upload)
    assert EvidenceFile.objects.filter(application=draft).count() == 2
