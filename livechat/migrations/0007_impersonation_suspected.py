from django.db import migrations, models


def flag_warned_chats(apps, schema_editor):
    """Chats warned before the flag existed: their event says so."""
    Conversation = apps.get_model("livechat", "Conversation")
    warned = Conversation.objects.filter(events__kind="impersonation_suspected")
    Conversation.objects.filter(pk__in=warned.values("pk")).update(impersonation_suspected=True)


class Migration(migrations.Migration):
    dependencies = [
        ("livechat", "0006_channel_chats"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="impersonation_suspected",
            field=models.BooleanField(default=False, verbose_name="impersonation suspected"),
        ),
        migrations.RunPython(flag_warned_chats, migrations.RunPython.noop),
    ]
