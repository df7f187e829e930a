from django.urls import path

from tickets.phone import customer_views

app_name = "phone"

urlpatterns = [
    path("callback/", customer_views.callback_page, name="callback"),
    path("callback/cancel/", customer_views.callback_withdraw, name="callback_cancel"),
]
