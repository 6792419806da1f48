from django.db import migrations

from cesi_cert.migration_helpers import grant


def grant_register(apps, schema_editor):
    # As evaluations.reference_data.EVALUATION_GRANTS, written out: a migration keeps its data.
    # 认证业务部 keeps the auditor register through the admin's forms (saved by the services).
    grant(
        apps,
        {
            "certification_business": [
                f"evaluations.{verb}_{model}"
                for model in ("auditorqualification", "conflictdeclaration")
                for verb in ("add", "change")
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0002_role_permissions")]

    operations = [migrations.RunPython(grant_register, migrations.RunPython.noop)]
