from django.urls import path

from tickets import macro_views as views

app_name = "macros"

urlpatterns = [
    path("", views.macro_list, name="list"),
    path("new/", views.macro_new, name="new"),
    path("<int:pk>/", views.macro_edit, name="edit"),
    path("<int:pk>/deactivate/", views.macro_deactivate, name="deactivate"),
    path("<int:pk>/activate/", views.macro_activate, name="activate"),
    path("<int:pk>/used/", views.macro_use, name="used"),
]
