from django.db import migrations

from cesi_cert.migration_helpers import grant

_MODELS = (
    "evaluation",
    "teammember",
    "objection",
    "nonconformity",
    "auditorqualification",
    "conflictdeclaration",
)


def grant_view(apps, schema_editor):
    # As evaluations.reference_data.EVALUATION_GRANTS, written out: a migration keeps its data.
    grant(
        apps,
        {
            "certification_business": [f"evaluations.view_{m}" for m in _MODELS],
            "customer_service": [f"evaluations.view_{m}" for m in _MODELS],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0001_initial"),
        ("cesi_cert", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_view, migrations.RunPython.noop)]
