"""Every action on certificates: the only writers of their state (STYLE §3)."""

from .certificates import (
    allocate_number,
    certificate_issue,
    certificate_reissue,
    certificate_version_store_pdfs,
    validity_end,
)
from .status import (
    certificate_expire,
    certificate_reinstate,
    certificate_suspend,
    certificate_withdraw,
    max_suspension_end,
    status_change_documents_returned,
    status_change_store_notice,
)

__all__ = [
    "allocate_number",
    "certificate_issue",
    "certificate_reissue",
    "certificate_version_store_pdfs",
    "validity_end",
    "certificate_expire",
    "certificate_reinstate",
    "certificate_suspend",
    "certificate_withdraw",
    "max_suspension_end",
    "status_change_documents_returned",
    "status_change_store_notice",
]
