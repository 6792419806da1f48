"""The five roles of SPEC.md as groups; each app grants its own permissions in its migrations."""

from django.db import migrations

ROLES = ["customer_service", "certification_business", "auditor", "technical_committee", "applicant"]


def create_roles(apps, schema_editor):
    from cesi_cert.roles import ensure_role_groups

    ensure_role_groups(apps.get_model("auth", "Group"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("cesi_cert", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, remove_roles)]
