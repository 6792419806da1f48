"""Celery tasks of certificates: thin wrappers over services."""

import logging

from celery import shared_task

from cesi_cert.pdf import PdfUnavailable

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def store_certificate_pdfs(version_id: int) -> bool:
    from .models import CertificateVersion
    from .services import certificate_version_store_pdfs

    version = CertificateVersion.objects.filter(pk=version_id).first()
    if version is None:
        return False
    try:
        return certificate_version_store_pdfs(version=version)
    except PdfUnavailable:  # the first download says what to install
        log.exception("the PDFs of certificate version %s cannot be made here", version_id)
        return False


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def store_status_notice(change_id: int) -> bool:
    from .models import StatusChange
    from .services import status_change_store_notice

    change = StatusChange.objects.filter(pk=change_id).first()
    if change is None:
        return False
    try:
        return status_change_store_notice(status_change=change)
    except PdfUnavailable:
        log.exception("the notice of status change %s cannot be made here", change_id)
        return False
