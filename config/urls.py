from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from support import views as support_views
from support.urls import console_patterns

api_v1 = [
    path("support/", include("support.api_urls")),
]

urlpatterns = [
    path("healthz", support_views.healthz, name="healthz"),
    path("i18n/set-language/", support_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("console/", include(console_patterns)),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
]

urlpatterns += i18n_patterns(
    path("", include("support.urls")),
    prefix_default_language=True,
)
