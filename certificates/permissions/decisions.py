"""Who may act on decisions (§3.3; ISO/IEC 17065 7.6 impartiality)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cesi_cert.roles import Role, has_role


def is_committee_member(user) -> bool:
    """技术委员会: reviews the dossier, confirms the conditions and votes (SPEC "People")."""
    return has_role(user, Role.TECHNICAL_COMMITTEE)


def can_follow(user) -> bool:
    """Who sees every decision: the committee and the CB staff who act on the outcome."""
    return has_role(
        user, Role.TECHNICAL_COMMITTEE, Role.CUSTOMER_SERVICE, Role.CERTIFICATION_BUSINESS
    )


def can_see_votes(user) -> bool:
    """Individual votes are the CB's record, never the organisation's."""
    return can_follow(user)


def can_send_refusal_notice(user) -> bool:
    """§3.3 "客户部以书面形式告知": customer service sends the written refusal."""
    return has_role(user, Role.CUSTOMER_SERVICE)


def can_open_new_decision(user) -> bool:
    """A made decision is changed only by a new one, opened by customer service."""
    return has_role(user, Role.CUSTOMER_SERVICE)


def conflict_cutoff():
    """Relations that ended on or before this day no longer bar anyone (the cooling-off)."""
    from dateutil.relativedelta import relativedelta
    from django.conf import settings

    return timezone.localdate() - relativedelta(years=settings.CONFLICT_COOLING_OFF_YEARS)


def barring_conflicts_with(organization_id):
    """Declared relations with the organisation that still bar whoever declared them."""
    from django.db.models import Q

    from evaluations.models import ConflictDeclaration

    return ConflictDeclaration.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=conflict_cutoff()),
        organization_id=organization_id,
    )


def barring_conflicts(user, organization_id):
    """``user``'s declared relations with the organisation that still bar them."""
    return barring_conflicts_with(organization_id).filter(person_id=user.pk)


def why_barred(user, decision) -> str | None:
    """Why ``user`` may not take part in ``decision`` (vote, confirm a condition), or ``None``.

    ISO/IEC 17065 7.6: nobody who took part in the evaluation — on its team at any time, a
    replaced member included — decides on it, nor anyone with a declared relation with the
    organisation that is ongoing or ended within ``CONFLICT_COOLING_OFF_YEARS``. The message
    speaks to the user about themselves only. Uses the ``viewer_*`` annotations of
    :func:`certificates.selectors.decisions.decisions_for` when the row has them for ``user``.
    """
    from evaluations.models import TeamMember

    if not getattr(user, "is_authenticated", False):
        return str(_("Sign in first."))
    if getattr(decision, "viewer_pk", None) == user.pk:
        on_team, conflicted = decision.viewer_on_team, decision.viewer_conflicted
    else:
        on_team = TeamMember.objects.filter(
            evaluation_id=decision.evaluation_id, person_id=user.pk
        ).exists()
        conflicted = not on_team and barring_conflicts(user, decision.organization_id).exists()
    if on_team:
        return str(
            _(
                "You were on the team of evaluation %(ref)s, so you cannot take part in its "
                "decision (ISO/IEC 17065 7.6)."
            )
            % {"ref": decision.evaluation.reference}
        )
    if conflicted:
        return str(
            _(
                "You declared a conflict of interest with this organisation, so you cannot "
                "take part in its decision (ISO/IEC 17065 7.6)."
            )
        )
    return None


def may_take_part(user, decision) -> bool:
    return is_committee_member(user) and why_barred(user, decision) is None


#: Who opens the decision pages of the admin (changes go through the services; migration
#: ``certificates.0002_decisions`` writes the same grants out).
DECISION_GRANTS = {
    role: [f"certificates.view_{m}" for m in ("decision", "conditioncheck", "vote")]
    for role in (Role.TECHNICAL_COMMITTEE, Role.CUSTOMER_SERVICE, Role.CERTIFICATION_BUSINESS)
}


def ensure_decision_grants() -> None:
    """Give the role groups their decision permissions again (a flushed test database)."""
    from django.apps import apps

    from cesi_cert.migration_helpers import grant

    grant(apps, {str(role): perms for role, perms in DECISION_GRANTS.items()})
