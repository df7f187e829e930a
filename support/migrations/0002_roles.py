"""Create one group per role with the permissions that role grants."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "customer": (),
    "agent": ("use_console", "view_customer_account"),
    "supervisor": (
        "use_console", "view_customer_account", "supervise", "remediate_account",
        "approve_remediation",
    ),
    "complaints_officer": ("use_console", "view_customer_account", "handle_complaints"),
    "appeal_reviewer": ("use_console", "view_customer_account", "review_appeals"),
    "admin": (
        "use_console", "view_customer_account", "supervise", "remediate_account",
        "approve_remediation", "handle_complaints", "review_appeals", "manage_content",
    ),
}


def create_roles(apps, schema_editor):
    app_config = apps.get_app_config("support")
    app_config.models_module = True  # lets create_permissions run inside a migration
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="support", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, remove_roles)]
