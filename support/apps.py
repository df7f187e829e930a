from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support core")

    def ready(self) -> None:
        # Importing checks registers them; health notes when this process started.
        from django.contrib.auth.signals import user_logged_in

        from support import audit_receivers, checks, factors, health, registry  # noqa: F401
        from support.official.services import connect_receivers as official_receivers
        from support.staff_addresses import connect_receivers

        connect_receivers()
        official_receivers()
        audit_receivers.connect_receivers()
        user_logged_in.connect(factors.signed_in, dispatch_uid="support.factors.signed_in")

        registry.register_nav(
            key="home", label=_("Overview"), url_name="console:home", permission=None, order=0
        )
        registry.register_nav(
            key="audit",
            label=_("Audit log"),
            url_name="audit:log",
            permission="support.supervise",
            order=90,
        )
        from support.data_rights import registration

        registration.register()
