"""Who may do what with evaluations (§3.2): named checks shared by transitions, services, views
and the API, so the button a user sees is the action the service lets them run (STYLE §8)."""

from __future__ import annotations

from applications import permissions as application_permissions
from cesi_cert.roles import Role, has_role


def can_plan(user) -> bool:
    """认证业务部 plans evaluations, assigns teams and notifies plans (SPEC "People")."""
    return has_role(user, Role.CERTIFICATION_BUSINESS)


def can_approve_plan(user, evaluation) -> bool:
    """A planner who is not on the team: a team member cannot be the one who approves (notifies)
    the plan (segregation of duties, SPEC "Rules that cut across")."""
    return can_plan(user) and not is_on_team(user, evaluation)


def can_follow(user) -> bool:
    """CB staff who see every evaluation (customer service follows; the business plans)."""
    return has_role(user, Role.CERTIFICATION_BUSINESS, Role.CUSTOMER_SERVICE)


def active_member(user, evaluation):
    """``user``'s current place on ``evaluation``'s team, or ``None``."""
    if not getattr(user, "is_authenticated", False) or evaluation.pk is None:
        return None
    return next(
        (m for m in evaluation.active_members() if m.person_id == user.pk),
        None,
    )


def is_on_team(user, evaluation) -> bool:
    return active_member(user, evaluation) is not None


def is_leader(user, evaluation) -> bool:
    member = active_member(user, evaluation)
    return member is not None and member.role == member.Role.LEADER


def can_act_for_organization(user, evaluation) -> bool:
    """An applicant member of the evaluated organisation (accepts the plan, answers findings)."""
    return application_permissions.can_act_for(user, evaluation.organization)


def can_verify(user, nonconformity) -> bool:
    """The team leader, unless they planned the evaluation: whoever planned an evaluation cannot
    close its findings (segregation of duties, SPEC "Rules that cut across")."""
    evaluation = nonconformity.evaluation
    return is_leader(user, evaluation) and evaluation.planned_by_id != user.pk


def can_raise_nonconformity(user, evaluation) -> bool:
    """The leader and the auditors of the team (not experts, observers or trainees)."""
    member = active_member(user, evaluation)
    return member is not None and member.role in (member.Role.LEADER, member.Role.AUDITOR)


#: The team roles that record the evaluation's work: observers and trainees watch and learn.
RECORDING_ROLES = ("leader", "auditor", "technical_expert")


def can_record(user, evaluation) -> bool:
    """The leader, auditors and technical experts of the team record activity results and
    evidence (§3.2.3, §3.3.2.2 2); observers and trainees do not."""
    member = active_member(user, evaluation)
    return member is not None and member.role in RECORDING_ROLES


def can_see_internal(user, evaluation) -> bool:
    """Evidence, activity results and subcontracted reports are the CB's working papers: the team
    and the CB staff who follow evaluations read them, never the organisation."""
    return can_follow(user) or is_on_team(user, evaluation)
