"""Ticket references (T-001000, …) come from their own sequence, independent of the pk."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS tickets_reference_seq START 1000",
            "DROP SEQUENCE IF EXISTS tickets_reference_seq",
        )
    ]
