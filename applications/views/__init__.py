"""The applicant portal (``/portal/``): organisations, sites, applications, materials, notices.

Every object is looked up through :mod:`applications.selectors`, which scope to the user's
organisations, so another organisation's id is simply not found (404). Every change goes through
a service in :mod:`applications.services` (or ``APPLICATION_ACTIONS.perform``); the one
:class:`~cesi_cert.errors.DomainError` becomes a form error (``invalid``) or a message and a
redirect (``conflict``/``forbidden``), never a 500.
"""

from .applications import (
    application_action,
    application_create,
    application_detail,
    application_edit,
)
from .documents import document_delete, document_download, document_replace, document_upload
from .invitations import invitation_detail, invitation_open, invitation_revoke, member_invite
from .organizations import (
    member_remove,
    organization_create,
    organization_detail,
    organization_edit,
    organization_evidence,
    site_create,
    site_delete,
    site_edit,
)

__all__ = [
    "invitation_detail",
    "invitation_open",
    "invitation_revoke",
    "member_invite",
    "member_remove",
    "application_action",
    "application_create",
    "application_detail",
    "application_edit",
    "document_delete",
    "document_download",
    "document_replace",
    "document_upload",
    "organization_create",
    "organization_detail",
    "organization_edit",
    "organization_evidence",
    "site_create",
    "site_delete",
    "site_edit",
]
