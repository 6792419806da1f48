"""Every action on organisations, applications and contracts: the only writers of their state.

Each function runs in one transaction, checks permission, and raises
:class:`cesi_cert.errors.DomainError` for anything the user must fix. Admin, portal, API, tasks
and commands all call these (STYLE §3).
"""

from .applications import (
    application_accept,
    application_create,
    application_reject,
    application_request_changes,
    application_start_review,
    application_submit,
    application_update,
    application_withdraw,
)
from .checks import (
    Blocker,
    Licence,
    application_field_errors,
    business_licence,
    missing_documents,
    submission_blockers,
)
from .contracts import application_sign_contract, contract_amend
from .documents import document_delete, document_publish, document_replace, document_upload
from .extension import (
    application_confirm_extension_condition,
    condition_c_findings,
    extension_checklist,
    supplemented_contract,
)
from .invitations import (
    INVITATION_SENT,
    invitation_accept,
    invitation_decline,
    invitation_revoke,
    membership_invite,
)
from .organizations import (
    ORGANIZATION_FIELDS,
    ORGANIZATION_FILES,
    membership_remove,
    membership_set_admin,
    organization_create,
    organization_errors,
    organization_update,
    site_create,
    site_delete,
    site_update,
)

__all__ = [
    "Blocker",
    "Licence",
    "INVITATION_SENT",
    "ORGANIZATION_FIELDS",
    "ORGANIZATION_FILES",
    "application_accept",
    "application_confirm_extension_condition",
    "application_create",
    "application_field_errors",
    "application_reject",
    "application_request_changes",
    "application_sign_contract",
    "application_start_review",
    "application_submit",
    "application_update",
    "application_withdraw",
    "business_licence",
    "condition_c_findings",
    "extension_checklist",
    "contract_amend",
    "document_delete",
    "document_publish",
    "document_replace",
    "document_upload",
    "invitation_accept",
    "invitation_decline",
    "invitation_revoke",
    "membership_invite",
    "membership_remove",
    "membership_set_admin",
    "missing_documents",
    "organization_create",
    "organization_errors",
    "organization_update",
    "site_create",
    "site_delete",
    "site_update",
    "submission_blockers",
    "supplemented_contract",
]
