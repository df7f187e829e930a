from django.urls import path

from helpcenter import api

urlpatterns = [
    path("search/", api.SearchView.as_view(), name="helpcenter-search"),
]
