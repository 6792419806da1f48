"""Celery tasks of the certificates app: thin wrappers over services and plain functions."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage

from cesi_cert.models import Notification
from cesi_cert.pdf import PdfUnavailable

from .models import Decision


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_refusal_notice(notification_id: int, decision_id: int) -> bool:
    """E-mail the refusal notice (§3.3 书面告知) to one member of the organisation, in their
    language, with the stored PDF attached; a no-op without an address or a PDF."""
    n = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    decision = Decision.objects.filter(pk=decision_id).first()
    if n is None or not n.recipient.email or decision is None or not decision.refusal_notice_pdf:
        return False
    subject, body = n.rendered(n.recipient.language)
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{n.link}" if n.link else ""
    message = EmailMessage(
        subject=f"[{settings.CB_NAME}] {subject}",
        body=f"{body}{link}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[n.recipient.email],
    )
    with decision.refusal_notice_pdf.open("rb") as f:
        message.attach(f"{decision.reference}.pdf", f.read(), "application/pdf")
    message.send()
    return True


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
