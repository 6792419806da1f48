"""Who may do what with certificates (§4.1, §5): named checks shared by transitions, services,
views and the API (STYLE §8)."""

from __future__ import annotations

from applications import permissions as application_permissions
from cesi_cert.roles import Role, has_role


def can_manage(user) -> bool:
    """CB staff who produce certificates and record suspensions, reinstatements and withdrawals:
    customer service (certificate production, change notifications) and certification business
    (supervises certificate use, proposes suspension) — SPEC "People"."""
    return has_role(user, Role.CUSTOMER_SERVICE, Role.CERTIFICATION_BUSINESS)


def can_read(user, certificate) -> bool:
    """CB staff, or a member of the certified organisation."""
    return application_permissions.is_cb_staff(user) or application_permissions.can_act_for(
        user, certificate.organization
    )
