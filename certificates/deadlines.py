"""The obligations of this app on the deadline engine (cesi_cert.deadlines): the committee's
decision within ``DECISION_DUE_DAYS`` of the report (§3.3), a certificate's validity (§3.5: the
recertification window opens 3 months before) and a suspension's end (§5.1.3–§5.1.4); and the
two mechanical sweeps: expiry, and withdrawal when a suspension ends without reinstatement."""

from __future__ import annotations

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.notices import org_name
from applications.selectors import deadline_organization_members
from cesi_cert import deadlines
from cesi_cert.roles import Role

DECISION_DUE = deadlines.DeadlineKind(
    "certificates.decision_due",
    _("Decide on evaluation %(ref)s of %(org)s (decision %(decision)s)"),
    owner=Role.TECHNICAL_COMMITTEE,
    visible_to_organization=False,
    remind_before=timedelta(days=7),
)


def track_decision(decision) -> None:
    ev = decision.evaluation
    deadlines.track(
        decision,
        DECISION_DUE,
        deadlines.end_of(decision.due_on),
        organization_id=decision.organization_id,
        params={
            "ref": ev.reference,
            "org": org_name(ev.organization),
            "decision": decision.reference,
        },
        staff_link=reverse("committee:decision", args=[decision.pk]),
    )


# §3.5: the recertification window opens 3 months before expiry; a reminder marks the opening
# and another follows every month until the certificate is renewed or expires.
CERTIFICATE_EXPIRY = deadlines.DeadlineKind(
    "certificates.expiry",
    _("Certificate %(number)s expires: apply for recertification before %(until)s"),
    owner=Role.CUSTOMER_SERVICE,
    remind_before=relativedelta(months=3),
    remind_every=relativedelta(months=1),
    organization_recipients=deadline_organization_members,
)
# §5.1.3–§5.1.4: at the end of the suspension without reinstatement the certificate is withdrawn;
# staff and the organisation are reminded 14 days before.
SUSPENSION_END = deadlines.DeadlineKind(
    "certificates.suspension_end",
    _("Certificate %(number)s is suspended until %(until)s: correct and be reinstated by then"),
    owner=Role.CERTIFICATION_BUSINESS,
    remind_before=timedelta(days=14),
    organization_recipients=deadline_organization_members,
)


def _params(certificate, until) -> dict:
    return {"number": certificate.number, "until": f"{until:%Y-%m-%d}"}


def track_certificate(certificate) -> None:
    """The validity's end (moved by a recertification, §3.5)."""
    deadlines.track(
        certificate,
        CERTIFICATE_EXPIRY,
        deadlines.end_of(certificate.expires_on),
        organization_id=certificate.organization_id,
        params=_params(certificate, certificate.expires_on),
        portal_link=reverse("portal:certificate", args=[certificate.pk]),
        staff_link=reverse("admin:certificates_certificate_change", args=[certificate.pk]),
    )


def track_suspension(certificate) -> None:
    """A suspension with an end date (ground f runs until the licence decision: no date)."""
    if certificate.suspended_until is None:
        return
    deadlines.track(
        certificate,
        SUSPENSION_END,
        deadlines.end_of(certificate.suspended_until),
        organization_id=certificate.organization_id,
        params=_params(certificate, certificate.suspended_until),
        portal_link=reverse("portal:certificate", args=[certificate.pk]),
        staff_link=reverse("admin:certificates_certificate_change", args=[certificate.pk]),
    )


# --- the sweeps (registered in wiring; Celery beat and run_deadlines --as-of run them) --------

EXPIRY_SWEEP = "certificates.expiry"
SUSPENSION_END_SWEEP = "certificates.suspension_end"


def expired_certificates(as_of):
    """Valid certificates whose last day of validity is before ``as_of``'s day (indexed)."""
    from .models import Certificate

    day = timezone.localdate(as_of)
    return Certificate.objects.filter(
        state__in=(Certificate.State.ACTIVE, Certificate.State.SUSPENDED), expires_on__lt=day
    ).values_list("pk", flat=True)


def expire(pk: int, as_of) -> bool:
    from cesi_cert.transitions import SYSTEM

    from .models import Certificate
    from .services import certificate_expire

    certificate = Certificate.objects.get(pk=pk)
    if certificate.state == Certificate.State.EXPIRED:
        return False
    certificate_expire(certificate=certificate, by=SYSTEM, reason=EXPIRY_SWEEP)
    return True


def ended_suspensions(as_of):
    """Suspended certificates whose period ended before ``as_of``'s day (ground f has none)."""
    from .models import Certificate

    day = timezone.localdate(as_of)
    return Certificate.objects.filter(
        state=Certificate.State.SUSPENDED, suspended_until__lt=day
    ).values_list("pk", flat=True)


def withdraw_after_suspension(pk: int, as_of) -> bool:
    """§5.1.4: not reinstated by the end of the period → withdrawn on ground d of §5.2.1."""
    from django.db import transaction

    from cesi_cert.transitions import SYSTEM, lock

    from .models import Certificate
    from .services import certificate_withdraw

    with transaction.atomic():
        certificate = lock(Certificate.objects.get(pk=pk))
        if certificate.state != Certificate.State.SUSPENDED:
            return False  # reinstated or withdrawn meanwhile, or a second run
        until = certificate.suspended_until
        certificate_withdraw(
            certificate=certificate,
            by=SYSTEM,
            ground="d",
            reason=(
                f"{SUSPENSION_END_SWEEP}: 暂停期至 {until:%Y-%m-%d} 届满，未恢复认证资格"
                "（§5.1.4、§5.2.1 d）"
            ),
            on=until + timedelta(days=1),
        )
    return True


def register_sweeps() -> None:
    deadlines.register(EXPIRY_SWEEP, due=expired_certificates, act=expire)
    deadlines.register(SUSPENSION_END_SWEEP, due=ended_suspensions, act=withdraw_after_suspension)
