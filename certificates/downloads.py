"""Serving the stored PDFs (certificate versions, notices) to whoever may read them: the
stored file, rendered once; a version whose worker has not rendered it yet is rendered and
stored by its first download, never again."""

from __future__ import annotations

from django.http import Http404

from cesi_cert.files import serve_private_file

from .documents import LANGUAGES
from .models import CertificateVersion, StatusChange
from .services import certificate_version_store_pdfs, status_change_store_notice


def version_pdf_response(version: CertificateVersion, language: str):
    """Raises :class:`cesi_cert.pdf.PdfUnavailable` when the PDF is missing and cannot be made."""
    if language not in LANGUAGES:
        raise Http404
    if not version.pdf(language):
        certificate_version_store_pdfs(version=version)
        version.refresh_from_db()
    suffix = "en" if language == "en" else "zh"
    return serve_private_file(
        version.pdf(language),
        download_name=f"{version.certificate.number}-v{version.sequence}-{suffix}.pdf",
        content_type="application/pdf",
    )


def notice_pdf_response(change: StatusChange):
    if change.kind == StatusChange.Kind.EXPIRY:
        raise Http404
    if not change.notice_pdf:
        status_change_store_notice(status_change=change)
        change.refresh_from_db()
    return serve_private_file(
        change.notice_pdf,
        download_name=f"{change.certificate.number}-{change.kind}-{change.pk}.pdf",
        content_type="application/pdf",
    )
