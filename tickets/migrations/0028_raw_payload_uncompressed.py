"""Raw payloads are ciphertext (Fernet, base64), which PostgreSQL's default TOAST compression
cannot shrink: it tried on every insert and kept nothing (the 115 Zammad mails sealed: the same
13.3 MB either way), at 1.5 ms of PostgreSQL CPU per insert instead of 0.7. EXTERNAL stores
them out of line, uncompressed; rows already stored are not rewritten."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0027_mailbox_oauth"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE tickets_rawinbound ALTER COLUMN payload SET STORAGE EXTERNAL",
            reverse_sql="ALTER TABLE tickets_rawinbound ALTER COLUMN payload SET STORAGE EXTENDED",
        ),
    ]
