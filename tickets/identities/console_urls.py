from django.urls import path

from tickets.identities import console_views as views

app_name = "customer_merges"

urlpatterns = [
    path("<int:pk>/merge/", views.merge_page, name="merge"),
    path("merges/<int:pk>/undo/", views.unmerge, name="undo"),
]
