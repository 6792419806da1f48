"""Who may do what with incident notifications and cases (§3.4.3, §5): named checks shared by
transitions, services, views and the API (STYLE §8)."""

from __future__ import annotations

from applications import permissions as application_permissions
from cesi_cert.roles import STAFF_ROLES, Role, has_role


def can_act_for(user, organization) -> bool:
    """A member of the organisation: it notifies its incidents and changes (§3.4.3)."""
    return application_permissions.can_act_for(user, organization)


def can_handle_notices(user) -> bool:
    """客户服务部 receives the notifications, opens those learned elsewhere and decides (§3.4.3:
    "通知赛西认证客户服务部 … 赛西认证根据情况决定")."""
    return has_role(user, Role.CUSTOMER_SERVICE)


def can_follow(user) -> bool:
    """CB staff who read every notification and case."""
    return has_role(user, *STAFF_ROLES)


def can_open_case(user) -> bool:
    """Customer service and 认证业务部 (which proposes suspension, SPEC "People")."""
    return has_role(user, Role.CUSTOMER_SERVICE, Role.CERTIFICATION_BUSINESS)


def can_decide_case(user) -> bool:
    """The same two departments accept or dismiss a proposal; the action itself is then taken
    through the certificate services."""
    return can_open_case(user)


def can_handle_changes(user) -> bool:
    """认证业务部 reviews change requests, chooses the evaluation methods and approves or
    rejects them (§3.4.4: "赛西认证将根据申请变更的具体情况 … 决定是否采取 … 评价工作")."""
    return has_role(user, Role.CERTIFICATION_BUSINESS)


def can_open_reduction(user) -> bool:
    """Staff who open a scope reduction for a nonconformity in part of the scope (§3.4.6,
    3.5.6.1 a): certification business and customer service, who open cases too."""
    return can_open_case(user)


def is_committee_member(user) -> bool:
    return has_role(user, Role.TECHNICAL_COMMITTEE)


def conflicted(user, organization_id) -> bool:
    """A declared relation with the organisation that still bars ``user`` (the committee's own
    conflict rule, ISO/IEC 17065 7.6)."""
    from certificates.permissions.decisions import barring_conflicts

    return barring_conflicts(user, organization_id).exists()


def can_decide_reduction(user, organization_id=None) -> bool:
    """技术委员会 decides a scope reduction (§3.4.6, 3.5.6.2 c); not a member who declared a
    relation with the organisation."""
    if not is_committee_member(user):
        return False
    return organization_id is None or not conflicted(user, organization_id)


def can_combine_cycle(user) -> bool:
    """认证业务部 plans evaluations and customer service takes extensions: either combines an
    extension's evaluation with the certificate's surveillance cycle (§3.5.5.2 d)."""
    return has_role(user, Role.CUSTOMER_SERVICE, Role.CERTIFICATION_BUSINESS)


def can_manage_requirements(user) -> bool:
    """认证业务部 publishes changed requirements, verifies conformity (§3.4.7) and adds extra
    surveillance (§3.4.2)."""
    return has_role(user, Role.CERTIFICATION_BUSINESS)
