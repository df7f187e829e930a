"""Websocket routes of the ticket console (collected in config/websockets.py). Not in
tickets/routing.py, which routes tickets to teams and agents."""

from django.urls import path

from tickets import consumers
from tickets.dashboard_socket import DashboardSocket

websocket_urlpatterns = [
    path("ws/console/tickets/", consumers.QueueConsumer.as_asgi()),
    path("ws/console/tickets/<str:reference>/", consumers.TicketConsumer.as_asgi()),
    path("ws/console/dashboards/", DashboardSocket.as_asgi()),
]
