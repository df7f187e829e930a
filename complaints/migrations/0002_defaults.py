"""Complaint officers and appeal reviewers may ask for remedies (same approval rules as
tickets); the default stage targets: acknowledge within 24 hours, decide within 15 business
days, appeal within 14 days, decide an appeal within 10 business days."""

from django.db import migrations

REMEDY_ROLES = ("complaints_officer", "appeal_reviewer")
TARGETS = (
    ("acknowledge", 24, "hours", 4),
    ("decide", 15, "business_days", 48),
    ("appeal_window", 14, "days", 0),
    ("appeal_decide", 10, "business_days", 48),
)


def create_defaults(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    remediate = Permission.objects.filter(
        content_type__app_label="support", codename="remediate_account"
    ).first()
    if remediate is not None:
        for group in Group.objects.filter(name__in=REMEDY_ROLES):
            group.permissions.add(remediate)
    ComplaintTarget = apps.get_model("complaints", "ComplaintTarget")
    for target, amount, unit, warn in TARGETS:
        ComplaintTarget.objects.get_or_create(
            target=target, defaults={"amount": amount, "unit": unit, "warn_before_hours": warn}
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("support", "0002_roles")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
