"""The certification contract (§3.1.4) and its amendments."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cesi_cert.db import unique_violation
from cesi_cert.errors import forbidden, invalid
from cesi_cert.events import send_on_commit
from cesi_cert.notifications import notify
from cesi_cert.transitions import begin, lock, run_transition

from .. import notices, permissions, signals
from ..models import (
    Application,
    Contract,
    ContractAmendment,
)
from ._common import members
from .extension import supplemented_contract


def _check_money(man_days, fee_quote):
    if man_days is None or Decimal(man_days) <= 0:
        raise invalid("man_days", _("Man-days must be greater than zero."))
    if fee_quote is None or Decimal(fee_quote) < 0:
        raise invalid("fee_quote", _("The fee quote cannot be negative."))


@transaction.atomic
def application_sign_contract(
    *,
    application: Application,
    by,
    number: str = "",
    signed_on,
    man_days,
    fee_quote,
    notes: str = "",
) -> Application:
    """§3.1.4: record the signed certification contract; the application is then contracted."""
    app = begin(application, "sign_contract", by)
    _check_money(man_days, fee_quote)
    if signed_on and signed_on > timezone.localdate():
        raise invalid("signed_on", _("The signing date cannot be in the future."))
    number = (number or "").strip() or f"HT-{app.reference}"
    run_transition(
        app, "sign_contract", by=by, reason=_("Contract %(number)s") % {"number": number}
    )
    contract = Contract(
        application=app,
        number=number,
        signed_on=signed_on,
        man_days=man_days,
        fee_quote=fee_quote,
        notes=notes,
        signed_by=by,
        # §3.5.5.2 b: an extension's contract supplements the certificate's; its fee is the
        # extra fee.
        amends=supplemented_contract(app) if app.kind == Application.Kind.EXTENSION else None,
    )
    contract._history_user = by
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as exc:
        # The unique number decides, also between clerks signing at the same moment; the
        # transition above is undone with the rest of this transaction.
        if unique_violation(exc, Contract, "number"):
            raise invalid(
                "number", _("Contract number %(number)s is already used.") % {"number": number}
            ) from None
        raise
    notify(
        members(app.organization),
        notices.CONTRACT_SIGNED,
        params={"number": number, "ref": app.reference},
        link=app.get_absolute_url(),
    )
    send_on_commit(signals.contract_signed, sender=Application, application=app, contract=contract)
    return app


@transaction.atomic
def contract_amend(
    *, contract: Contract, by, signed_on, description: str, man_days, fee_quote
) -> ContractAmendment:
    """Record a signed amendment and bring the contract's man-days and fee up to date."""
    if not permissions.can_amend_contract(by, contract):
        raise forbidden()
    if not (description or "").strip():
        raise invalid("description", _("Describe what the amendment changes."))
    _check_money(man_days, fee_quote)
    contract = lock(contract)
    if signed_on < contract.signed_on:
        raise invalid("signed_on", _("An amendment cannot be signed before the contract."))
    sequence = (
        contract.amendments.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    ) + 1
    amendment = ContractAmendment.objects.create(
        contract=contract,
        sequence=sequence,
        signed_on=signed_on,
        description=description,
        man_days_before=contract.man_days,
        man_days_after=man_days,
        fee_quote_before=contract.fee_quote,
        fee_quote_after=fee_quote,
        created_by=by,
    )
    contract.man_days, contract.fee_quote = man_days, fee_quote
    contract._history_user = by
    contract._change_reason = f"amendment {sequence}"
    contract.save()
    return amendment
