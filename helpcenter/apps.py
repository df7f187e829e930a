from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpcenterConfig(AppConfig):
    name = "helpcenter"
    verbose_name = _("Help center")

    def ready(self) -> None:
        from helpcenter import metrics
        from helpcenter.demo import load_demo_articles
        from helpcenter.selectors import customer_feedback_rows, dashboard_panel
        from support import registry

        registry.register_demo_loader("helpcenter", load_demo_articles)
        registry.register_dashboard_figure("helpcenter", dashboard_panel)
        registry.register_customer_panel("help center", customer_feedback_rows)
        registry.register_metric("helpcenter.deflection", metrics.deflection_figures)
        registry.register_metric("helpcenter.unanswered_searches", metrics.unanswered_searches)
        registry.register_nav(
            key="helpcenter",
            label=_("Help-center content"),
            url_name="admin:helpcenter_article_changelist",
            permission="support.manage_content",
            order=80,
        )
        registry.register_site_nav(
            key="help",
            label=_("Help center"),
            description=_("Step-by-step answers about deposits, withdrawals, KYC, 2FA and fees."),
            url_name="helpcenter:home",
            order=10,
        )
        from helpcenter import customer_data

        customer_data.register()
