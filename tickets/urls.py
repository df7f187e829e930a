from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("tickets/", views.my_tickets, name="list"),
    path("tickets/<str:reference>/", views.ticket_detail, name="detail"),
    path("tickets/<str:reference>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<str:reference>/solve/", views.ticket_solve, name="solve"),
    path("tickets/<str:reference>/rate/", views.ticket_rate, name="rate"),
]
