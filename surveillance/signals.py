"""Signals surveillance sends to the apps downstream of it, or to the lead's glue code.

``case_accepted`` — THE HOOK FOR THE CERTIFICATE ACTION. Sent after the transaction that
accepted a :class:`~surveillance.models.Case` commits (``transaction.on_commit``), with
``case`` (the accepted case: ``organization``, ``proposal``, ``ground``, ``notice``, ``sweep``,
``decided_by``, ``decision_reason``). A receiver connected in an ``AppConfig.ready()`` takes the
action through the certificate services, e.g.::

    def on_case_accepted(sender, case, **kwargs):
        if case.proposal == Case.Proposal.SUSPENSION:
            certificate_suspend(certificate=…, by=case.decided_by, ground=case.ground, …)

Surveillance never imports ``certificates``; until a receiver is connected, accepting a case
records the decision only.
"""

from django.dispatch import Signal

case_accepted = Signal()  # kwargs: case
