"""Tell people that something happened: an in-app notification and an e-mail.

Each kind of notice is declared once, by the app it belongs to, with a one-line e-mail subject
and a body, both translatable with ``%(name)s`` placeholders::

    SUBMITTED = NoticeKind(
        "application.submitted",
        subject=_("Application %(ref)s submitted"),
        body=_("%(org)s submitted application %(ref)s."),
    )
    notify(staff, SUBMITTED, params={"ref": app.reference, "org": org_name(org)}, link=url)

The row stores the kind and the parameters, not a sentence: it is rendered in the **reader's**
language — the page's language in the inbox, ``User.language`` in the e-mail. A parameter that
has a Chinese and an English form (an organisation's name) is given as :func:`bilingual`.

Services call :func:`notify` inside their transaction; the rows are written with the change and
the e-mails are queued with ``transaction.on_commit``, so a rolled-back action sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise

from .models import WORKING_LANGUAGE, Notification

log = logging.getLogger(__name__)

#: Longest e-mail subject we send (RFC 5322 recommends 78 characters per header line).
SUBJECT_MAX = 120
#: Longest value of one parameter: a notice points to the page; it does not carry a dossier.
PARAM_MAX = 2000

_kinds: dict[str, NoticeKind] = {}


@dataclass(frozen=True)
class NoticeKind:
    """One kind of notice: its key (stored on each row), e-mail subject and body."""

    key: str
    subject: Promise
    body: Promise

    def __post_init__(self):
        if self.key in _kinds and _kinds[self.key] != self:
            raise ValueError(f"notice kind {self.key!r} is declared twice")
        _kinds[self.key] = self


def bilingual(zh: str, en: str = "") -> dict[str, str]:
    """A parameter with a Chinese and an English form; English falls back to Chinese."""
    return {"zh-hans": zh or "", "en": en or zh or ""}


class _Params(dict):
    """Missing placeholders render empty rather than failing a page or an e-mail."""

    def __missing__(self, key):
        return ""


def _param(value, language: str) -> str:
    if isinstance(value, Mapping):
        return str(value.get(language) or value.get(WORKING_LANGUAGE) or "")
    return str(value)


def one_line(text: str, limit: int = SUBJECT_MAX) -> str:
    """Collapse whitespace (line breaks included) so the text is safe as a mail header."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def render(kind_key: str, params: Mapping | None, language: str | None = None) -> tuple[str, str]:
    """``(subject, body)`` of a notice in ``language`` (default: the active language)."""
    kind = _kinds.get(kind_key)
    if kind is None:
        raise LookupError(kind_key)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        values = _Params({k: _param(v, language) for k, v in (params or {}).items()})
        return one_line(str(kind.subject) % values), str(kind.body) % values


def _clean_params(params: Mapping | None) -> dict:
    cleaned = {}
    for key, value in (params or {}).items():
        if isinstance(value, Mapping):
            cleaned[key] = {lang: str(v)[:PARAM_MAX] for lang, v in value.items()}
        else:
            cleaned[key] = str(value)[:PARAM_MAX]
    return cleaned


def notify(
    recipients: Iterable,
    kind: NoticeKind,
    *,
    params: Mapping | None = None,
    link: str = "",
    email: bool = True,
) -> list[Notification]:
    """Record a notification of ``kind`` per recipient and queue their e-mails after commit.

    ``email=False`` keeps it in the inbox only, for a notice whose news the caller already
    e-mails another way (an invitation: the e-mail carries the one-time link).
    """
    if not isinstance(kind, NoticeKind):
        raise TypeError("notify() takes a NoticeKind declared by the app")
    params = _clean_params(params)
    # The working-language text is kept on the row for staff searching the admin.
    _, text = render(kind.key, params, WORKING_LANGUAGE)
    rows = Notification.objects.bulk_create(
        [
            Notification(recipient=u, kind=kind.key, params=params, message=text[:500], link=link)
            for u in {*recipients}
        ]
    )
    for row in rows:
        if row.pk is None:  # only backends without RETURNING; all ours return ids
            raise RuntimeError("bulk_create returned no ids")
        if email:
            transaction.on_commit(lambda pk=row.pk: _queue_email(pk))
    return rows


def _queue_email(pk: int) -> None:
    """Queue the e-mail; a broker outage must not turn a committed action into an error page."""
    from .tasks import send_notification_email

    try:
        send_notification_email.delay(pk)
    except Exception:  # the notification row exists; the e-mail can be re-sent later
        log.exception("could not queue the e-mail of notification %s", pk)


def email_on_commit(*, to: str, subject: str, body: str) -> None:
    """E-mail ``to`` once the current transaction commits (nothing if it rolls back).

    For an address rather than an account (no inbox row): the caller renders ``subject`` and
    ``body`` in the recipient's language. The subject is made one line when it is sent.
    """

    def queue():
        from .tasks import send_email

        try:
            send_email.delay(to, str(subject), str(body))
        except Exception:  # the action is committed; a broker outage must not make it a 500
            log.exception("could not queue an e-mail (%s)", one_line(subject))

    transaction.on_commit(queue)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()
