"""Every API endpoint × every persona: owner, outsider (another customer), agent, supervisor,
anonymous. A refused request changes nothing."""

import pytest
from rest_framework.test import APIClient

from tickets.intake import InboundAttachment
from tickets.models import Event, Message, Ticket

PERSONAS = ("anonymous", "owner", "outsider", "agent", "supervisor")

# endpoint: (method, path under the ticket or "/api/v1/tickets/…", payload, expected per persona)
MATRIX = {
    "list": ("get", "/api/v1/tickets/", None, (401, 200, 200, 200, 200)),
    "retrieve": ("get", "{t}/", None, (401, 200, 404, 200, 200)),
    "messages": ("get", "{t}/messages/", None, (401, 200, 404, 200, 200)),
    "reply": ("post", "{t}/messages/", {"body": "hello"}, (401, 201, 404, 201, 201)),
    "transition": ("post", "{t}/transitions/", {"to": "pending"}, (401, 403, 404, 200, 200)),
    "solve": ("post", "{t}/transitions/", {"to": "solved"}, (401, 200, 404, 200, 200)),
    "priority": ("post", "{t}/priority/", {"priority": "high"}, (401, 403, 403, 200, 200)),
    "assign": ("post", "{t}/assign/", {"assignee": None}, (401, 403, 403, 200, 200)),
    "link": (
        "post",
        "{t}/links/",
        {"kind": "related", "reference": "{o}"},
        (401, 403, 403, 200, 200),
    ),
    "incident": ("post", "{t}/incident-replies/", {"body": "x"}, (401, 403, 403, 201, 201)),
    "rating": ("post", "{t}/rating/", {"score": 5}, (401, 409, 404, 403, 403)),
    "attachment": ("get", "/api/v1/tickets/attachments/{a}/", None, (401, 200, 404, 200, 200)),
    "macros": ("get", "/api/v1/tickets/macros/", None, (401, 403, 403, 200, 200)),
    "sla": ("get", "/api/v1/tickets/sla-policies/", None, (401, 403, 403, 200, 200)),
}


def snapshot() -> tuple:
    return (
        list(Ticket.objects.order_by("id").values_list("version", "status", "priority")),
        Message.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", MATRIX)
def test_permission_matrix(
    endpoint,
    persona,
    customer,
    other_customer,
    agent,
    supervisor,
    policy,
    receive,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    ticket = receive(attachments=(InboundAttachment("a.png", "image/png", b"\x89PNG\r\n\x1a\n"),))
    other = receive(external_id="other")
    method, path, payload, expected = MATRIX[endpoint]
    values = {
        "t": f"/api/v1/tickets/{ticket.reference}",
        "o": other.reference,
        "a": ticket.attachments.get().pk,
    }
    url = path.format(**values)
    if payload:
        payload = {
            key: value.format(**values) if isinstance(value, str) else value
            for key, value in payload.items()
        }
    client = APIClient()
    user = {
        "owner": customer,
        "outsider": other_customer,
        "agent": agent,
        "supervisor": supervisor,
    }.get(persona)
    if user is not None:
        client.force_authenticate(user)
    before = snapshot()
    response = getattr(client, method)(url, payload, format="json")
    assert response.status_code == expected[PERSONAS.index(persona)], response.content
    if response.status_code >= 400:
        assert snapshot() == before
