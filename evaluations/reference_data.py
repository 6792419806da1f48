"""The permissions each role has on evaluations (written out in migration 0002 too)."""

_MODELS = (
    "evaluation",
    "teammember",
    "objection",
    "nonconformity",
    "auditorqualification",
    "conflictdeclaration",
    # migration 0008
    "activity",
    "activityfile",
    "subcontractedassessment",
    "meeting",
    "evidence",
    "evidencephoto",
)

#: 认证业务部 plans and keeps the auditor register; 客户服务部 follows. Changes go through the
#: services; "view" opens the admin pages, and the register's add/change forms save through
#: ``services.register`` (migration 0003).
EVALUATION_GRANTS = {
    "certification_business": [f"evaluations.view_{m}" for m in _MODELS]
    + [
        f"evaluations.{verb}_{m}"
        for m in ("auditorqualification", "conflictdeclaration")
        for verb in ("add", "change")
    ],
    "customer_service": [f"evaluations.view_{m}" for m in _MODELS],
}


def ensure_role_permissions() -> None:
    """Give the role groups this app's permissions again (a flushed test database)."""
    from django.apps import apps

    from cesi_cert.migration_helpers import grant

    grant(apps, EVALUATION_GRANTS)
