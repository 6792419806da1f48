"""Incident and change notifications (§3.4.3): the only writers of their state (STYLE §3)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cesi_cert import deadlines as kernel_deadlines
from cesi_cert.errors import forbidden, invalid, invalid_fields
from cesi_cert.models import WORKING_LANGUAGE
from cesi_cert.notifications import bilingual, notify
from cesi_cert.references import assign_year_reference
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import SYSTEM, begin, run_transition

from .. import notices, permissions
from ..deadlines import DECIDE_BY, NOTIFY_BY, decision_due, due_moment
from ..models import Case, OrganizationNotice
from ._common import (
    choice_param,
    local,
    members_of,
    notice_certificate,
    notice_params,
    notice_staff_link,
)
from .attachments import check_all, store_all

#: The late sweep's name: the reason on the history and log rows it writes.
LATE_SWEEP = "incidents_late"


def _check_event(kind, occurred_at, description, *, now) -> None:
    errors = {}
    if kind not in OrganizationNotice.Kind.values:
        errors["kind"] = [_("Choose what kind of situation this is (§3.4.3 a–d).")]
    if occurred_at is None:
        errors["occurred_at"] = [_("Say when it happened.")]
    elif timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be aware")
    elif occurred_at > now:
        errors["occurred_at"] = [_("It cannot have happened in the future.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe what happened or what changed.")]
    if errors:
        raise invalid_fields(errors)


def _new(**fields) -> OrganizationNotice:
    notice = OrganizationNotice(reference=f"tmp-{uuid.uuid4().hex[:16]}", **fields)
    notice._history_user = fields["reported_by"]
    notice.save()
    assign_year_reference(notice, "IN")
    return notice


def _track_decision(notice, received_at) -> None:
    kernel_deadlines.track(
        notice,
        DECIDE_BY,
        decision_due(received_at),
        organization_id=notice.organization_id,
        params={"ref": notice.reference, "org": notice_params(notice)["org"]},
        staff_link=notice_staff_link(notice),
    )


def _both(text) -> dict:
    """A lazy text as a notice parameter in both languages (rendered in the reader's)."""
    with translation.override("zh-hans"):
        zh = str(text)
    with translation.override("en"):
        en = str(text)
    return bilingual(zh, en)


def _tell_customer_service(notice) -> None:
    params = notice_params(
        notice,
        late=_both(_("; LATE")) if notice.late else "",
        decide_by=local(decision_due(notice.notified_at)),
    )
    notify(
        users_with_role(Role.CUSTOMER_SERVICE),
        notices.INCIDENT_NOTIFIED,
        params=params,
        link=notice_staff_link(notice),
    )


@transaction.atomic
def notice_submit(
    *,
    organization,
    by,
    kind: str,
    occurred_at,
    description: str,
    special_reason: str = "",
    attachments=(),
    certificate=None,
) -> OrganizationNotice:
    """The organisation notifies an incident or change in the portal (§3.4.3).

    Its due moment follows from the kind and when it happened; notified after it, the
    notification is flagged late (and stays so). Customer service is told and has
    ``INCIDENT_DECISION_DAYS`` to decide.
    """
    if not permissions.can_act_for(by, organization):
        raise forbidden(_("Only a member of the organisation can notify for it."))
    now = timezone.now()
    _check_event(kind, occurred_at, description, now=now)
    certificate = notice_certificate(organization, certificate)
    checked = check_all(attachments)
    due = due_moment(kind, occurred_at, special_reason=special_reason)
    notice = _new(
        organization=organization,
        certificate=certificate,
        kind=kind,
        occurred_at=occurred_at,
        description=description,
        special_reason=special_reason if kind in OrganizationNotice.URGENT_KINDS else "",
        source=OrganizationNotice.Source.ORGANIZATION,
        reported_by=by,
        due_at=due,
        notified_at=now,
        late=now > due,
    )
    store_all(notice, checked, by=by)
    _track_decision(notice, now)
    _tell_customer_service(notice)
    return notice


@transaction.atomic
def notice_open(
    *,
    organization,
    by,
    kind: str,
    occurred_at,
    description: str,
    source: str,
    source_note: str = "",
    attachments=(),
    certificate=None,
) -> OrganizationNotice:
    """Customer service records a situation it learned elsewhere (a regulator, the media, a
    complaint): the organisation must notify it by its due moment, shown on its portal."""
    if not permissions.can_handle_notices(by):
        raise forbidden(_("Your role cannot open a notification."))
    now = timezone.now()
    _check_event(kind, occurred_at, description, now=now)
    if source not in OrganizationNotice.Source.values or source == "organization":
        raise invalid("source", _("Say how the certification body learned it."))
    certificate = notice_certificate(organization, certificate)
    checked = check_all(attachments)
    notice = _new(
        organization=organization,
        certificate=certificate,
        kind=kind,
        occurred_at=occurred_at,
        description=description,
        source=source,
        source_note=source_note,
        reported_by=by,
        due_at=due_moment(kind, occurred_at),
        state=OrganizationNotice.State.AWAITING_ORGANIZATION,
    )
    store_all(notice, checked, by=by)
    kernel_deadlines.track(
        notice,
        NOTIFY_BY,
        notice.due_at,
        organization_id=notice.organization_id,
        params={"what": notice_params(notice)["kind"], "ref": notice.reference},
        portal_link=notice.get_absolute_url(),
        staff_link=notice_staff_link(notice),
    )
    notify(
        members_of(organization),
        notices.INCIDENT_OPENED,
        params=notice_params(notice),
        link=notice.get_absolute_url(),
    )
    return notice


@transaction.atomic
def notice_notify(
    *, notice: OrganizationNotice, by, account: str, special_reason: str = "", attachments=()
) -> OrganizationNotice:
    """The organisation notifies one the certification body opened, with its own account."""
    locked = begin(notice, "notify", by)
    if not (account or "").strip():
        raise invalid("account", _("Give your account of what happened or changed."))
    checked = check_all(attachments)
    now = timezone.now()
    if locked.kind not in OrganizationNotice.URGENT_KINDS:
        special_reason = ""
    due = due_moment(locked.kind, locked.occurred_at, special_reason=special_reason)
    run_transition(
        locked,
        "notify",
        by=by,
        reason=account,
        account=account,
        notified_at=now,
        due_at=due,
        late=now > due,
        special_reason=special_reason,
    )
    store_all(locked, checked, by=by)
    kernel_deadlines.close(locked, NOTIFY_BY, at=now)
    _track_decision(locked, now)
    _tell_customer_service(locked)
    return locked


@transaction.atomic
def notice_start_review(*, notice: OrganizationNotice, by, reason: str = "") -> OrganizationNotice:
    locked = begin(notice, "start_review", by)
    return run_transition(locked, "start_review", by=by, reason=reason)


@transaction.atomic
def notice_decide(
    *, notice: OrganizationNotice, by, decision: str, reason: str
) -> OrganizationNotice:
    """Customer service decides (§3.4.3): no action, investigate, a change evaluation (§3.4.4),
    or a proposal to suspend or withdraw (§5), which opens a case for the decision on the
    certificate. The organisation is told."""
    from .cases import case_open

    locked = begin(notice, "decide", by)
    errors = {}
    if decision not in OrganizationNotice.Decision.values:
        errors["decision"] = [_("Choose a decision.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why.")]
    if errors:
        raise invalid_fields(errors)
    now = timezone.now()
    run_transition(
        locked,
        "decide",
        by=by,
        reason=reason,
        decision=decision,
        decision_reason=reason,
        decided_at=now,
    )
    kernel_deadlines.close(locked, DECIDE_BY, at=now)
    proposal = {
        OrganizationNotice.Decision.SUSPENSION: Case.Proposal.SUSPENSION,
        OrganizationNotice.Decision.WITHDRAWAL: Case.Proposal.WITHDRAWAL,
    }.get(decision)
    if proposal:
        case_open(
            organization=locked.organization,
            certificate=locked.certificate,
            by=by,
            proposal=proposal,
            ground=Case.Ground.NOTICE,
            notice=locked,
            note=reason,
        )
    notify(
        members_of(locked.organization),
        notices.INCIDENT_DECIDED,
        params={
            "ref": locked.reference,
            "decision": choice_param(locked, "decision"),
            "reason": reason,
        },
        link=locked.get_absolute_url(),
    )
    return locked


def _late_note(notice) -> str:
    # Stored text: written in the working language, whoever's request ran the sweep.
    with translation.override(WORKING_LANGUAGE):
        return str(
            _("%(ref)s was due by %(due)s and was not notified by the organisation.")
            % {"ref": notice.reference, "due": local(notice.due_at)}
        )


# --- the late sweep (registered in wiring) ----------------------------------------------------


def notices_late_due(as_of):
    """Staff-opened notifications whose due moment has passed (a notification at the due moment itself is on time) without the organisation's
    notification and not yet marked late (indexed: ``notice_awaiting_due``)."""
    return (
        OrganizationNotice.objects.filter(
            state=OrganizationNotice.State.AWAITING_ORGANIZATION, late=False, due_at__lt=as_of
        )
        .order_by("due_at")
        .values_list("pk", flat=True)
    )


def notice_mark_late(pk: int, as_of) -> bool:
    """Mark one notification late (as the system) and open a case proposing suspension on
    ground k of §5.1.1 ("未及时通知赛西认证").

    The row lock with the state filter is the guard: a concurrent sweep waits, then finds it
    already late and does nothing; the case's unique constraint is the second guard.
    """
    from .cases import case_open

    with transaction.atomic():
        notice = (
            OrganizationNotice.objects.select_for_update()
            .filter(
                pk=pk,
                state=OrganizationNotice.State.AWAITING_ORGANIZATION,
                late=False,
                due_at__lt=as_of,
            )
            .first()
        )
        if notice is None:
            return False
        notice.late = True
        notice._history_user = None
        notice._change_reason = LATE_SWEEP
        notice.save(update_fields=["late"])
        case_open(
            organization=notice.organization,
            certificate=notice.certificate,
            by=SYSTEM,
            proposal=Case.Proposal.SUSPENSION,
            ground=Case.Ground.K,
            notice=notice,
            sweep=LATE_SWEEP,
            note=_late_note(notice),
        )
    return True
