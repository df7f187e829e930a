from django.urls import path

from support.data_rights import views

# Under the site's language prefix (support/urls.py).
site_patterns = [
    path("accounts/data/", views.data_page, name="data_page"),
    path("accounts/data/request/", views.data_export_request, name="data_export_request"),
    path(
        "accounts/data/download/<str:token>/",
        views.data_export_download,
        name="data_export_download",
    ),
]

# In the console's namespace (console:…).
console_patterns = [
    path("data-rights/", views.console_page, name="data_rights"),
    path("data-rights/erasures/new/", views.erasure_new, name="erasure_new"),
    path("data-rights/erasures/<int:pk>/approve/", views.erasure_approve, name="erasure_approve"),
    path("data-rights/erasures/<int:pk>/reject/", views.erasure_reject, name="erasure_reject"),
    path("data-rights/holds/new/", views.hold_new, name="hold_new"),
    path("data-rights/holds/<int:pk>/release/", views.hold_release, name="hold_release"),
]
