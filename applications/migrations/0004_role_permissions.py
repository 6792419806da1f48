"""What each role may see and change of this app in the admin."""

from django.db import migrations

from applications.reference_data import ROLE_GRANTS
from cesi_cert.migration_helpers import grant


def forwards(apps, schema_editor):
    grant(apps, ROLE_GRANTS)


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_schemes"), ("cesi_cert", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
