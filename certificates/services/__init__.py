"""Every action of the certificates app: the only writers of its state (STYLE §3)."""

from .certificates import (
    allocate_number,
    certificate_extend,
    certificate_issue,
    certificate_reissue,
    certificate_version_store_pdfs,
    validity_end,
)
from .decisions import (
    decision_close_voting,
    decision_confirm_condition,
    decision_open,
    decision_open_new,
    decision_open_voting,
    decision_send_refusal_notice,
    decision_start_review,
    decision_vote,
    on_report_submitted,
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
    "certificate_extend",
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
    "decision_close_voting",
    "decision_confirm_condition",
    "decision_open",
    "decision_open_new",
    "decision_open_voting",
    "decision_send_refusal_notice",
    "decision_start_review",
    "decision_vote",
    "on_report_submitted",
]
