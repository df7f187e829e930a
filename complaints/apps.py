from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from complaints.demo import load_demo_complaints
        from complaints.figures import complaint_figures
        from complaints.panels import customer_complaints
        from support import registry

        registry.register_site_nav(
            key="complaints",
            label=_("Complaints"),
            description=_("Tell us where we treated you wrongly, and follow our decision."),
            url_name="complaints:list",
            order=50,
        )
        registry.register_nav(
            key="complaints",
            label=_("Complaints"),
            url_name="complaints_console:queue",
            permission=(
                "support.handle_complaints",
                "support.review_appeals",
                "support.supervise",
            ),
            order=40,
        )
        registry.register_customer_panel("complaints", customer_complaints, with_viewer=True)
        registry.register_dashboard_figure("complaints", complaint_figures, with_period=True)
        registry.register_demo_loader("complaints", load_demo_complaints)
        from complaints import customer_data

        customer_data.register()
        from complaints import customer_merge

        customer_merge.register()
