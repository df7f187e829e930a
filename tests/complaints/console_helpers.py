"""Helpers of the complaints console tests: a signed-in client per person, the URLs, a page's
text, and the form data of an action (its fields carry the action's prefix)."""

from django.test import Client
from django.urls import reverse

from complaints.models import Complaint


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(complaint: Complaint) -> str:
    return reverse("complaints_console:complaint", args=[complaint.reference])


def action_url(name: str, complaint: Complaint, *args) -> str:
    return reverse(f"complaints_console:{name}", args=[complaint.reference, *args])


def fields(name: str, **values) -> dict:
    """The POST data of action `name`'s form."""
    return {f"{name}-{key}": value for key, value in values.items()}


def post(client: Client, name: str, complaint: Complaint, **values):
    return client.post(action_url(name, complaint), fields(name, **values))


def text(response) -> str:
    return response.content.decode()


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)
