"""A compensation (a complaint's remedy) above 1,000 needs a second approver, as a fee refund
does; admins edit the row."""

from decimal import Decimal

from django.db import migrations


def create_rule(apps, schema_editor):
    RemediationRule = apps.get_model("tickets", "RemediationRule")
    RemediationRule.objects.get_or_create(
        action="compensate", defaults={"above_amount": Decimal("1000")}
    )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0014_survey_defaults")]
    operations = [migrations.RunPython(create_rule, migrations.RunPython.noop)]
