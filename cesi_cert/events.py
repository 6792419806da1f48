"""Cross-app events: an upstream app announces a fact; downstream apps react without being
imported by it (ARCHITECTURE "The kernel's extension points").

An upstream app declares its signals in ``<app>/signals.py`` and its services send them with
:func:`send_on_commit`, so a receiver runs only once the fact is committed — never for an action
that rolled back — and in its own transaction. A receiver that fails is logged and does not undo
the committed action or stop the other receivers. Downstream apps connect their receivers in
``AppConfig.ready()``; a receiver that changes state calls a service with ``by=SYSTEM`` and the
event's name as the reason.

Events sent today (the README's developer section lists them too):

======================================  ==========================================
``applications.signals.contract_signed``  sender ``Application``; ``application``, ``contract``
``applications.signals.application_withdrawn``  sender ``Application``; ``application``, ``by``
``evaluations.signals.report_submitted``  sender ``Evaluation``; ``evaluation``
``certificates.signals.decision_made``  sender ``Decision``; ``decision``
``certificates.signals.certificate_issued``  sender ``Certificate``; ``certificate`` (new only)
======================================  ==========================================
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)


def send_on_commit(signal: Signal, sender, **kwargs) -> None:
    """Send ``signal`` after the current transaction commits (at once outside a transaction)."""

    def fire():
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                log.error(
                    "receiver %r of %s failed",
                    receiver,
                    getattr(signal, "name", signal),
                    exc_info=(type(result), result, result.__traceback__),
                )

    transaction.on_commit(fire)


class Event(Signal):
    """A :class:`~django.dispatch.Signal` with a name, for logs and the README's list."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def __repr__(self):
        return f"<Event {self.name}>"
