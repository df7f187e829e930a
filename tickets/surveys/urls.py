"""The survey pages, under the language prefix (config/urls.py's i18n_patterns)."""

from django.urls import path

from tickets.surveys import views

app_name = "surveys"

urlpatterns = [
    path("survey/nps/<str:token>/", views.nps, name="nps"),
    path("survey/<str:token>/", views.survey, name="answer"),
]
