"""The five schemes of 附录 2, with the public facts of SPEC.md (staff may correct them)."""

from django.db import migrations

from applications.reference_data import SCHEMES, ensure_schemes


def create(apps, schema_editor):
    ensure_schemes(apps.get_model("applications", "Scheme"))


def remove(apps, schema_editor):
    apps.get_model("applications", "Scheme").objects.filter(code__in=[r["code"] for r in SCHEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_initial")]
    operations = [migrations.RunPython(create, remove)]
