from django.urls import path

from tickets.phone import views

app_name = "phone_console"

urlpatterns = [
    path("calls/", views.calls, name="calls"),
    path("calls/new-ticket/", views.ticket_from_call, name="ticket_from_call"),
    path("tickets/<str:reference>/log-call/", views.ticket_log_call, name="log_call"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("callbacks/<int:pk>/take/", views.callback_take, name="callback_take"),
    path("callbacks/<int:pk>/put-back/", views.callback_put_back, name="callback_put_back"),
    path("callbacks/<int:pk>/call/", views.callback_call, name="callback_call"),
]
