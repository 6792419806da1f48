"""Surveillance cycles (§3.4.2): the only writers of :class:`SurveillanceCycle`.

Everything here is the system's: a new certificate opens cycle 1 (``certificate_issued``), a
sweep opens the surveillance evaluation ``SURVEILLANCE_OPEN_AHEAD_DAYS`` before a cycle ends, a
granted decision on that evaluation satisfies the cycle and opens the next one
(``decision_made``), and a sweep marks a cycle whose end passed unsatisfied as missed and opens
a case proposing suspension on ground a of §5.1.1 (the seed asks for an investigation first, so
nothing is suspended here).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cesi_cert import deadlines
from cesi_cert.db import unique_violation
from cesi_cert.transitions import SYSTEM, lock, run_transition

from .. import deadlines as surveillance_deadlines
from ..models import Case, SurveillanceCycle
from .cases import case_open

OPEN_SWEEP = "surveillance.open_evaluations"
MISSED_SWEEP = "surveillance.cycles_missed"
ON_ISSUE = "certificates.certificate_issued"
ON_GRANT = "certificates.decision_made"
ON_END = "certificates.certificate_ended"

#: Certificates whose cycles run (a withdrawn or expired one has its open cycle cancelled).
HELD_STATES = ("active", "suspended")


def _track(cycle: SurveillanceCycle) -> None:
    certificate = cycle.certificate
    deadlines.track(
        cycle,
        surveillance_deadlines.CYCLE_DUE,
        deadlines.end_of(cycle.ends_on),
        organization_id=certificate.organization_id,
        params={
            "number": str(cycle.number),
            "certificate": certificate.number,
            "until": f"{cycle.ends_on:%Y-%m-%d}",
        },
        portal_link=reverse("portal:certificate", args=[certificate.pk]),
        staff_link=reverse("admin:surveillance_surveillancecycle_change", args=[cycle.pk]),
    )


@transaction.atomic
def cycle_ensure(*, certificate, number: int, reason: str) -> SurveillanceCycle | None:
    """Create cycle ``number`` of ``certificate`` and track its deadline (the system acts).

    Idempotent: the database's ``one_cycle_per_certificate_and_number`` decides, so a repeated
    event creates nothing. Returns ``None`` when nothing was created: the cycle exists, the
    certificate is no longer held, or the cycle is the last one before expiry, which is
    combined with the recertification (§7.2 e) and gets no surveillance.
    """
    if certificate.state not in HELD_STATES:
        return None
    starts_on, ends_on = surveillance_deadlines.cycle_bounds(certificate.first_issued_on, number)
    if surveillance_deadlines.combined_with_recertification(ends_on, certificate.expires_on):
        return None
    cycle = SurveillanceCycle(
        certificate=certificate, number=number, starts_on=starts_on, ends_on=ends_on
    )
    cycle._history_user = None
    cycle._change_reason = reason[:100]
    try:
        with transaction.atomic():
            cycle.save()
    except IntegrityError as exc:
        if unique_violation(exc, SurveillanceCycle, "one_cycle_per_certificate_and_number"):
            return None
        raise
    _track(cycle)
    return cycle


def on_certificate_issued(sender, certificate, **kwargs) -> None:
    """Receiver of ``certificates.signals.certificate_issued``: cycle 1 starts (§3.4.2)."""
    cycle_ensure(certificate=certificate, number=1, reason=ON_ISSUE)


ON_RENEWAL = "certificates.certificate_renewed"


def on_certificate_renewed(sender, certificate, previous_expires_on=None, **kwargs) -> None:
    """Receiver of ``certificates.signals.certificate_renewed``: the recertification covered the
    last cycle of the old period (§7.2 e); the first cycle of the new period starts (§3.4.2).

    Cycles keep counting from the first issue date, so the new period's first cycle is the
    first one that starts after the old expiry; ``cycle_ensure`` makes a repeated event a no-op.
    """
    if previous_expires_on is None:
        return
    number = 1
    while True:
        starts_on, _ends_on = surveillance_deadlines.cycle_bounds(
            certificate.first_issued_on, number
        )
        if starts_on > previous_expires_on:
            break
        number += 1
    cycle_ensure(certificate=certificate, number=number, reason=ON_RENEWAL)


# --- the evaluation of a cycle --------------------------------------------------------------


def _certificate_sites(certificate):
    """The sites of the certificate's current version as printed (an extension adds sites, a
    reduction removes some; a name change keeps them)."""
    from applications.models import Site

    version = certificate.current_version
    ids = [s["site"] for s in version.sites] if version else []
    return list(Site.objects.filter(pk__in=ids))


def cycles_to_evaluate(as_of):
    """Open cycles without an evaluation ending within the horizon (the partial index
    ``cycle_open_ends``). No join on the certificate's state: the planner cannot tell how few
    open cycles end soon and would read every certificate; the action checks the certificate
    is still held, and the missed sweep (which runs first) cancels the cycles of those not."""
    horizon = timezone.localdate(as_of) + datetime.timedelta(
        days=settings.SURVEILLANCE_OPEN_AHEAD_DAYS
    )
    return (
        SurveillanceCycle.objects.filter(
            state=SurveillanceCycle.State.OPEN, evaluation__isnull=True, ends_on__lte=horizon
        )
        .order_by("ends_on", "pk")
        .values_list("pk", flat=True)
    )


def cycle_open_evaluation(pk: int, as_of) -> bool:
    """Open the surveillance evaluation of cycle ``pk`` for planning and link it (once)."""
    from evaluations.services import evaluation_open_for_surveillance

    with transaction.atomic():
        cycle = lock(SurveillanceCycle.objects.get(pk=pk))
        if cycle.evaluation_id or cycle.state != SurveillanceCycle.State.OPEN:
            return False  # a second run, or closed meanwhile
        certificate = cycle.certificate
        if certificate.state not in HELD_STATES:
            return False  # withdrawn or expired: the missed sweep cancels the cycle
        evaluation = evaluation_open_for_surveillance(
            organization=certificate.organization,
            scheme=certificate.scheme,
            sites=_certificate_sites(certificate),
            by=SYSTEM,
            reason=f"{OPEN_SWEEP} {certificate.number} #{cycle.number}",
        )
        cycle.evaluation = evaluation
        cycle._history_user = None
        cycle._change_reason = OPEN_SWEEP
        cycle.save()
    return True


def on_decision_made(sender, decision, **kwargs) -> None:
    """Receiver of ``certificates.signals.decision_made``: a grant on a cycle's surveillance
    evaluation satisfies the cycle and opens the next one."""
    if decision.state != "granted" or not decision.evaluation_id:
        return
    from .extra import on_extra_granted

    on_extra_granted(decision)
    with transaction.atomic():
        cycle = (
            SurveillanceCycle.objects.select_for_update()
            .filter(evaluation_id=decision.evaluation_id, state=SurveillanceCycle.State.OPEN)
            .select_related("certificate")
            .first()
        )
        if cycle is None:
            return
        run_transition(
            cycle,
            "satisfy",
            by=SYSTEM,
            reason=f"{ON_GRANT} {decision.reference}"[:100],
            on=timezone.localdate(),
        )
        deadlines.close(cycle, surveillance_deadlines.CYCLE_DUE)
        cycle_ensure(certificate=cycle.certificate, number=cycle.number + 1, reason=ON_GRANT)


# --- the missed sweep -------------------------------------------------------------------------


def cycles_missed_due(as_of):
    """Open cycles whose last day is before ``as_of``'s day (the partial index
    ``cycle_open_ends``). A cycle of a certificate withdrawn or expired meanwhile is cancelled
    when that happens (``on_certificate_ended``); should that have failed, this sweep cancels
    it at the cycle's end (``cycle_close_missed`` checks the certificate)."""
    day = timezone.localdate(as_of)
    return (
        SurveillanceCycle.objects.filter(state=SurveillanceCycle.State.OPEN, ends_on__lt=day)
        .order_by("ends_on", "pk")
        .values_list("pk", flat=True)
    )


def on_certificate_ended(sender, certificate, **kwargs) -> None:
    """Receiver of ``certificates.signals.certificate_ended``: nothing more is owed on a
    withdrawn or expired certificate — its open cycles are cancelled (as the system)."""
    now = timezone.now()
    for pk in SurveillanceCycle.objects.filter(
        certificate=certificate, state=SurveillanceCycle.State.OPEN
    ).values_list("pk", flat=True):
        cycle_close_missed(pk, now, reason=ON_END)


def cycle_close_missed(pk: int, as_of, reason: str = MISSED_SWEEP) -> bool:
    """Missed: the cycle's end passed without a granted surveillance → a case proposing
    suspension on ground a of §5.1.1, for the investigation the seed asks for first. A cycle
    of a withdrawn or expired certificate is cancelled instead (nothing is owed any more)."""
    from cesi_cert.models import Deadline

    with transaction.atomic():
        cycle = lock(SurveillanceCycle.objects.get(pk=pk))
        if cycle.state != SurveillanceCycle.State.OPEN:
            return False
        certificate = cycle.certificate
        if certificate.state not in HELD_STATES:
            run_transition(cycle, "cancel", by=SYSTEM, reason=reason, on=timezone.localdate(as_of))
            deadlines.close(
                cycle, surveillance_deadlines.CYCLE_DUE, outcome=Deadline.Outcome.CANCELLED
            )
            return True
        run_transition(cycle, "miss", by=SYSTEM, reason=MISSED_SWEEP, on=timezone.localdate(as_of))
        deadlines.close(cycle, surveillance_deadlines.CYCLE_DUE, at=as_of)
        case_open(
            organization=certificate.organization,
            certificate=certificate,
            by=SYSTEM,
            proposal=Case.Proposal.SUSPENSION,
            ground=Case.Ground.A,
            sweep=MISSED_SWEEP,
            note=(
                f"证书 {certificate.number} 第 {cycle.number} 个监督周期至 "
                f"{cycle.ends_on:%Y-%m-%d} 届满，未完成监督评价（§3.4.2、§5.1.1 a），"
                "请先调查再决定是否暂停。"
            ),
        )
    return True
