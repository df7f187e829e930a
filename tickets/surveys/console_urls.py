"""The team lead's follow-ups in the console (/console/surveys/)."""

from django.urls import path

from tickets.surveys import views

app_name = "survey_console"

urlpatterns = [
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
]
