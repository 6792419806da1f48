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
    on_decision_made,
)
from .extra import surveillance_add_extra
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
from .requirements import (
    MISSED_REQUIREMENTS_SWEEP,
    requirement_change_create,
    requirement_change_publish,
    requirement_verification_confirm,
    requirement_verification_miss,
    requirement_verification_refuse,
    requirement_verification_verify,
    requirement_verifications_ensure,
    requirements_missed_due,
)

__all__ = [
    "MISSED_REQUIREMENTS_SWEEP",
    "requirement_change_create",
    "requirement_change_publish",
    "requirement_verification_confirm",
    "requirement_verification_miss",
    "requirement_verification_refuse",
    "requirement_verification_verify",
    "requirement_verifications_ensure",
    "requirements_missed_due",
    "surveillance_add_extra",
    "LATE_SWEEP",
    "MISSED_SWEEP",
    "OPEN_SWEEP",
    "cycle_close_missed",
    "cycle_ensure",
    "cycle_open_evaluation",
    "cycles_missed_due",
    "cycles_to_evaluate",
    "on_certificate_issued",
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
