"""Every action on evaluations: the only writers of their state (STYLE §3)."""

from .execution import (
    evaluation_close_on_site,
    evaluation_request_rectification,
    evaluation_resubmit_documents,
    evaluation_start_document_review,
    evaluation_start_on_site,
    evaluation_submit_report,
    nonconformity_answer,
    nonconformity_raise,
    nonconformity_send_back,
    nonconformity_verify,
)
from .fieldwork import (
    activities_ensure_required,
    activity_record_result,
    evidence_record,
    report_blockers,
    subcontract_cancel,
    subcontract_receive,
    subcontract_request,
)
from .lifecycle import (
    evaluation_cancel,
    evaluation_open_for_application,
    evaluation_open_for_surveillance,
    on_contract_signed,
)
from .planning import (
    evaluation_accept_plan,
    evaluation_notify_plan,
    evaluation_plan,
    objection_raise,
    objection_resolve,
    team_member_add,
    team_member_remove,
    team_member_replace,
)
from .register import (
    conflict_declaration_save,
    eligibility_problems,
    qualification_save,
)
from .report import evaluation_publish_report, evaluation_store_report

__all__ = [
    "activities_ensure_required",
    "activity_record_result",
    "evidence_record",
    "report_blockers",
    "subcontract_cancel",
    "subcontract_receive",
    "subcontract_request",
    "evaluation_publish_report",
    "evaluation_store_report",
    "evaluation_close_on_site",
    "evaluation_request_rectification",
    "evaluation_resubmit_documents",
    "evaluation_start_document_review",
    "evaluation_start_on_site",
    "evaluation_submit_report",
    "nonconformity_answer",
    "nonconformity_raise",
    "nonconformity_send_back",
    "nonconformity_verify",
    "evaluation_cancel",
    "evaluation_open_for_application",
    "evaluation_open_for_surveillance",
    "on_contract_signed",
    "evaluation_accept_plan",
    "evaluation_notify_plan",
    "evaluation_plan",
    "objection_raise",
    "objection_resolve",
    "team_member_add",
    "team_member_remove",
    "team_member_replace",
    "conflict_declaration_save",
    "eligibility_problems",
    "qualification_save",
]
