"""The roles of SPEC.md, as Django groups (created by migration ``cesi_cert.0002``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    CERTIFICATION_BUSINESS = "certification_business", _("Certification business")
    AUDITOR = "auditor", _("Auditor")
    TECHNICAL_COMMITTEE = "technical_committee", _("Technical committee")
    APPLICANT = "applicant", _("Applicant")


#: Roles whose members work in the Django admin (they get ``is_staff``).
STAFF_ROLES = frozenset(
    {Role.CUSTOMER_SERVICE, Role.CERTIFICATION_BUSINESS, Role.TECHNICAL_COMMITTEE}
)


def roles_of(user) -> frozenset[str]:
    """The role names of ``user``, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_cesi_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._cesi_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when ``user`` holds any of ``roles``; superusers hold every role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(roles_of(user) & set(roles))


def users_with_role(*roles: str):
    """Active users holding any of ``roles`` (the recipients of a notice to a department)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct()


def ensure_role_groups(group_model=None) -> None:
    """Create the role groups that are missing (migration ``0002_roles``; flushed test databases)."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model
    for role in Role:
        group_model.objects.get_or_create(name=role.value)


#: The kernel's own admin pages each staff role opens ("view" only; rows change through the
#: services). Written out in migration ``0007_deadline_permissions`` too.
KERNEL_GRANTS = {
    role: ["cesi_cert.view_deadline"]
    for role in ("customer_service", "certification_business", "technical_committee")
}


def ensure_kernel_grants() -> None:
    """Give the role groups the kernel's permissions again (a flushed test database)."""
    from django.apps import apps

    from .migration_helpers import grant

    grant(apps, KERNEL_GRANTS)
