"""Django's admin with our site (support.admin_site): in INSTALLED_APPS instead of
"django.contrib.admin". Imports nothing that needs the apps loaded."""

from django.contrib.admin.apps import AdminConfig


class AuditedAdminConfig(AdminConfig):
    default_site = "support.admin_site.AuditedAdminSite"
