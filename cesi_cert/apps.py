from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CesiCertConfig(AppConfig):
    name = "cesi_cert"
    verbose_name = _("Certification body")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import pdf  # noqa: F401 — registers the PDF system checks
        from .workspaces import register_inbox_panels

        register_inbox_panels()
