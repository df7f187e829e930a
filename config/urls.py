from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from support import views as support_views
from support.urls import console_patterns
from tickets import views as ticket_views
from tickets.channels.file_links import channel_file
from tickets.channels.webhooks import channel_webhook

api_v1 = [
    path("support/", include("support.api_urls")),
    path("livechat/", include("livechat.api_urls")),
    path("tickets/", include("tickets.api_urls")),
    path("helpcenter/", include("helpcenter.api_urls")),
    path("complaints/", include("complaints.api_urls")),
]

urlpatterns = [
    path("healthz", support_views.healthz, name="healthz"),
    path("favicon.ico", support_views.favicon, name="favicon"),
    path("i18n/set-language/", support_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("console/tickets/", include("tickets.console_urls")),
    path("console/chats/", include("livechat.console_urls")),
    path("console/customers/", include("tickets.customer_urls")),
    path("console/customers/", include("tickets.identities.console_urls")),
    path("console/macros/", include("tickets.macro_urls")),
    path("console/complaints/", include("complaints.console_urls")),
    path("console/reviews/", include("tickets.reviews.urls")),
    path("console/surveys/", include("tickets.surveys.console_urls")),
    path("console/dashboards/", include("tickets.dashboards.urls")),
    path("console/phone/", include("tickets.phone.console_urls")),
    path("console/audit/", include("support.audit_urls")),
    path("console/", include(console_patterns)),
    path("channels/phone/", include("tickets.phone.webhook_urls")),
    path("attachments/<int:pk>/", ticket_views.attachment_download, name="ticket_attachment"),
    path("channels/files/<str:token>", channel_file, name="channel_file"),
    path(
        "channels/<str:provider>/<str:account>/webhook",
        channel_webhook,
        name="channel_webhook",
    ),
    path("api/v1/", include(api_v1)),
    path("sitemap.xml", include("helpcenter.sitemaps")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
]

urlpatterns += i18n_patterns(
    path("", include("support.urls")),
    path("", include("tickets.urls")),
    path("", include("tickets.phone.urls")),
    path("", include("tickets.identities.urls")),
    path("help/", include("helpcenter.urls")),
    path("chat/", include("livechat.urls")),
    path("", include("complaints.urls")),
    path("", include("tickets.surveys.urls")),
    prefix_default_language=True,
)

handler400 = "support.error_views.bad_request"
handler403 = "support.error_views.permission_denied"
handler404 = "support.error_views.page_not_found"
handler500 = "support.error_views.server_error"
