"""Files sent with a notification: checked like every private upload."""

from __future__ import annotations

from cesi_cert.files import check_upload

from ..models import NoticeAttachment


def check_all(files, *, field: str = "attachments") -> list:
    """Check every file before anything is stored (one bad file refuses the whole form)."""
    return [(f, check_upload(f, field=field)) for f in files or ()]


def store_all(notice, checked, *, by) -> list[NoticeAttachment]:
    stored = []
    for upload, info in checked:
        upload.name = f"upload.{info.extension}"
        row = NoticeAttachment(
            notice=notice,
            file=upload,
            original_name=info.original_name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=by,
        )
        row._history_user = by
        row.save()
        stored.append(row)
    return stored
