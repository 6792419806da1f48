"""Tell people that something happened: an in-app notification and an e-mail.

Services call :func:`notify` inside their transaction; the rows are written with the change and
the e-mails are queued with ``transaction.on_commit`` so a rolled-back action sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import translation

from .models import Notification

log = logging.getLogger(__name__)


def notify(
    recipients: Iterable, message: str, *, params: dict | None = None, link: str = ""
) -> list[Notification]:
    """Record a notification per recipient and queue their e-mails after commit.

    ``message`` is a lazy translation with ``%(name)s`` placeholders filled from ``params``; both
    are rendered in Simplified Chinese (the certification body's working language), whatever
    language the person who triggered it uses.
    """
    with translation.override("zh-hans"):
        text = str(message)
        if params:
            text = text % {k: str(v) for k, v in params.items()}
    rows = Notification.objects.bulk_create(
        [Notification(recipient=u, message=text[:500], link=link) for u in {*recipients}]
    )
    ids = [n.pk for n in rows if n.pk]
    if not ids:  # backends without RETURNING give no ids; look them up
        ids = list(
            Notification.objects.filter(message=text[:500], link=link, read_at=None)
            .order_by("-pk")
            .values_list("pk", flat=True)[: len(rows)]
        )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: _queue_email(pk))
    return rows


def _queue_email(pk: int) -> None:
    """Queue the e-mail; a broker outage must not turn a committed action into an error page."""
    from .tasks import send_notification_email

    try:
        send_notification_email.delay(pk)
    except Exception:  # the notification row exists; the e-mail can be re-sent later
        log.exception("could not queue the e-mail of notification %s", pk)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()
