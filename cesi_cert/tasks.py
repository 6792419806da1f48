"""Celery tasks of the shared machinery: thin wrappers over plain functions."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.dateparse import parse_datetime

from . import deadlines
from .models import Notification
from .notifications import one_line


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to its recipient; a no-op without an address."""
    n = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if n is None or not n.recipient.email:
        return False
    # In the recipient's language; the subject is one line whatever the body holds.
    subject, body = n.rendered(n.recipient.language)
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{n.link}" if n.link else ""
    send_mail(
        subject=f"[{settings.CB_NAME}] {subject}",
        message=f"{body}{link}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[n.recipient.email],
    )
    return True


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(to: str, subject: str, body: str) -> bool:
    """Send one plain e-mail written by its caller (in the recipient's language) to ``to``.

    For messages that are not notices of an account: a sign-up confirmation, an invitation to an
    address that may have no account yet. See :func:`cesi_cert.notifications.email_on_commit`.
    """
    send_mail(
        subject=f"[{settings.CB_NAME}] {one_line(subject)}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
    )
    return True


@shared_task
def run_deadlines(as_of: str | None = None) -> dict:
    """Beat entry point: every registered deadline sweep, as of now or ``as_of``."""
    return deadlines.run_all(as_of=parse_datetime(as_of) if as_of else None)
