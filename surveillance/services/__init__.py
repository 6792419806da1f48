"""Every action on notifications and cases: the only writers of their state (STYLE §3)."""

from .cases import case_accept, case_dismiss, case_open
from .incidents import (
    LATE_SWEEP,
    notice_decide,
    notice_mark_late,
    notice_notify,
    notice_open,
    notice_start_review,
    notice_submit,
    notices_late_due,
)

__all__ = [
    "LATE_SWEEP",
    "case_accept",
    "case_dismiss",
    "case_open",
    "notice_decide",
    "notice_mark_late",
    "notice_notify",
    "notice_open",
    "notice_start_review",
    "notice_submit",
    "notices_late_due",
]
