from django.urls import path

from helpcenter import api

urlpatterns = [
    path("search/", api.SearchView.as_view(), name="helpcenter-search"),
    path("search/<int:pk>/click/", api.SearchClickView.as_view(), name="helpcenter-search-click"),
    path(
        "search/<int:pk>/deflection/",
        api.SearchDeflectionView.as_view(),
        name="helpcenter-search-deflection",
    ),
    path("announcements/", api.AnnouncementsView.as_view(), name="helpcenter-announcements"),
]
