"""The complaint officers' and appeal reviewers' console."""

from django.urls import path

from complaints import console_views as views

app_name = "complaints_console"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:reference>/", views.complaint, name="complaint"),
]
