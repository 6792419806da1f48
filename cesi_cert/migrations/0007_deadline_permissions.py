from django.db import migrations

from cesi_cert.migration_helpers import grant


def grant_view(apps, schema_editor):
    # As cesi_cert.roles.KERNEL_GRANTS, written out: a migration keeps its data.
    grant(
        apps,
        {
            role: ["cesi_cert.view_deadline"]
            for role in ("customer_service", "certification_business", "technical_committee")
        },
    )


class Migration(migrations.Migration):
    dependencies = [("cesi_cert", "0006_deadlines")]

    operations = [migrations.RunPython(grant_view, migrations.RunPython.noop)]
