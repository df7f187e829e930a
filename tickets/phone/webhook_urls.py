from django.urls import path

from tickets.phone import webhook

urlpatterns = [path("<slug:key>/events", webhook.events, name="phone_events")]
