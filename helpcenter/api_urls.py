from django.urls import path

from helpcenter import api

urlpatterns = [
    path("search/", api.SearchView.as_view(), name="helpcenter-search"),
    path("announcements/", api.AnnouncementsView.as_view(), name="helpcenter-announcements"),
]
