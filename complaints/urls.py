"""The customer's complaint pages (under the language prefix) and the public status page."""

from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/track/", views.track, name="track"),
    path("complaints/track/status/", views.track_status, name="track_status"),
    path("complaints/<str:reference>/", views.detail, name="detail"),
    path("complaints/<str:reference>/reply/", views.reply, name="reply"),
    path("complaints/<str:reference>/appeal/", views.appeal, name="appeal"),
    path("complaints/<str:reference>/accept/", views.accept, name="accept"),
    path("complaints/<str:reference>/withdraw/", views.withdraw, name="withdraw"),
    path("complaints/<str:reference>/files/<int:pk>/", views.attachment, name="attachment"),
]
