from django.db import migrations

from cesi_cert.migration_helpers import grant

_MODELS = ("organizationnotice", "noticeattachment", "case")


def grant_view(apps, schema_editor):
    # As surveillance.reference_data.SURVEILLANCE_GRANTS, written out: a migration keeps its data.
    grant(
        apps,
        {
            role: [f"surveillance.view_{m}" for m in _MODELS]
            for role in ("customer_service", "certification_business", "technical_committee")
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("surveillance", "0001_initial"),
        ("cesi_cert", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_view, migrations.RunPython.noop)]
