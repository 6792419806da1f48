"""The permissions each role has on certificates (written out in migration 0001 too)."""

_MODELS = ("certificate", "certificateversion", "subcertificate", "statuschange")

#: Customer service produces certificates and records status changes; certification business
#: supervises their use and proposes suspensions. "view" opens the admin pages; every change goes
#: through the services (transition buttons and object actions).
CERTIFICATE_GRANTS = {
    "certification_business": [f"certificates.view_{m}" for m in _MODELS],
    "customer_service": [f"certificates.view_{m}" for m in _MODELS],
}


def ensure_role_permissions() -> None:
    """Give the role groups this app's permissions again (a flushed test database)."""
    from django.apps import apps

    from cesi_cert.migration_helpers import grant

    grant(apps, CERTIFICATE_GRANTS)
