from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CesiCertConfig(AppConfig):
    name = "cesi_cert"
    verbose_name = _("Certification body")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import deadlines, notices, pdf  # noqa: F401 — pdf registers its system checks
        from .workspaces import register_deadline_panels, register_inbox_panels

        register_inbox_panels()
        register_deadline_panels()
        deadlines.register_builtin_sweeps()
