# ruff: noqa: E501
"""Files of agents' replies on chat channels followed one by one (tickets.FileDelivery): the
Telegram replies written before keep their files, moved from the outbox row's list (which now
holds only a live chat's files)."""

import django.db.models.deletion
from django.db import migrations, models

TEXT_PART = 4096


def move_telegram_files(apps, schema_editor):
    """Each file of a Telegram reply still waiting becomes a FileDelivery row, sent already
    when the row's parts_sent counted it (its text pieces came first)."""
    TelegramOutbox = apps.get_model("tickets", "TelegramOutbox")
    Attachment = apps.get_model("tickets", "Attachment")
    FileDelivery = apps.get_model("tickets", "FileDelivery")
    rows = TelegramOutbox.objects.exclude(attachments=[]).filter(message__isnull=False)
    for row in list(rows):
        pieces = [row.text[i : i + TEXT_PART] for i in range(0, len(row.text), TEXT_PART)]
        files_sent = max(row.parts_sent - len([p for p in pieces if p.strip()]), 0)
        for index, file in enumerate(row.attachments):
            attachment = Attachment.objects.filter(
                message_id=row.message_id, file=file.get("name", "")
            ).first()
            if attachment is None:
                continue
            done = row.sent_at or (row.created_at if index < files_sent else None)
            FileDelivery.objects.get_or_create(
                attachment=attachment,
                defaults={
                    "sent_at": done,
                    "failed_at": row.failed_at if done is None else None,
                    "failure": "refused" if row.failed_at and done is None else "",
                    "attempts": row.attempts,
                },
            )
        TelegramOutbox.objects.filter(pk=row.pk).update(attachments=[])


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0039_telegram_callback_answers"),
    ]

    operations = [
        migrations.AddField(
            model_name="socialoutbox",
            name="failure",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.CreateModel(
            name="FileDelivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("failed_at", models.DateTimeField(blank=True, null=True)),
                ("failure", models.CharField(blank=True, default="", max_length=16, verbose_name="failure")),
                ("detail", models.TextField(blank=True, default="")),
                ("provider_ref", models.CharField(blank=True, default="", max_length=100)),
                ("attachment", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="delivery", to="tickets.attachment")),
            ],
            options={
                "verbose_name": "file sent on a channel",
                "verbose_name_plural": "files sent on channels",
                "ordering": ["attachment_id"],
            },
        ),
        migrations.RunPython(move_telegram_files, migrations.RunPython.noop),
    ]
