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

        # The organisation's members see its deadlines (the kernel's rows keep a plain id).
        from cesi_cert import scopes
        from cesi_cert.models import Deadline

        from .models import Membership

        scopes.grant(
            Deadline,
            "applications.members",
            lambda user: Deadline.objects.filter(
                organization_id__in=Membership.objects.filter(user=user).values("organization")
            ),
        )
