"""The permissions each role has on surveillance (written out in migration 0002 too)."""

_MODELS = (
    "organizationnotice",
    "noticeattachment",
    "case",
    "surveillancecycle",
    "changerequest",
    "changerequestattachment",
    "scopereduction",
    "scopereductionattachment",
    "requirementchange",
    "requirementverification",
    "extrasurveillance",
)

#: Customer service receives and decides notifications; 认证业务部 follows them and decides
#: cases with customer service; the committee reads. Changes go through the services; "view"
#: opens the admin pages.
SURVEILLANCE_GRANTS = {
    "customer_service": [f"surveillance.view_{m}" for m in _MODELS],
    "certification_business": [f"surveillance.view_{m}" for m in _MODELS],
    "technical_committee": [f"surveillance.view_{m}" for m in _MODELS],
}


def ensure_role_permissions() -> None:
    """Give the role groups this app's permissions again (a flushed test database)."""
    from django.apps import apps

    from cesi_cert.migration_helpers import grant

    grant(apps, SURVEILLANCE_GRANTS)
