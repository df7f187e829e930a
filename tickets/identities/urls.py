from django.urls import path

from tickets.identities import views

app_name = "identities"

urlpatterns = [
    path("account/linked/", views.linked, name="linked"),
    path("account/linked/code/", views.link_start, name="start"),
    path("account/linked/<int:pk>/confirm/", views.link_confirm, name="confirm"),
]
