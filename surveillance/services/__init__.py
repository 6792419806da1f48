"""Every action on notifications and cases: the only writers of their state (STYLE §3)."""

from .cases import case_accept, case_dismiss, case_open
from .cycles import (
    MISSED_SWEEP,
    OPEN_SWEEP,
    cycle_close_missed,
    cycle_ensure,
    cycle_open_evaluation,
    cycles_missed_due,
    cycles_to_evaluate,
    on_certificate_issued,
    on_certificate_renewed,
    on_decision_made,
)
from .extension import cycle_combine_with_extension, extension_findings
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
    "MISSED_SWEEP",
    "OPEN_SWEEP",
    "cycle_close_missed",
    "cycle_combine_with_extension",
    "extension_findings",
    "cycle_ensure",
    "cycle_open_evaluation",
    "cycles_missed_due",
    "cycles_to_evaluate",
    "on_certificate_issued",
    "on_certificate_renewed",
    "on_decision_made",
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
