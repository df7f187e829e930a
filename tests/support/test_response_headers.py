"""K2: every answer, errors and file downloads included, carries the security headers."""

import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tickets.intake import InboundAttachment, InboundMessage, intake_message
from tickets.models import Attachment, SlaPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def web() -> Client:
    """Over HTTPS (HSTS is only sent there), showing server errors as a browser gets them."""
    return Client(raise_request_exception=False, headers={"x-forwarded-proto": "https"})


@pytest.fixture
def attachment(customer, settings, tmp_path) -> Attachment:
    settings.MEDIA_ROOT = tmp_path
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    message = InboundMessage(
        channel="web",
        customer_email=customer.email,
        subject="Deposit missing",
        text="The receipt is attached.",
        attachments=(InboundAttachment("receipt.txt", "text/plain", b"tx 0xabc"),),
    )
    intake_message(message, customer=customer)
    return Attachment.objects.get()


def token(user) -> dict:
    return {"authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def assert_security_headers(response) -> None:
    assert "default-src" in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def fail(*args, **kwargs):
    raise RuntimeError("forced")


REQUESTS = {
    "page": ("get", "/en/", {}),
    "page 404": ("get", "/en/nothing-here/", {}),
    "page 400 (NUL)": ("get", "/en/help/search/?q=a%00b", {}),
    "page 413": ("post", "/en/accounts/log-in/", {"data": "x" * 3_000_000}),
    "page CSRF 403": ("post", "/en/accounts/log-in/", {"data": {"username": "a"}}),
    "api 401": ("get", "/api/v1/support/me/", {}),
    "api 404": ("get", "/api/v1/nothing-here/", {}),
    "api 405": ("put", "/api/v1/tickets/", {"data": "{}", "content_type": "application/json"}),
    "api 413": ("post", "/api/v1/tickets/", {"data": "x" * 3_000_000}),
    "schema": ("get", "/api/schema/", {}),
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_k2_pages_api_answers_and_errors_carry_the_security_headers(web, customer, name):
    """K2: 2xx, 4xx and the edge's refusals alike."""
    method, path, kwargs = REQUESTS[name]
    kwargs = dict(kwargs)
    if "content_type" not in kwargs and isinstance(kwargs.get("data"), str):
        kwargs["content_type"] = "application/json"
    web.handler.enforce_csrf_checks = name == "page CSRF 403"
    headers = token(customer) if path.startswith("/api/v1/tickets/") else {}

    response = getattr(web, method)(path, headers=headers, **kwargs)

    assert response.status_code >= 200
    assert_security_headers(response)


def test_k2_a_server_error_carries_the_security_headers(web, agent, monkeypatch):
    """K2: a 500 in the API."""
    monkeypatch.setattr("support.api.analyze", fail)

    response = web.post(
        "/api/v1/support/analyze/",
        json.dumps({"text": "hello"}),
        content_type="application/json",
        headers=token(agent),
    )

    assert response.status_code == 500
    assert_security_headers(response)


def test_k2_file_downloads_carry_the_security_headers(web, customer, attachment):
    """K2: attachments from the API and from the customer's pages."""
    api = web.get(f"/api/v1/tickets/attachments/{attachment.pk}/", headers=token(customer))
    web.force_login(customer)
    page = web.get(f"/attachments/{attachment.pk}/")

    assert (api.status_code, page.status_code) == (200, 200)
    assert_security_headers(api)
    assert_security_headers(page)
