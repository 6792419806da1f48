"""Who may do what with organisations and applications.

Named functions used by views, the API, templates and the ``permission=`` of each transition,
so the button a user sees is the action the service lets them run (STYLE §8).
"""

from __future__ import annotations

from cesi_cert import scopes
from cesi_cert.roles import STAFF_ROLES, Role, has_role, roles_of


def is_member(user, organization) -> bool:
    if (
        not getattr(user, "is_authenticated", False)
        or organization is None
        or organization.pk is None
    ):
        return False
    cache = user.__dict__.setdefault("_cesi_org_ids", None)
    if cache is None:
        cache = set(user.memberships.values_list("organization_id", flat=True))
        user._cesi_org_ids = cache
    return organization.pk in cache


def is_cb_staff(user) -> bool:
    """Anyone working for the certification body (sees every organisation)."""
    return has_role(user, *STAFF_ROLES)


def can_act_for(user, organization) -> bool:
    """An applicant user of this organisation (submits, uploads, withdraws)."""
    return has_role(user, Role.APPLICANT) and is_member(user, organization)


def can_manage_members(user, organization) -> bool:
    """A member flagged as administrator adds and removes the organisation's other users."""
    if has_role(user, Role.CUSTOMER_SERVICE):
        return True
    if not can_act_for(user, organization):
        return False
    return organization.memberships.filter(user=user, is_admin=True).exists()


def can_edit_organization(user, organization) -> bool:
    return can_act_for(user, organization) or has_role(user, Role.CUSTOMER_SERVICE)


def can_be_member(user) -> bool:
    """Only an applicant account may act for an organisation: what a member uploads is the
    applicant's own (published to the organisation at once), so no CB account — staff, auditor,
    superuser — may ever be one, even if it was also put in the applicant group."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return False
    roles = roles_of(user)
    return Role.APPLICANT in roles and not roles & (set(Role) - {Role.APPLICANT})


def can_create_organization(user) -> bool:
    """The creator becomes the organisation's first member, so only an applicant account."""
    return can_be_member(user)


# Each action on an application is checked in two parts, so that a refusal says which one failed
# (README "API"): ``can_ever_<verb>`` — may this user's role do it at all, in some state? (no →
# 403, "your role cannot") — and ``can_<verb>`` — may they now? (no, though they may ever → 409).


def can_ever_edit_application(user, application) -> bool:
    """The applicant organisation's members; nobody at the CB edits what the applicant sent."""
    return can_act_for(user, application.organization)


def can_edit_application(user, application) -> bool:
    """Change the fields and materials of an application still with the applicant."""
    return application.is_editable and can_ever_edit_application(user, application)


def can_ever_upload_document(user, application) -> bool:
    return can_act_for(user, application.organization) or has_role(user, Role.CUSTOMER_SERVICE)


def can_upload_document(user, application) -> bool:
    if application.state in application.FINAL_STATES:
        return False
    return can_edit_application(user, application) or has_role(user, Role.CUSTOMER_SERVICE)


def can_ever_delete_document(user, document) -> bool:
    """Its uploader, while a member of the organisation, and customer service."""
    if has_role(user, Role.CUSTOMER_SERVICE):
        return True
    return document.uploaded_by_id == user.pk and can_act_for(
        user, document.application.organization
    )


def can_delete_document(user, document) -> bool:
    """Only a file never handed in: once the certification body has it, it is replaced by a new
    version (:func:`can_replace_document`) and kept, never deleted."""
    if not document.is_current or document.handed_in:
        return False
    app = document.application
    if not can_ever_delete_document(user, document):
        return False
    return can_edit_application(user, app) or (
        has_role(user, Role.CUSTOMER_SERVICE) and app.state not in app.FINAL_STATES
    )


def can_replace_document(user, document) -> bool:
    """Upload a new version of a current document: the applicant for the organisation's own
    materials while the application is with them, customer service until it is closed."""
    app = document.application
    if not document.is_current or not can_upload_document(user, app):
        return False
    if has_role(user, Role.CUSTOMER_SERVICE):
        return True
    return is_member(document.uploaded_by, app.organization)  # never a CB document


def can_view_document(user, document) -> bool:
    if is_cb_staff(user):
        return True
    if document.published and is_member(user, document.application.organization):
        return True
    return scopes.is_granted(type(document), user, document.pk)


def can_review(user) -> bool:
    """§3.1.4 review and the contract are customer service's work (附录 3)."""
    return has_role(user, Role.CUSTOMER_SERVICE)


def can_amend_contract(user, contract) -> bool:
    return has_role(user, Role.CUSTOMER_SERVICE)
