"""Evaluation pages: the portal's (mounted under /portal/) and the auditor workspace's."""

from django.urls import path, re_path

from .views import auditor, fieldwork, history, portal, portal_findings, report

#: Mounted in the portal namespace by the root URLconf.
portal_patterns = [
    path("evaluations/<int:pk>/", portal.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/visit.ics", portal.evaluation_ics, name="evaluation_ics"),
    path("evaluations/<int:pk>/report.pdf", portal.evaluation_report, name="evaluation_report"),
    path(
        "evaluations/<int:pk>/actions/<slug:name>/",
        portal_findings.EvaluationActionView.as_view(),
        name="evaluation_action",
    ),
    path(
        "nonconformities/<int:pk>/actions/<slug:name>/",
        portal_findings.NonconformityActionView.as_view(),
        name="nonconformity_action",
    ),
    path(
        "evaluations/<int:pk>/team/<int:member_pk>/object/",
        portal.evaluation_object,
        name="evaluation_object",
    ),
]

#: Mounted in the auditor namespace by the root URLconf.
auditor_patterns: list = [
    re_path(r"^history\.(?P<fmt>csv|xlsx)$", history.audit_history, name="audit_history"),
    path("evaluations/<int:pk>/", auditor.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/visit.ics", auditor.evaluation_ics, name="evaluation_ics"),
    path(
        "evaluations/<int:pk>/actions/<slug:name>/",
        auditor.EvaluationActionView.as_view(),
        name="evaluation_action",
    ),
    path(
        "evaluations/<int:pk>/nonconformities/",
        auditor.nonconformity_create,
        name="nonconformity_create",
    ),
    path(
        "evaluations/<int:pk>/documents/<int:document_pk>/",
        auditor.document_download,
        name="document_download",
    ),
    path(
        "nonconformities/<int:pk>/actions/<slug:name>/",
        auditor.NonconformityActionView.as_view(),
        name="nonconformity_action",
    ),
    path("verification/", auditor.verification_queue, name="verification_queue"),
    path("activities/<int:pk>/result/", fieldwork.activity_result, name="activity_result"),
    path("evaluations/<int:pk>/evidence/", fieldwork.evidence_create, name="evidence_create"),
    path("activity-files/<int:pk>/", fieldwork.activity_file_download, name="activity_file"),
    path("evidence-photos/<int:pk>/", fieldwork.evidence_photo, name="evidence_photo"),
    path("subcontracts/<int:pk>/report/", fieldwork.subcontract_report, name="subcontract_report"),
    path("evaluations/<int:pk>/report.pdf", report.report_download, name="evaluation_report"),
]
