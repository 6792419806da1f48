"""What each role may see and change of this app in the admin."""

from django.db import migrations

from cesi_cert.migration_helpers import grant

MODELS = ["scheme", "organization", "site", "membership", "application", "applicationdocument",
          "contract", "contractamendment"]


def view(*models):
    return [f"applications.view_{m}" for m in models]


def change(*models):
    return [f"applications.{verb}_{m}" for m in models for verb in ("add", "change")]


GRANTS = {
    "customer_service": view(*MODELS)
    + change("scheme", "organization", "site", "membership", "applicationdocument")
    + ["applications.review_application", "applications.delete_applicationdocument",
       "cesi_cert.view_transitionlog"],
    "certification_business": view(*MODELS) + ["applications.change_scheme", "cesi_cert.view_transitionlog"],
    "technical_committee": view("scheme", "organization", "site", "application",
                                "applicationdocument", "contract"),
}


def forwards(apps, schema_editor):
    grant(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_schemes"), ("cesi_cert", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
