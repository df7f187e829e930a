from django.urls import path

from helpcenter import api, verification_api

urlpatterns = [
    path("search/", api.SearchView.as_view(), name="helpcenter-search"),
    path("search/<int:pk>/click/", api.SearchClickView.as_view(), name="helpcenter-search-click"),
    path(
        "search/<int:pk>/deflection/",
        api.SearchDeflectionView.as_view(),
        name="helpcenter-search-deflection",
    ),
    path("verify/", verification_api.VerifyCheckView.as_view(), name="helpcenter-verify"),
    path("verify/code/", verification_api.VerifyCodeView.as_view(), name="helpcenter-verify-code"),
    path(
        "official-channels/",
        verification_api.OfficialChannelsView.as_view(),
        name="helpcenter-official-channels",
    ),
    path("announcements/", api.AnnouncementsView.as_view(), name="helpcenter-announcements"),
]
