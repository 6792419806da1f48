"""Private uploads: content-checked on the way in, streamed to allowed people on the way out.

Files are stored under ``PRIVATE_MEDIA_ROOT`` with random names (never the uploader's), and
only a view that has checked permission hands them out (:func:`serve_private_file`).
"""

from __future__ import annotations

import hashlib
import os
import time
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .errors import invalid
from .text import human_join


def private_storage() -> FileSystemStorage:
    """Storage outside every public URL (``base_url`` is deliberately unusable)."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url="/no-public-url/")


def _is_pdf(head: bytes, f) -> bool:
    return head.startswith(b"%PDF-")


def _is_png(head: bytes, f) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(head: bytes, f) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _zip_with(member_prefix: str):
    def check(head: bytes, f) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            f.seek(0)
            with zipfile.ZipFile(f) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return "[Content_Types].xml" in names and any(n.startswith(member_prefix) for n in names)

    return check


#: extension → (MIME type served back, content check)
ALLOWED_TYPES = {
    "pdf": ("application/pdf", _is_pdf),
    "png": ("image/png", _is_png),
    "jpg": ("image/jpeg", _is_jpeg),
    "jpeg": ("image/jpeg", _is_jpeg),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_with("word/"),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_with("xl/"),
    ),
}


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def safe_display_name(name: str) -> str:
    """The uploader's file name without any path, control characters or surprises."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    stem, ext = os.path.splitext(name)
    if len(name) > 150:
        name = stem[: 150 - len(ext)] + ext
    return name or "file"


def check_upload(upload, *, field: str = "file") -> CheckedUpload:
    """Validate an uploaded file by size, extension and actual content.

    Raises ``DomainError(field=field)`` with a message the uploader can act on.
    """
    if upload is None:
        raise invalid(field, _("Choose a file to upload."))
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise invalid(
            field,
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise invalid(field, _("The file is empty."))
    name = safe_display_name(upload.name)
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    allowed = human_join(sorted(ALLOWED_TYPES))
    if ext not in ALLOWED_TYPES:
        raise invalid(
            field,
            _("Files of type “.%(ext)s” are not accepted; use one of: %(allowed)s.")
            % {"ext": ext or "?", "allowed": allowed},
        )
    content_type, looks_right = ALLOWED_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    if not looks_right(head, upload):
        raise invalid(
            field,
            _("The content of “%(name)s” is not a real .%(ext)s file.")
            % {"name": name, "ext": ext},
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name, ext, content_type, upload.size, digest.hexdigest())


def random_name(folder: str, extension: str) -> str:
    """A stored name that reveals nothing and cannot collide or traverse."""
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def serve_private_file(fieldfile, *, download_name: str, content_type: str) -> FileResponse:
    """Stream a private file as an attachment (callers check permission first)."""
    response = FileResponse(
        fieldfile.open("rb"), as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- uploads kept across rounds of a form (issue 6 item 13) ---------------------------------

KEPT_FOLDER = "kept"
_KEPT_SALT = "cesi_cert.files.kept-upload"


def keep_upload(upload, *, by) -> str:
    """Keep a checked upload aside for the next round of a form that failed for another field.

    Returns a signed token for a hidden field: it names the kept file, its original name and the
    user, so it works only for the person who uploaded it and only for ``KEPT_UPLOAD_MAX_AGE``.
    The kept file is never anyone's evidence until a service stores it from
    :func:`kept_upload`; kept files past their age are removed as new ones are kept.
    """
    storage = private_storage()
    _remove_stale_kept(storage)
    original = safe_display_name(upload.name)
    ext = os.path.splitext(original)[1].lower().lstrip(".") or "bin"
    upload.seek(0)
    stored = storage.save(random_name(KEPT_FOLDER, ext), upload)
    upload.seek(0)
    return signing.dumps({"n": stored, "o": original, "u": by.pk}, salt=_KEPT_SALT)


def kept_upload(token: str, *, by) -> File | None:
    """The file kept by :func:`keep_upload` under ``token`` for ``by``, open for reading, named
    as uploaded; ``None`` if the token is forged, someone else's, too old or already used."""
    try:
        data = signing.loads(token, salt=_KEPT_SALT, max_age=settings.KEPT_UPLOAD_MAX_AGE)
    except signing.BadSignature:
        return None
    name = data.get("n", "")
    if data.get("u") != getattr(by, "pk", None) or not name.startswith(f"{KEPT_FOLDER}/"):
        return None
    storage = private_storage()
    if not storage.exists(name):
        return None
    kept = File(storage.open(name, "rb"), name=data.get("o") or "file")
    kept.kept_name = name  # the stored name, for discard_kept_upload
    return kept


def discard_kept_upload(kept: File) -> None:
    """Remove a kept file once a service has stored it (or it is no longer wanted)."""
    name = getattr(kept, "kept_name", "")
    kept.close()
    if name.startswith(f"{KEPT_FOLDER}/"):
        private_storage().delete(name)


def _remove_stale_kept(storage) -> None:
    if not storage.exists(KEPT_FOLDER):
        return
    cutoff = time.time() - settings.KEPT_UPLOAD_MAX_AGE
    for name in storage.listdir(KEPT_FOLDER)[1]:
        path = f"{KEPT_FOLDER}/{name}"
        try:
            if os.path.getmtime(storage.path(path)) < cutoff:
                storage.delete(path)
        except OSError:
            pass  # removed by a concurrent request


# --- photos (camera uploads) ---------------------------------------------------------------

#: Pillow's format name → (stored extension, MIME type served back).
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}


@dataclass(frozen=True)
class CheckedImage(CheckedUpload):
    width: int
    height: int


def check_image(upload, *, field: str = "photos") -> CheckedImage:
    """Validate a photo: size-capped, and really an image Pillow decodes (JPEG, PNG or WebP),
    whatever its name says — a renamed PDF or script is refused. Its type comes from its content,
    never from its name.

    Raises ``DomainError(field=field)`` with a message the uploader can act on.
    """
    from PIL import Image, UnidentifiedImageError

    if upload is None:
        raise invalid(field, _("Choose a photo."))
    name = safe_display_name(upload.name)
    limit = settings.IMAGE_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise invalid(
            field,
            _("The photo “%(name)s” is too large (%(size)s); the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise invalid(field, _("The file is empty."))
    not_an_image = invalid(
        field,
        _("“%(name)s” is not a photo: take a picture or choose a JPEG, PNG or WebP image.")
        % {"name": name},
    )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt, (width, height) = image.format, image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise invalid(
                    field,
                    _("The photo “%(name)s” has too many pixels (%(w)s × %(h)s).")
                    % {"name": name, "w": width, "h": height},
                )
            image.verify()  # reads the whole file: a truncated or forged image fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    if fmt not in IMAGE_FORMATS:
        raise not_an_image
    extension, content_type = IMAGE_FORMATS[fmt]
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedImage(
        name, extension, content_type, upload.size, digest.hexdigest(), width, height
    )
