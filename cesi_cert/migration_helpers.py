"""Helpers of migrations: granting model permissions to the role groups (from data migrations
with the historical ``apps``, and for flushed test databases with ``django.apps.apps``), and
checking existing rows before a constraint is added."""


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


def refuse_overlong_text(model_label: str, limits: dict[str, int]):
    """A ``RunPython`` function run before adding length checks to ``model_label``.

    Rows already longer than a new limit would make the constraint fail with a bare database
    error; this names them instead (model, id, field, length). What to keep of text a person
    wrote is a person's decision, so the migration cuts nothing.
    """

    def check(apps, schema_editor):
        from django.db.models.functions import Length

        model = apps.get_model(model_label)
        found = []
        for field, limit in limits.items():
            rows = model.objects.annotate(n=Length(field)).filter(n__gt=limit)
            found += [
                f"{model_label} #{pk} {field}: {n} characters (at most {limit})"
                for pk, n in rows.values_list("pk", "n")[:20]
            ]
        if found:
            raise RuntimeError(
                "Shorten these texts (or move them into a document) and migrate again:\n  "
                + "\n  ".join(found)
            )

    return check
