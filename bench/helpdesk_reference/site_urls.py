"""URLs of the throwaway django-helpdesk site: helpdesk at the root, as its docs show."""

from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
