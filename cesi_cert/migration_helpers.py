"""Granting model permissions to the role groups: from data migrations (historical ``apps``)
and for flushed test databases (the live registry, ``django.apps.apps``)."""


def grant(apps, grants: dict[str, list[str]]) -> None:
    """``grants``: role → ["app_label.codename", …]; creates missing permissions first."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        saved = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
