"""Staff cases proposing an action on an organisation's certification (§5)."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.notices import org_name
from cesi_cert.db import unique_violation
from cesi_cert.errors import forbidden, invalid, invalid_fields
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
    case = Case(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        organization=organization,
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


@transaction.atomic
def case_accept(*, case: Case, by, reason: str = "") -> Case:
    """Accept the proposal. The action itself is taken through the certificate services by the
    receiver of :data:`surveillance.signals.case_accepted`, sent once this commits."""
    locked = begin(case, "accept", by)
    run_transition(
        locked,
        "accept",
        by=by,
        reason=reason,
        decision_reason=reason,
        decided_at=timezone.now(),
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
