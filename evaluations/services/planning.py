"""Planning an evaluation (§3.2.2.1–§3.2.2.4): the plan, the team, its notification to the
organisation, and the organisation's objections to a member.

Every function is the only writer of what it changes: the admin, the portal and the API call it
with ``by=request.user``; each checks the planner's permission (or the organisation's, for an
objection), locks the rows it changes and records the actor in their history.
"""

from __future__ import annotations

import math
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cesi_cert.db import unique_violation
from cesi_cert.errors import conflict, forbidden, invalid, invalid_fields
from cesi_cert.notifications import bilingual, notify
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import begin, lock, run_transition

from .. import notices, permissions, sampling
from ..models import Evaluation, Objection, TeamMember
from ._common import notice_params, organization_members
from .register import eligibility_problems, person_name

#: Where the team can still be changed: before the visit's first step.
PLANNING_STATES = (Evaluation.State.PLANNING, Evaluation.State.PLAN_NOTIFIED)

#: §3.2.2.2: these kinds are evaluated at every site of the application (surveillance samples).
ALL_SITES_KINDS = (Evaluation.Kind.INITIAL, Evaluation.Kind.RECERTIFICATION)


def _check_planner(by) -> None:
    if not permissions.can_plan(by):
        raise forbidden(_("Only the certification business department plans evaluations."))


def _check_planning(evaluation: Evaluation) -> None:
    if evaluation.state not in PLANNING_STATES:
        raise conflict(
            _("The plan and team can no longer change: the evaluation is “%(state)s”.")
            % {"state": evaluation.get_state_display()}
        )


def _label(choice_label) -> dict:
    """A choice label in both languages, for a notice rendered in the reader's language."""
    texts = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            texts[language] = str(choice_label)
    return bilingual(texts["zh-hans"], texts["en"])


def _dates(evaluation) -> str:
    return f"{evaluation.starts_on} – {evaluation.ends_on}"


def plan_man_days(evaluation) -> Decimal:
    """§3.2.2.1: only the leader and the auditors count; experts, observers, trainees add none."""
    return sum((m.man_days for m in evaluation.active_members() if m.counts_man_days), Decimal("0"))


def contract_man_days(evaluation) -> Decimal | None:
    contract = getattr(evaluation.application, "contract", None) if evaluation.application else None
    return contract.man_days if contract is not None else None


def objections_open(evaluation) -> bool:
    """§3.2.2.4: the organisation may object to a member once the plan is notified and until
    the visit starts (in China's calendar)."""
    return (
        evaluation.state == Evaluation.State.PLAN_NOTIFIED
        and evaluation.starts_on is not None
        and timezone.localdate() < evaluation.starts_on
    )


# --- the plan ------------------------------------------------------------------------------


@transaction.atomic
def evaluation_plan(
    *,
    evaluation: Evaluation,
    by,
    starts_on,
    ends_on,
    plan,
    sites,
    service_running_confirmed,
    man_days_difference_reason="",
    sample_size=None,
    sample_override_reason="",
) -> Evaluation:
    """Set the visit dates, the sites, the activities by day (§3.2.2.4) and the confirmation
    that the service runs normally then (§3.2.2.3).

    For a kind that may sample (§3.2.2.2: surveillance), ``sites`` are the planner's picks and
    the sample is completed by a random draw (see :func:`_sample_sites`); initial certification
    and recertification cover every site of the application."""
    _check_planner(by)
    ev = lock(evaluation)
    _check_planning(ev)
    sites = list(sites)
    errors: dict[str, list] = {}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The visit cannot end before it starts.")]
    if not starts_on:
        errors["starts_on"] = [_("Give the first day of the visit.")]
    if not ends_on:
        errors["ends_on"] = [_("Give the last day of the visit.")]
    foreign = [s for s in sites if s.organization_id != ev.organization_id]
    if foreign:
        errors["sites"] = [_("Choose sites of the evaluated organisation only.")]
    elif ev.kind in ALL_SITES_KINDS and ev.application_id:
        missing = set(ev.application.sites.all()) - set(sites)
        if missing:
            errors["sites"] = [
                _(
                    "§3.2.2.2: an initial or recertification evaluation covers every site of the "
                    "application; missing: %(sites)s."
                )
                % {"sites": "、".join(sorted(str(s) for s in missing))}
            ]
    sample = None
    if not errors and ev.kind not in ALL_SITES_KINDS:
        sample, sample_errors = _sample_sites(ev, sites, sample_size, sample_override_reason)
        errors.update(sample_errors)
    if errors:
        raise invalid_fields(errors)
    if sample is not None:
        sites = sample["sites"]
    ev.starts_on, ev.ends_on, ev.plan = starts_on, ends_on, plan
    ev.service_running_confirmed = bool(service_running_confirmed)
    ev.man_days_difference_reason = man_days_difference_reason or ""
    if ev.planned_by_id is None:  # segregation of duties: this person will not verify findings
        ev.planned_by = by
    ev._history_user = by
    ev._change_reason = "plan"
    ev.save()
    ev.sites.set(sites)
    ev.sampled_at_random.set(sample["at_random"] if sample else [])
    return ev


def sites_in_scope(ev: Evaluation) -> list:
    """The sites the evaluation is about: the application's, else all the organisation's."""
    if ev.application_id:
        return list(ev.application.sites.order_by("pk"))
    return list(ev.organization.sites.order_by("pk"))


def _sample_sites(ev: Evaluation, picks, size, reason) -> tuple[dict, dict]:
    """§3.2.2.2 with IAF MD 1: the central function is always visited; of the other ``x``
    sites, ⌈0.6·√x⌉ at surveillance (the figure SPEC.md names per kind), at least a quarter of
    them drawn at random with the evaluation's stored seed, the rest as the planner picked.

    A size other than the one offered needs a reason. Returns the sample and field errors."""
    scope = sites_in_scope(ev)
    central = [s for s in scope if s.is_central]
    others = [s for s in scope if not s.is_central]
    offered = sampling.iaf_md1_size(ev.kind, len(others))
    errors: dict[str, list] = {}
    size = offered if size in (None, "") else int(size)
    reason = (reason or "").strip()
    if size < 0 or size > len(others):
        errors["sample_size"] = [
            _("Choose between 0 and %(count)s sites besides the central function.")
            % {"count": len(others)}
        ]
    elif size != offered and not reason:
        errors["sample_override_reason"] = [
            _(
                "§3.2.2.2: the IAF MD 1 sample is %(offered)s of %(count)s sites; say why "
                "%(size)s are visited."
            )
            % {"offered": offered, "count": len(others), "size": size}
        ]
    outside = [s for s in picks if s not in scope]
    if outside:
        errors["sites"] = [
            _("Choose sites in the evaluation's scope only; not: %(sites)s.")
            % {"sites": "、".join(sorted(str(s) for s in outside))}
        ]
    own_picks = [s for s in picks if not s.is_central]
    room = size - math.ceil(size * sampling.RANDOM_SHARE) if size else 0
    if not errors and len(own_picks) > room:
        errors["sites"] = [
            _(
                "A sample of %(size)s sites leaves %(room)s to choose; at least a quarter is "
                "drawn at random (§3.2.2.2). Choose fewer sites or a larger sample, with a reason."
            )
            % {"size": size, "room": room}
        ]
    if errors:
        return {}, errors
    if ev.sample_seed is None:
        ev.sample_seed = secrets.randbelow(2**31)
    drawn = sampling.draw(others, size, chosen_by_staff=own_picks, seed=ev.sample_seed)
    ev.sample_size_offered = offered
    ev.sample_size = size
    ev.sample_override_reason = reason if size != offered else ""
    return {"sites": central + list(drawn.chosen), "at_random": list(drawn.at_random)}, {}


# --- the team ------------------------------------------------------------------------------


@transaction.atomic
def team_member_add(*, evaluation: Evaluation, by, person, role, man_days) -> TeamMember:
    """Put ``person`` on the team as ``role`` (§3.2.2.1), refusing whoever is not eligible."""
    _check_planner(by)
    ev = lock(evaluation)
    _check_planning(ev)
    name = person_name(person)
    if role not in TeamMember.Role.values:
        raise invalid("role", _("Choose a role."))
    if ev.starts_on is None or ev.ends_on is None:
        raise invalid(None, _("Set the visit dates in the plan before choosing the team."))
    man_days = Decimal(man_days or 0)
    if man_days < 0:
        raise invalid("man_days", _("Man-days cannot be negative."))
    if role not in TeamMember.COUNTED_ROLES and man_days > 0:
        raise invalid(
            "man_days",
            _("§3.2.2.1: %(person)s as %(role)s adds no man-days; give 0.")
            % {"person": name, "role": TeamMember.Role(role).label},
        )
    problems = eligibility_problems(person, ev, role, ev.starts_on, ev.ends_on)
    if problems:
        raise invalid_fields({"person": problems})
    member = TeamMember(evaluation=ev, person=person, role=role, man_days=man_days)
    member._history_user = by
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        if unique_violation(exc, TeamMember, "one_leader_per_evaluation"):
            raise invalid(
                "role",
                _("%(person)s cannot be the leader: the team already has one (%(leader)s).")
                % {"person": name, "leader": person_name(ev.leader.person)},
            ) from None
        if unique_violation(exc, TeamMember, "one_place_per_person_per_evaluation"):
            raise invalid(
                "person", _("%(person)s is already on the team.") % {"person": name}
            ) from None
        raise
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, by, reason) -> TeamMember:
    """Take a member off the team; the place stays on record with the reason."""
    _check_planner(by)
    lock(member.evaluation)
    member = lock(member)
    _check_planning(member.evaluation)
    if member.removed_at is not None:
        raise conflict(_("This member was already removed."))
    if not (reason or "").strip():
        raise invalid("reason", _("Say why the member leaves the team."))
    member.removed_at = timezone.now()
    member.removed_reason = reason
    member._history_user = by
    member.save()
    return member


@transaction.atomic
def team_member_replace(*, member: TeamMember, by, person, reason) -> TeamMember:
    """§3.2.2.4: another person takes ``member``'s place, with the same role and man-days."""
    if person.pk == member.person_id:
        raise invalid("person", _("Choose someone else to take the place."))
    old = team_member_remove(member=member, by=by, reason=reason)
    return team_member_add(
        evaluation=old.evaluation, by=by, person=person, role=old.role, man_days=old.man_days
    )


# --- notifying the plan --------------------------------------------------------------------


def plan_blockers(ev: Evaluation) -> dict[str, list]:
    """Everything that stops the plan from being notified, by field."""
    errors: dict[str, list] = {}
    team = ev.active_members()
    if ev.starts_on is None or ev.ends_on is None:
        errors.setdefault("starts_on", []).append(_("Set the visit dates."))
    elif ev.starts_on <= timezone.localdate():
        errors.setdefault("starts_on", []).append(
            _("§3.2.2.4: the plan is notified before the visit; the visit must start after today.")
        )
    if not [m for m in team if m.role == TeamMember.Role.LEADER]:
        errors.setdefault("team", []).append(_("§3.2.2.1: the team has no leader."))
    if ev.starts_on and ev.ends_on:
        qualified = 0
        for m in team:
            problems = eligibility_problems(m.person, ev, m.role, ev.starts_on, ev.ends_on)
            errors.setdefault("team", []).extend(problems)
            if m.role in TeamMember.QUALIFIED_ROLES and not problems:
                qualified += 1
        if not qualified:
            errors.setdefault("team", []).append(
                _("§3.2.2.1: the team needs at least one qualified auditor or leader.")
            )
    if not ev.service_running_confirmed:
        errors.setdefault("service_running_confirmed", []).append(
            _("§3.2.2.3: confirm that the service runs normally on the visit dates.")
        )
    contract = contract_man_days(ev)
    planned = plan_man_days(ev)
    if contract is not None and planned != contract and not ev.man_days_difference_reason.strip():
        errors.setdefault("man_days_difference_reason", []).append(
            _(
                "The team's man-days (%(planned)s) differ from the contract's (%(contract)s): "
                "say why."
            )
            % {"planned": planned, "contract": contract}
        )
    return {k: v for k, v in errors.items() if v}


@transaction.atomic
def evaluation_notify_plan(
    *, evaluation: Evaluation, by, man_days_difference_reason="", reason=""
) -> Evaluation:
    """§3.2.2.4: notify the team and the plan to the organisation (again after a replacement).

    Every blocker is reported at once. The organisation's members and each team member are
    notified (in the inbox and by e-mail after commit).
    """
    if permissions.can_plan(by) and permissions.is_on_team(by, evaluation):
        raise forbidden(
            _(
                "You are on this evaluation's team: another planner approves and notifies its "
                "plan (segregation of duties)."
            )
        )
    ev = begin(evaluation, "notify_plan", by)
    if (man_days_difference_reason or "").strip():
        ev.man_days_difference_reason = man_days_difference_reason
    errors = plan_blockers(ev)
    if errors:
        raise invalid_fields(errors, _("The plan cannot be notified yet."))
    run_transition(ev, "notify_plan", by=by, reason=reason)
    notify(
        organization_members(ev),
        notices.PLAN_NOTIFIED,
        params=notice_params(ev, dates=_dates(ev)),
        link=ev.get_absolute_url(),
    )
    for member in ev.active_members():
        notify(
            [member.person],
            notices.TEAM_ASSIGNED,
            params=notice_params(ev, role=_label(member.get_role_display()), dates=_dates(ev)),
            link=reverse("auditor:home"),
        )
    return ev


@transaction.atomic
def evaluation_accept_plan(*, evaluation: Evaluation, by, reason="") -> Evaluation:
    """§3.2.2.4: the organisation agrees to the notified team and plan; the leader and the
    planner hear of it. A later re-notification (a member replaced) asks again."""
    ev = begin(evaluation, "accept_plan", by)
    run_transition(ev, "accept_plan", by=by, reason=reason)
    notify(
        [m.person for m in ev.active_members() if m.role == TeamMember.Role.LEADER]
        + ([ev.planned_by] if ev.planned_by_id else []),
        notices.PLAN_ACCEPTED,
        params=notice_params(ev, dates=_dates(ev)),
        link=reverse("auditor:home"),
    )
    return ev


# --- objections (§3.2.2.4) -----------------------------------------------------------------


@transaction.atomic
def objection_raise(*, member: TeamMember, by, reason) -> Objection:
    """The organisation objects to a team member, with a reason, before the visit starts."""
    if not permissions.can_act_for_organization(by, member.evaluation):
        raise forbidden(_("Only the evaluated organisation may object to a team member."))
    ev = lock(member.evaluation)
    member = lock(member)
    if not objections_open(ev):
        raise conflict(
            _(
                "§3.2.2.4: objections are taken once the plan is notified and before the visit starts."
            )
        )
    if member.removed_at is not None:
        raise conflict(_("This person is no longer on the team."))
    if not (reason or "").strip():
        raise invalid("reason", _("Say why you object to this member."))
    objection = Objection(evaluation=ev, member=member, reason=reason, raised_by=by)
    objection._history_user = by
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError as exc:
        if unique_violation(exc, Objection, "one_open_objection_per_member"):
            raise conflict(
                _("An objection to %(person)s is already open.")
                % {"person": person_name(member.person)}
            ) from None
        raise
    notify(
        users_with_role(Role.CERTIFICATION_BUSINESS),
        notices.OBJECTION_RAISED,
        params=notice_params(ev, member=person_name(member.person), reason=reason),
        link=reverse("admin:evaluations_evaluation_change", args=[ev.pk]),
    )
    return objection


@transaction.atomic
def objection_resolve(*, objection: Objection, by, outcome, note, replacement=None) -> Objection:
    """Decide an objection: replace the member (same eligibility rules; the plan is notified
    again) or keep them, saying why."""
    _check_planner(by)
    objection = lock(objection)
    if objection.resolved_at is not None:
        raise conflict(_("This objection was already decided."))
    if outcome not in Objection.Outcome.values:
        raise invalid("outcome", _("Choose the outcome."))
    if outcome == Objection.Outcome.KEPT and not (note or "").strip():
        raise invalid("note", _("Say why the member stays on the team."))
    if outcome == Objection.Outcome.REPLACED:
        if replacement is None:
            raise invalid("replacement", _("Choose who replaces the member."))
        team_member_replace(
            member=objection.member,
            by=by,
            person=replacement,
            reason=note or objection.reason,
        )
    objection.outcome = outcome
    objection.resolution_note = note or ""
    objection.resolved_at = timezone.now()
    objection.resolved_by = by
    objection._history_user = by
    objection.save()
    if outcome == Objection.Outcome.REPLACED:
        evaluation_notify_plan(
            evaluation=objection.evaluation,
            by=by,
            reason=_("Member replaced after an objection"),
        )
    return objection
