from django.urls import path

from support import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("analyze/", api.AnalyzeView.as_view(), name="api-analyze"),
]
