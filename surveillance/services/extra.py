"""§3.4.2 special cases: an extra surveillance evaluation outside the 12-month cycles.

"如有特殊情况或在法律、法规要求下，将增加监督审查频次" — 认证业务部 adds one to a certificate for a
reason (a complaint, a notification, a regulator's request) and a due day. It is opened through
the evaluations services exactly as a cycle's (``evaluation_open_for_surveillance``), recorded as
an :class:`ExtraSurveillance` (the cycles are untouched) and tracked on the deadline engine until
a grant on that evaluation closes it.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cesi_cert import deadlines
from cesi_cert.errors import conflict, forbidden, invalid_fields

from .. import deadlines as surveillance_deadlines
from .. import permissions
from ..models import ExtraSurveillance
from .cycles import HELD_STATES, _certificate_sites

EXTRA = "surveillance.extra"


@transaction.atomic
def surveillance_add_extra(*, certificate, by, reason: str, due_on) -> ExtraSurveillance:
    """Add an extra surveillance evaluation to a valid or suspended certificate (§3.4.2)."""
    from certificates.models import Certificate
    from evaluations.services import evaluation_open_for_surveillance

    if not permissions.can_manage_requirements(by):
        raise forbidden(_("Your role cannot add a surveillance."))
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why an extra surveillance is needed.")]
    if due_on is None:
        errors["due_on"] = [_("Give the day it is due by.")]
    elif due_on < timezone.localdate():
        errors["due_on"] = [_("Give a day that is not in the past.")]
    if errors:
        raise invalid_fields(errors)
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.state not in HELD_STATES:
        raise conflict(
            _("Certificate %(number)s is “%(state)s”: it is no longer under surveillance.")
            % {"number": cert.number, "state": cert.get_state_display()}
        )
    evaluation = evaluation_open_for_surveillance(
        organization=cert.organization,
        scheme=cert.scheme,
        sites=_certificate_sites(cert),
        by=by,
        reason=f"{EXTRA} {cert.number}: {reason}"[:100],
    )
    extra = ExtraSurveillance(
        certificate=cert, evaluation=evaluation, reason=reason, due_on=due_on, requested_by=by
    )
    extra._history_user = by
    extra._change_reason = EXTRA
    extra.save()
    deadlines.track(
        extra,
        surveillance_deadlines.EXTRA_DUE,
        deadlines.end_of(due_on),
        organization_id=cert.organization_id,
        params={"certificate": cert.number, "until": f"{due_on:%Y-%m-%d}"},
        portal_link=reverse("portal:certificate", args=[cert.pk]),
        staff_link=reverse("admin:surveillance_extrasurveillance_change", args=[extra.pk]),
    )
    return extra


def on_extra_granted(decision) -> None:
    """A grant on an extra surveillance's evaluation meets its deadline."""
    extra = ExtraSurveillance.objects.filter(evaluation_id=decision.evaluation_id).first()
    if extra is not None:
        deadlines.close(extra, surveillance_deadlines.EXTRA_DUE)
