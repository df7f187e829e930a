"""The API keeps the contract it publishes at /api/schema/.

Schemathesis generates requests from the schema (valid and invalid ones) and sends them to the
WSGI application gunicorn serves, in this process, against the test database, as an anonymous
caller, a customer and a staff member (token authentication). Every answer must be one of the
documented status codes, with the documented content type, headers and body shape, and never a
server error. The number of examples per operation is bounded and the generation is
deterministic, so a failure replays the same way.
"""

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from livechat.models import ChatAttachment
from tickets.models import SlaPolicy

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 20
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# Objects that exist in the test's database, so that generated requests reach real objects as
# well as missing ones: path parameter values per path, filled in by the `known` fixture.
KNOWN: dict[str, dict[str, list]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters: dict | None) -> st.SearchStrategy:
    if not path_parameters:
        return st.just(path_parameters)
    choices = [path_parameters]
    for name, values in KNOWN.get(context.operation.path, {}).items():
        if name in path_parameters:
            choices += [{**path_parameters, name: value} for value in values]
    return st.sampled_from(choices)


schemathesis.serializer.alias("message/rfc822", "application/octet-stream")


@pytest.fixture
def keep_the_test_transaction():
    """Django closes the connection when a request ends; in a test that would end the test's
    transaction. Django's test client turns this off around each of its own requests (and on
    again after), so this is set up after the `known` fixture's requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def known(customer, settings, tmp_path):
    """A ticket and a chat, each with a file, and a recorded search, made through the API."""
    settings.MEDIA_ROOT = tmp_path
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    client = Client()
    client.force_login(customer)
    receipt = SimpleUploadedFile("receipt.txt", b"tx 0xabc", content_type="text/plain")
    ticket = client.post(
        "/api/v1/tickets/", {"subject": "Deposit", "text": "Missing", "attachments": [receipt]}
    ).json()
    messages = client.get(f"/api/v1/tickets/{ticket['reference']}/messages/").json()
    chat = client.post(
        "/api/v1/livechat/conversations/", {}, content_type="application/json"
    ).json()
    search = client.get("/api/v1/helpcenter/search/", {"q": "wallet", "lang": "en"}).json()
    if "id" in chat:
        client.post(
            f"/api/v1/livechat/conversations/{chat['id']}/attachments/",
            {
                "file": SimpleUploadedFile("statement.pdf", PDF, "application/pdf"),
                "client_id": "c1",
            },
        )
    chat_files = list(ChatAttachment.objects.values_list("pk", flat=True))
    KNOWN.clear()
    for operation in schema.get_all_operations():
        path = operation.ok().path
        values = {}
        if "{reference}" in path:
            values["reference"] = [ticket["reference"]]
        elif path == "/api/v1/tickets/attachments/{id}/":
            values["id"] = [a["id"] for m in messages for a in m["attachments"]]
        elif path == "/api/v1/livechat/attachments/{id}/":
            values["id"] = chat_files
        elif path.startswith("/api/v1/livechat/conversations/{id}/"):
            values["id"] = [chat["id"]] if "id" in chat else []
        elif path.startswith("/api/v1/helpcenter/search/{id}/"):
            values["id"] = [search["search_id"]] if search.get("search_id") else []
        KNOWN[path] = values
    yield
    KNOWN.clear()


@pytest.fixture(params=["anonymous", "customer", "staff"])
def caller(request, customer, agent, known, keep_the_test_transaction) -> dict:
    user = {"anonymous": None, "customer": customer, "staff": agent}[request.param]
    if user is None:
        return {}
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_published_contract(case, caller):
    case.call_and_validate(headers=caller, checks=CHECKS)
