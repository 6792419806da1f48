"""Staff cases proposing an action on an organisation's certification (§5)."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.notices import org_name
from certificates.grounds import SuspensionGround, WithdrawalGround
from cesi_cert.db import unique_violation
from cesi_cert.errors import DomainError, conflict, forbidden, invalid, invalid_fields
from cesi_cert.notifications import notify
from cesi_cert.references import assign_year_reference
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import SYSTEM, begin, run_transition

from .. import notices, permissions, signals
from ..models import Case
from ._common import case_staff_link, choice_param


@transaction.atomic
def case_open(
    *,
    organization,
    by,
    proposal: str,
    ground: str,
    note: str = "",
    notice=None,
    sweep: str = "",
    certificate=None,
) -> Case | None:
    """Open a case (a person, or the system from a sweep with ``sweep`` naming it).

    One open case per organisation, ground and source notification: the database decides
    (``one_open_case_per_source``), so a repeated sweep or a double submit opens nothing and
    returns ``None``.
    """
    if by is not SYSTEM and not permissions.can_open_case(by):
        raise forbidden(_("Your role cannot open a case."))
    errors = {}
    if proposal not in Case.Proposal.values:
        errors["proposal"] = [_("Choose what the case proposes.")]
    if ground not in Case.Ground.values:
        errors["ground"] = [_("Choose the ground.")]
    if errors:
        raise invalid_fields(errors)
    if notice is not None and notice.organization_id != organization.pk:
        raise invalid("notice", _("This notification is about another organisation."))
    if certificate is not None and certificate.organization_id != organization.pk:
        raise invalid("certificate", _("This certificate is held by another organisation."))
    case = Case(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        organization=organization,
        certificate=certificate,
        proposal=proposal,
        ground=ground,
        note=note,
        notice=notice,
        sweep=sweep if by is SYSTEM else "",
        opened_by=None if by is SYSTEM else by,
    )
    case._history_user = None if by is SYSTEM else by
    case._change_reason = (sweep or "opened")[:100]
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        if unique_violation(exc, Case, "one_open_case_per_source"):
            return None
        raise
    assign_year_reference(case, "CA")
    notify(
        users_with_role(Role.CUSTOMER_SERVICE, Role.CERTIFICATION_BUSINESS),
        notices.CASE_OPENED,
        params={
            "ref": case.reference,
            "org": org_name(organization),
            "proposal": choice_param(case, "proposal"),
            "ground": choice_param(case, "ground"),
            "note": note,
        },
        link=case_staff_link(case),
    )
    return case


#: The case's ground as the certificate's ground (§5.1.1 a–m for a suspension, §5.2.1 a–k for a
#: withdrawal). A case on another ground (a notification, "other") names the certificate's
#: ground when it is accepted.
SUSPENSION_GROUNDS = {
    Case.Ground.A: SuspensionGround.A,
    Case.Ground.B: SuspensionGround.B,
    Case.Ground.K: SuspensionGround.K,
    Case.Ground.M: SuspensionGround.M,
}
WITHDRAWAL_GROUNDS = {Case.Ground.I: WithdrawalGround.I}


def _certificate_ground(case: Case, given: str) -> str:
    if case.proposal == Case.Proposal.SUSPENSION:
        mapped, allowed = SUSPENSION_GROUNDS.get(case.ground), SuspensionGround.values
        message = _("Choose the ground of §5.1.1 for the suspension.")
    else:
        mapped, allowed = WITHDRAWAL_GROUNDS.get(case.ground), WithdrawalGround.values
        message = _("Choose the ground of §5.2.1 for the withdrawal.")
    given = (given or "").strip()
    # The admin's list offers both sets, whose letters overlap: its values say which set
    # ("suspension:a"); a letter of the other set is refused, never read as this one's.
    group, _sep, letter = given.rpartition(":")
    if group and group != case.proposal:
        raise invalid("certificate_ground", message)
    ground = mapped or letter
    if ground not in allowed:
        raise invalid("certificate_ground", message)
    return ground


def _act_on_certificate(case: Case, *, by, reason, until, certificate_ground, consent) -> None:
    """§5: the accepted proposal, through the certificate services, in the same transaction.
    A certificate whose state does not allow it (already withdrawn …) refuses with 409 and the
    whole acceptance is rolled back."""
    from certificates.services import certificate_suspend, certificate_withdraw

    ground = _certificate_ground(case, certificate_ground)
    text = f"{case.reference} {reason}".strip()
    certificate = case.certificate
    try:
        if case.proposal == Case.Proposal.SUSPENSION:
            certificate_suspend(
                certificate=certificate, by=by, ground=ground, reason=text, until=until
            )
        else:
            certificate_withdraw(
                certificate=certificate, by=by, ground=ground, reason=text, consent=consent
            )
    except DomainError as err:
        if err.code != DomainError.CONFLICT:
            raise
        certificate.refresh_from_db(fields=["state"])
        raise conflict(
            _("Certificate %(number)s is “%(state)s”: %(action)s is not possible. %(why)s")
            % {
                "number": certificate.number,
                "state": certificate.get_state_display(),
                "action": case.get_proposal_display(),
                "why": err.message,
            }
        ) from None


@transaction.atomic
def case_accept(
    *,
    case: Case,
    by,
    reason: str = "",
    until=None,
    certificate_ground: str = "",
    consent: str = "",
) -> Case:
    """Accept the proposal. A suspension or withdrawal is carried out on the case's certificate
    through the certificate services in the same transaction (§5.1.1/§5.2.1, the case's ground
    mapped, the case's reference as the reason; a suspension until ``until``, at most and by
    default 6 months, §5.1.3). A case without a certificate is accepted only when it proposes
    "another action". :data:`surveillance.signals.case_accepted` is sent once this commits."""
    locked = begin(case, "accept", by)
    if locked.proposal != Case.Proposal.OTHER and locked.certificate_id is None:
        raise conflict(
            _(
                "This case names no certificate: only a case proposing another action can be "
                "accepted; open a new case with the certificate."
            )
        )
    run_transition(
        locked,
        "accept",
        by=by,
        reason=reason,
        decision_reason=reason,
        decided_at=timezone.now(),
    )
    if locked.proposal != Case.Proposal.OTHER:
        _act_on_certificate(
            locked,
            by=by,
            reason=reason,
            until=until,
            certificate_ground=certificate_ground,
            consent=consent,
        )
    transaction.on_commit(
        lambda: signals.case_accepted.send(sender=Case, case=locked), robust=False
    )
    return locked


@transaction.atomic
def case_dismiss(*, case: Case, by, reason: str) -> Case:
    locked = begin(case, "dismiss", by)
    if not (reason or "").strip():
        raise invalid_fields({"reason": [_("Say why the case is dismissed.")]})
    return run_transition(
        locked,
        "dismiss",
        by=by,
        reason=reason,
        decision_reason=reason,
        decided_at=timezone.now(),
    )
