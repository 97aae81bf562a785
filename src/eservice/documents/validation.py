"""Check uploads by their content, not their name or the browser's claim.

A PDF is parsed (pyHanko's reader) and refused if it does not parse, is
encrypted, or carries active content: JavaScript, actions that launch,
import, submit or play something, actions run on opening or on events, and
embedded files. An image's header must decode, and its size in pixels is
bounded before anything decodes the pixels (a 74-byte PNG may claim
20,000 × 20,000).
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from eservice.core.errors import ValidationFailed

ACCEPTED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# 64 megapixels: a phone camera's photo (12 to 50) fits, a decompression bomb does not.
MAX_PIXELS = 64_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, set deliberately
# Actions that run something other than moving within the document or opening a link.
ACTIVE_ACTIONS = frozenset(
    [
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/SubmitForm",
        "/GoToE",
        "/Rendition",
        "/RichMediaExecute",
        "/Sound",
        "/Movie",
    ]
)
ACTIVE_KEYS = frozenset(
    ["/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA", "/AA"]
)
MAX_PDF_OBJECTS = 200_000


def sniff(upload: UploadedFile) -> str:
    """Return the content type of an acceptable upload, or raise ValidationFailed.

    1. Refuse empty or oversized files.
    2. Identify the type from the file's first bytes (magic numbers).
    3. For images, decode the header to make sure it is really an image;
       for PDFs, require the end-of-file marker so truncated files are refused.
    """
    size = upload.size or 0
    if size == 0:
        raise ValidationFailed(_("The file is empty."))
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationFailed(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime not in ACCEPTED:
        raise ValidationFailed(_("Only PDF, JPEG and PNG files are accepted."))
    upload.seek(0)
    if mime == "application/pdf":
        _check_pdf(upload.read())
    else:
        _check_image(upload.read())
    upload.seek(0)
    return mime


def _check_image(data: bytes) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels()
                img.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationFailed(_("The image file is damaged.")) from exc


def _too_many_pixels() -> ValidationFailed:
    return ValidationFailed(
        _(
            "The image is too large: at most %(limit)s million pixels are accepted. "
            "Send a smaller photo or a scan."
        )
        % {"limit": MAX_PIXELS // 1_000_000}
    )


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF that does not parse, is encrypted, or carries active content."""
    if b"%%EOF" not in data[-2048:]:
        raise ValidationFailed(_("The PDF file is damaged or incomplete."))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise ValidationFailed(
                _("The PDF file is protected by a password. Send it without the password.")
            )
        found = _active_content(reader.root)
    except ValidationFailed:
        raise
    except (PdfError, ValueError, KeyError, TypeError, IndexError, RecursionError) as exc:
        raise ValidationFailed(_("The PDF file is damaged or incomplete.")) from exc
    if found:
        raise ValidationFailed(
            _(
                "The PDF file holds active content (%(what)s), which is not accepted. "
                "Print it to a new PDF, or scan the paper, and send that."
            )
            % {"what": found}
        )


def _active_content(root: Any) -> str:
    """What active content the document's objects hold (empty if none), by a walk from
    the catalog over every reachable object, each once."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, generic.IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(item, generic.DictionaryObject):
            for key in item:
                if key in ACTIVE_KEYS:
                    return key.lstrip("/")
            action = item.get("/S")
            if isinstance(action, generic.NameObject) and action in ACTIVE_ACTIONS:
                return action.lstrip("/")
            if item.get("/Type") == "/Filespec" and "/EF" in item:
                return "EmbeddedFile"
            stack.extend(item.raw_get(key) for key in item)
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item.raw_get(i) for i in range(len(item)))
    return ""
