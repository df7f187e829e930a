"""The customer's complaint pages (under the language prefix) and the public status page."""

from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/track/", views.track, name="track"),
    path("complaints/<str:reference>/", views.detail, name="detail"),
]
