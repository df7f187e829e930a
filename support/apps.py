from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support core")

    def ready(self) -> None:
        # Importing checks registers them; health notes when this process started.
        from support import checks, health, registry  # noqa: F401
        from support.staff_addresses import connect_receivers

        connect_receivers()

        registry.register_nav(
            key="home", label=_("Overview"), url_name="console:home", permission=None, order=0
        )
        from support.data_rights import registration

        registration.register()
