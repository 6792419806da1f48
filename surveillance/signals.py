"""Signals surveillance sends to the apps downstream of it, or to the lead's glue code.

``case_accepted`` — sent after the transaction that accepted a
:class:`~surveillance.models.Case` commits (``transaction.on_commit``), with ``case``. The action
on the certificate itself (suspension, withdrawal) is already done by then, in the same
transaction as the acceptance (:func:`surveillance.services.case_accept` calls the certificate
services); a receiver only follows up (a report, a message elsewhere).
"""

from django.dispatch import Signal

case_accepted = Signal()  # kwargs: case
