from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from support import factor_views, views
from support.data_rights import urls as data_rights_urls
from support.factor_gate import factor_exempt

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/sign-up/", views.sign_up, name="sign_up"),
    path("accounts/log-in/", views.LogInView.as_view(), name="login"),
    path("accounts/log-out/", factor_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/two-factor/", factor_views.settings_page, name="two_factor_settings"),
    path("accounts/two-factor/verify/", factor_views.verify, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", factor_views.enrol, name="two_factor_enrol"),
    path("accounts/two-factor/confirm/", factor_views.reauthenticate, name="two_factor_reauth"),
    path("accounts/two-factor/turn-off/", factor_views.disable, name="two_factor_disable"),
    path(
        "accounts/password-reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="support/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="support/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="support/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

console_patterns = (
    [
        path("", views.console_home, name="home"),
        path("dashboard/", views.console_dashboard, name="dashboard"),
    ],
    "console",
)

# A customer's data rights (support/data_rights/): the customer's pages and the console's.
urlpatterns += data_rights_urls.site_patterns
console_patterns[0].extend(data_rights_urls.console_patterns)
