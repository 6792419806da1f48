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


def can_manage_requirements(user) -> bool:
    """认证业务部 publishes changed requirements, verifies conformity (§3.4.7) and adds extra
    surveillance (§3.4.2)."""
    return has_role(user, Role.CERTIFICATION_BUSINESS)
