"""Applications that continue a certificate (recertification §3.5, extension §3.4.5, level change
§3.4.4) name the Certificate itself instead of its number as text. Numbers typed before are
resolved to the organisation's certificate where one has that number; the text goes."""

import django.db.models.deletion
from django.db import migrations, models


def link_typed_numbers(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Certificate = apps.get_model("certificates", "Certificate")
    typed = Application.objects.exclude(previous_certificate_number="").only(
        "pk", "organization_id", "previous_certificate_number"
    )
    for app in typed.iterator(chunk_size=500):
        found = (
            Certificate.objects.filter(
                organization_id=app.organization_id,
                number=app.previous_certificate_number.strip(),
            )
            .values_list("pk", flat=True)
            .first()
        )
        if found:
            Application.objects.filter(pk=app.pk).update(certificate_id=found)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_membership_history"),
        ("certificates", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="certificate",
            field=models.ForeignKey(
                blank=True,
                help_text="For recertification, extension and level change.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to="certificates.certificate",
                verbose_name="current certificate",
            ),
        ),
        migrations.AddField(
            model_name="historicalapplication",
            name="certificate",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="For recertification, extension and level change.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="certificates.certificate",
                verbose_name="current certificate",
            ),
        ),
        migrations.RunPython(link_typed_numbers, migrations.RunPython.noop),
        migrations.RemoveField(model_name="application", name="previous_certificate_number"),
        migrations.RemoveField(
            model_name="historicalapplication", name="previous_certificate_number"
        ),
    ]
