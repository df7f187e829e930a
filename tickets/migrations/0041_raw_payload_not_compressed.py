"""A raw payload is sealed (encrypted) before it is stored, so PostgreSQL's attempt to compress
it never succeeds and cost 0.75 ms of its CPU per inbound email or webhook (an 80 KB mail):
the column is stored out of line without that attempt. Rows stored before are unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tickets", "0040_channel_files")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE tickets_rawinbound ALTER COLUMN payload SET STORAGE EXTERNAL",
            reverse_sql="ALTER TABLE tickets_rawinbound ALTER COLUMN payload SET STORAGE EXTENDED",
        )
    ]
