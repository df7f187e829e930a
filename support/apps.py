from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support core")

    def ready(self) -> None:
        from support import checks, registry  # noqa: F401 - importing checks registers them

        registry.register_nav(
            key="home", label=_("Overview"), url_name="console:home", permission=None, order=0
        )
        registry.register_nav(
            key="dashboard",
            label=_("Dashboards"),
            url_name="console:dashboard",
            permission="support.supervise",
            order=80,
        )
