from django.urls import path

from tickets.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.supervisor_dashboard, name="supervisor"),
    path("me/", views.my_figures, name="me"),
    path("agents/", views.team_agents, name="agents"),
]
