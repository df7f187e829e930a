from django.urls import path

from tickets.identities import views

app_name = "identities"

urlpatterns = [
    path("account/linked/", views.linked, name="linked"),
    path("account/linked/code/", views.link_start, name="start"),
    path("account/linked/<int:pk>/confirm/", views.link_confirm, name="confirm"),
    path("account/linked/<int:pk>/unlink/", views.unlink, name="unlink"),
    path("account/linked/social/", views.social_start, name="social_start"),
    path("account/linked/social/<int:pk>/", views.social_state, name="social_state"),
]
