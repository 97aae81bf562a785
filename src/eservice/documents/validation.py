"""Check uploads by their content, not their name or the browser's claim."""

from __future__ import annotations

import io

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from eservice.core.errors import ValidationFailed

ACCEPTED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


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
        upload.seek(max(0, size - 2048))
        if b"%%EOF" not in upload.read():
            raise ValidationFailed(_("The PDF file is damaged or incomplete."))
    else:
        try:
            with Image.open(io.BytesIO(upload.read())) as img:
                img.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise ValidationFailed(_("The image file is damaged.")) from exc
    upload.seek(0)
    return mime
