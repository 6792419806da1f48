"""Suspension, reinstatement, withdrawal and expiry (§5): the certificate's state machine.

Each runs one transition through ``run_transition`` (permission, log, history), writes a
:class:`StatusChange` (ground, period, dates — the row of the regulator report, §5.3) and, for
suspension, reinstatement and withdrawal, sends the "服务认证证书和标志变化通知" notice (portal,
e-mail, and a PDF rendered after the commit and stored).
"""

from __future__ import annotations

import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.notices import org_name
from applications.selectors import organization_members
from cesi_cert import deadlines, events
from cesi_cert.errors import conflict, forbidden, invalid
from cesi_cert.models import Deadline
from cesi_cert.notifications import notify
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import SYSTEM, begin, lock, run_transition

from .. import deadlines as certificate_deadlines
from .. import notices, permissions, signals
from ..grounds import ON_REQUEST, UNTIL_LICENCE_DECISION, SuspensionGround, WithdrawalGround
from ..models import Certificate, StatusChange

log = logging.getLogger(__name__)

#: The reason the system gives when the validity runs out (the history's change reason).
EXPIRED_BY_SWEEP = "certificates.expiry"


def _text(value) -> str:
    return (value or "").strip()


def max_suspension_end(on: datetime.date) -> datetime.date:
    """§5.1.3: at most ``SUSPENSION_MAX_MONTHS`` calendar months."""
    return on + relativedelta(months=settings.SUSPENSION_MAX_MONTHS)


def _record(cert: Certificate, kind: str, *, by, **fields) -> StatusChange:
    change = StatusChange(
        certificate=cert, kind=kind, created_by=None if by is SYSTEM else by, **fields
    )
    change._history_user = None if by is SYSTEM else by
    change.save()
    return change


_CONSEQUENCES = {
    # §5.1.2: no claim of certified status and no mark while suspended.
    StatusChange.Kind.SUSPENSION: _(
        "While suspended, the organisation may not present itself as certified or use the "
        "certification mark."
    ),
    StatusChange.Kind.REINSTATEMENT: _("The certificate is valid again."),
    # §5.2.2: every use of the certification stops; the documents come back.
    StatusChange.Kind.WITHDRAWAL: _(
        "Every use of the certification must stop; return all certificate documents to the "
        "certification body."
    ),
}


def _announce(change: StatusChange) -> None:
    """The "服务认证证书和标志变化通知": inbox and e-mail to the organisation's members and the
    CB's staff; the PDF is rendered after the commit."""

    cert = change.certificate
    members = organization_members(cert.organization)
    ground = change.ground_label()
    params = {
        "number": cert.number,
        "org": org_name(cert.organization),
        "change": change.get_kind_display(),
        "on": change.effective_on.isoformat(),
        "ground": ground,
        "consequence": _CONSEQUENCES.get(change.kind, ""),
    }
    notify(members, notices.STATUS_CHANGED, params=params, link=cert.get_absolute_url())
    staff = users_with_role(Role.CUSTOMER_SERVICE)
    from django.urls import reverse

    notify(
        staff,
        notices.STATUS_CHANGED,
        params=params,
        link=reverse("admin:certificates_certificate_change", args=[cert.pk]),
        email=False,
    )
    queue_notice_rendering(change)


@transaction.atomic
def certificate_suspend(
    *,
    certificate: Certificate,
    by,
    ground: str,
    reason: str,
    until: datetime.date | None = None,
    on: datetime.date | None = None,
) -> Certificate:
    """§5.1.1: suspend on ground a–m for a period of at most 6 months (§5.1.3); on ground f
    the period runs until the licensing authority decides (no end date)."""
    cert = begin(certificate, "suspend", by)
    if ground not in SuspensionGround.values:
        raise invalid("ground", _("Choose a ground of §5.1.1."))
    reason = _text(reason)
    if not reason:
        raise invalid("reason", _("Say what was found (§5.1.1: after investigation)."))
    on = on or timezone.localdate()
    until_decision = ground == UNTIL_LICENCE_DECISION
    if until_decision:
        until = None
    else:
        longest = max_suspension_end(on)
        until = until or longest
        if until <= on:
            raise invalid("until", _("The suspension ends after it starts."))
        if until > longest:
            raise invalid(
                "until",
                _("A suspension lasts at most %(months)s months (§5.1.3): until %(date)s at most.")
                % {"months": settings.SUSPENSION_MAX_MONTHS, "date": longest.isoformat()},
            )
    run_transition(cert, "suspend", by=by, reason=reason, ground=ground, on=on, until=until)
    change = _record(
        cert,
        StatusChange.Kind.SUSPENSION,
        by=by,
        ground=ground,
        effective_on=on,
        suspended_until=until,
        until_licence_decision=until_decision,
        reason=reason,
    )
    certificate_deadlines.track_suspension(cert)
    _announce(change)
    return cert


@transaction.atomic
def certificate_reinstate(*, certificate: Certificate, by, reason: str) -> Certificate:
    """§5.1.4: the organisation corrected within the period and the correction is verified."""
    cert = begin(certificate, "reinstate", by)
    reason = _text(reason)
    if not reason:
        raise invalid("reason", _("Say how the correction was verified (§5.1.4)."))
    run_transition(cert, "reinstate", by=by, reason=reason)
    deadlines.close(cert, certificate_deadlines.SUSPENSION_END)
    change = _record(
        cert,
        StatusChange.Kind.REINSTATEMENT,
        by=by,
        effective_on=timezone.localdate(),
        reason=reason,
    )
    _announce(change)
    return cert


def suspension_running(cert: Certificate, on: datetime.date) -> bool:
    """Whether the suspension period has not ended yet (ground f: until the licence decision)."""
    if cert.state != Certificate.State.SUSPENDED:
        return False
    return cert.suspended_until is None or cert.suspended_until >= on


@transaction.atomic
def certificate_withdraw(
    *,
    certificate: Certificate,
    by,
    ground: str,
    reason: str,
    consent: str = "",
    on: datetime.date | None = None,
) -> Certificate:
    """§5.2.1: withdraw on ground a–k (k: at the organisation's request). A suspended
    certificate is withdrawn before its period ends only with the organisation's recorded
    consent (§5.1.4). The organisation is asked to return the certificate documents (§5.2.2)."""
    cert = begin(certificate, "withdraw", by)
    if ground not in WithdrawalGround.values:
        raise invalid("ground", _("Choose a ground of §5.2.1."))
    reason = _text(reason)
    if not reason:
        raise invalid("reason", _("Say what was found (§5.2.1: after investigation)."))
    on = on or timezone.localdate()
    consent = _text(consent)
    if suspension_running(cert, on) and ground != ON_REQUEST and not consent:
        raise invalid(
            "consent",
            _(
                "The suspension period has not ended: record the organisation's consent to the "
                "withdrawal (§5.1.4)."
            ),
        )
    run_transition(cert, "withdraw", by=by, reason=reason, ground=ground, on=on)
    deadlines.close(cert, outcome=Deadline.Outcome.CANCELLED)  # nothing more is owed
    change = _record(
        cert,
        StatusChange.Kind.WITHDRAWAL,
        by=by,
        ground=ground,
        effective_on=on,
        reason=reason,
        organization_consent=consent,
    )
    _announce(change)
    events.send_on_commit(signals.certificate_ended, sender=Certificate, certificate=cert)
    return cert


@transaction.atomic
def certificate_expire(*, certificate: Certificate, by=SYSTEM, reason: str = EXPIRED_BY_SWEEP):
    """The validity has run out: the certificate expires (the system's sweep acts)."""
    cert = lock(certificate)
    if cert.state == Certificate.State.EXPIRED:
        return cert  # a second run of the sweep changes nothing
    run_transition(cert, "expire", by=by, reason=reason)
    deadlines.close(cert)  # not renewed in time (§3.5)
    _record(
        cert,
        StatusChange.Kind.EXPIRY,
        by=by,
        effective_on=cert.expires_on + datetime.timedelta(days=1),
        reason=reason,
    )
    events.send_on_commit(signals.certificate_ended, sender=Certificate, certificate=cert)
    return cert


@transaction.atomic
def status_change_documents_returned(
    *, status_change: StatusChange, by, returned_on: datetime.date | None = None
) -> StatusChange:
    """§5.2.2: the withdrawn certificate's documents came back to the CB."""
    if not permissions.can_manage(by):
        raise forbidden(_("Only the certification body's staff record returned documents."))
    change = lock(status_change)
    if change.kind != StatusChange.Kind.WITHDRAWAL:
        raise conflict(_("Documents are returned only after a withdrawal."))
    if change.documents_returned_on:
        raise conflict(_("The return of the documents is already recorded."))
    returned_on = returned_on or timezone.localdate()
    if returned_on < change.effective_on:
        raise invalid("returned_on", _("The documents come back after the withdrawal."))
    if returned_on > timezone.localdate():
        raise invalid("returned_on", _("Give a date that is not in the future."))
    change.documents_returned_on = returned_on
    change._history_user = by
    change._change_reason = "documents returned"
    change.save(update_fields=["documents_returned_on"])
    return change


# --- the notice PDF ------------------------------------------------------------------------


@transaction.atomic
def status_change_store_notice(*, status_change: StatusChange) -> bool:
    """Render and store the notice PDF; ``False`` if already stored or not a noticed kind."""
    from ..documents import notice_pdf

    change = (
        StatusChange.objects.select_for_update(of=("self",))
        .select_related("certificate__current_version")
        .get(pk=status_change.pk)
    )
    if change.notice_pdf or change.kind == StatusChange.Kind.EXPIRY:
        return False
    name = f"{change.certificate.number}-{change.kind}-{change.pk}.pdf"
    change.notice_pdf.save(name, ContentFile(notice_pdf(change)), save=False)
    change._history_user = None
    change._change_reason = "notice rendered"
    change.save(update_fields=["notice_pdf"])
    return True


def queue_notice_rendering(change: StatusChange) -> None:
    def queue():
        from ..tasks import store_status_notice

        try:
            store_status_notice.delay(change.pk)
        except Exception:
            log.exception("could not queue the notice of status change %s", change.pk)

    transaction.on_commit(queue)
