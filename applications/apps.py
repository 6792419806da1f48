from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications and contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cesi_cert.transitions import register_actions

        from .actions import APPLICATION_ACTIONS
        from .models import Application

        register_actions(Application, APPLICATION_ACTIONS)

        from . import panels

        panels.register_all()
