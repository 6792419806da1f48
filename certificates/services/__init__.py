"""Every action of the certificates app: the only writers of its state (STYLE §3)."""

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

__all__ = [
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
