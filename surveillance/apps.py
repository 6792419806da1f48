from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveillanceConfig(AppConfig):
    name = "surveillance"
    verbose_name = _("Maintaining certification")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import wiring

        wiring.connect()
