"""The edge of every request: bad input gets a 4xx in the API's JSON error shape (a translated
page elsewhere), never a 500 and never an HTML page on the API."""

import json
from email.message import EmailMessage

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from support.parsers import MAX_JSON_DEPTH
from tickets.intake import InboundMessage, intake_message
from tickets.models import SlaPolicy, Ticket

pytestmark = pytest.mark.django_db

TICKETS = "/api/v1/tickets/"
TEN_MEGABYTES = 10 * 1024 * 1024


@pytest.fixture
def web() -> Client:
    """A client that shows the answer a browser gets instead of re-raising server errors."""
    return Client(raise_request_exception=False)


def token(user) -> dict:
    return {"authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def error_of(response) -> dict:
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "fields"} <= set(body["error"])
    return body["error"]


def open_ticket(customer, subject: str = "Withdrawal stuck") -> Ticket:
    SlaPolicy.objects.get_or_create(
        name="Default",
        defaults={
            "first_response_minutes": 60,
            "next_response_minutes": 120,
            "resolution_minutes": 480,
        },
    )
    message = InboundMessage(
        channel="web", customer_email=customer.email, subject=subject, text="Pending for hours."
    )
    return intake_message(message, customer=customer)


# --- C1: bodies over the limit ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_c1_ten_megabytes_of_json_get_a_413_in_the_error_shape(web, customer, who):
    """C1: a 10 MB JSON body to ticket create is refused with 413 before it is read or parsed."""
    headers = token(customer) if who == "customer" else {}
    body = json.dumps({"subject": "s", "text": "x" * TEN_MEGABYTES})

    response = web.post(TICKETS, body, content_type="application/json", headers=headers)

    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"
    assert Ticket.objects.count() == 0


def test_c1_an_oversized_form_on_a_page_gets_a_translated_413_page(web):
    """C1: pages answer a body over the limit with our page in the reader's language."""
    response = web.post(
        "/ko/accounts/log-in/",
        "username=" + "x" * TEN_MEGABYTES,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="ko">' in response.content.decode()


def raw_email_with(attachment: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "Owner <owner@example.com>"
    message["To"] = "support@example.com"
    message["Subject"] = "Deposit missing"
    message["Message-ID"] = "<big@mail.example>"
    message.set_content("The statement is attached.")
    message.add_attachment(attachment, maintype="text", subtype="plain", filename="statement.txt")
    return message.as_bytes()


def test_c1_the_mail_gateway_takes_a_raw_email_over_the_form_limit(web, agent, settings, tmp_path):
    """C1: raw emails have their own limit (EMAIL_MAX_BYTES), above the 2.5 MB of forms."""
    settings.MEDIA_ROOT = tmp_path
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    raw = raw_email_with(b"0xabc deposit line\n" * 150_000)
    assert len(raw) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = web.post(
        "/api/v1/tickets/inbound/email/", raw, content_type="message/rfc822", headers=token(agent)
    )

    assert response.status_code == 202
    assert Ticket.objects.get().reference == response.json()["reference"]


def test_c1_a_raw_email_over_its_own_limit_is_a_413(web, agent, settings):
    settings.EMAIL_MAX_BYTES = 1000
    raw = raw_email_with(b"x" * 5000)

    response = web.post(
        "/api/v1/tickets/inbound/email/", raw, content_type="message/rfc822", headers=token(agent)
    )

    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


# --- C2: nesting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "who"),
    [
        (TICKETS, "customer"),
        ("/api/v1/livechat/conversations/", "anonymous"),
        ("/api/v1/helpcenter/search/1/click/", "anonymous"),
    ],
)
def test_c2_json_nested_100k_deep_is_a_400(web, customer, path, who):
    """C2: `[` x 100,000 is a 400 naming the limit, for signed-in and anonymous callers alike."""
    headers = token(customer) if who == "customer" else {}

    response = web.post(path, "[" * 100_000, content_type="application/json", headers=headers)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "too_deep"
    assert str(MAX_JSON_DEPTH) in error["message"]


def test_c2_json_within_the_nesting_limit_is_parsed_and_validated(web, customer):
    """C2: below the limit the body is parsed as usual and the serializer answers."""
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    body = '{"subject": ' + nested + ', "text": "x"}'

    response = web.post(TICKETS, body, content_type="application/json", headers=token(customer))

    assert response.status_code == 400
    assert error_of(response)["fields"]["subject"] == ["Not a valid string."]


# --- C4: content types ------------------------------------------------------------------------


def test_c4_json_sent_as_text_plain_is_a_415(web, customer):
    """C4: a JSON body labelled text/plain is refused, not guessed."""
    body = json.dumps({"subject": "s", "text": "t"})

    response = web.post(TICKETS, body, content_type="text/plain", headers=token(customer))

    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    assert Ticket.objects.count() == 0


def test_c4_multipart_to_a_json_only_endpoint_is_a_415(web, customer):
    """C4: a ticket transition takes JSON only; a multipart form is refused, nothing changes."""
    ticket = open_ticket(customer)

    response = web.post(
        f"{TICKETS}{ticket.reference}/transitions/", {"to": "solved"}, headers=token(customer)
    )

    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    ticket.refresh_from_db()
    assert ticket.status != "solved"


def test_c4_multipart_to_staff_text_analysis_is_a_415(web, agent):
    """C4: the analysis endpoint takes JSON only."""
    response = web.post("/api/v1/support/analyze/", {"text": "hello"}, headers=token(agent))

    assert response.status_code == 415


# --- C5: methods ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_c5_methods_a_customer_endpoint_does_not_take_are_405(web, customer, method):
    """C5: PUT/PATCH/DELETE on tickets and their messages are 405 with an Allow header."""
    ticket = open_ticket(customer)
    for path in (
        TICKETS,
        f"{TICKETS}{ticket.reference}/",
        f"{TICKETS}{ticket.reference}/messages/",
    ):
        response = getattr(web, method)(
            path, "{}", content_type="application/json", headers=token(customer)
        )
        assert response.status_code == 405, path
        assert error_of(response)["code"] == "method_not_allowed"
        assert method.upper() not in response["Allow"]
    assert Ticket.objects.filter(pk=ticket.pk).exists()


# --- C6: paging, ordering and filters ---------------------------------------------------------


def test_c6_page_size_ordering_and_unlisted_filters_cannot_widen_or_leak(
    web, customer, other_customer, monkeypatch
):
    """C6: `page_size` is capped, `ordering=customer__password` and filters on fields that are
    not on the list are ignored; nothing of another customer or of a password comes back."""
    from tickets.api import TicketPagination

    monkeypatch.setattr(TicketPagination, "page_size", 2)
    mine = [open_ticket(customer, f"Ticket {n}").reference for n in range(3)]
    open_ticket(other_customer, "Not yours")

    response = web.get(
        TICKETS,
        {
            "page_size": "1000000",
            "ordering": "customer__password",
            "customer__password__startswith": "argon2",
            "customer": str(other_customer.pk),
        },
        headers=token(customer),
    )

    assert response.status_code == 200
    body = response.json()
    assert [t["reference"] for t in body["results"]] == mine[::-1][:2]
    assert body["next"]
    assert customer.password not in response.content.decode()
    assert "Not yours" not in response.content.decode()


# --- C7: injection-shaped parameters -----------------------------------------------------------

INJECTIONS = ["' OR 1=1--", "1;SELECT pg_sleep(10)", '"; DROP TABLE tickets_ticket;--']


@pytest.mark.parametrize("value", INJECTIONS)
def test_c7_sql_shaped_parameters_get_a_normal_answer_or_a_400(web, customer, value):
    """C7: filters, search terms and languages carrying SQL answer 200 (nothing matches) or 400,
    always in JSON; a garbage cursor is a 400, not a server error."""
    open_ticket(customer)
    headers = token(customer)
    for name in ("status", "priority", "category", "channel", "language"):
        response = web.get(TICKETS, {name: value}, headers=headers)
        assert response.status_code == 200, name
        assert response.json()["results"] == []
    cursor = web.get(TICKETS, {"cursor": value}, headers=headers)
    assert cursor.status_code in (200, 400)  # base64 decoding drops what is not base64
    search = web.get("/api/v1/helpcenter/search/", {"q": value})
    assert search.status_code == 200
    assert search.json()["results"] == []
    language = web.get("/api/v1/helpcenter/announcements/", {"lang": value})
    assert language.status_code == 400
    assert error_of(language)["code"] == "invalid"
    assert Ticket.objects.count() == 1


def test_c7_a_cursor_that_does_not_decode_is_a_400(web, customer):
    """C7: DRF answered a bad cursor with 404, as if the list were missing."""
    response = web.get(TICKETS, {"cursor": "abc"}, headers=token(customer))

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_cursor"


# --- C8: too many parts -----------------------------------------------------------------------


def multipart(parts: int, *, files: bool) -> str:
    filename = '; filename="a.txt"\r\nContent-Type: text/plain' if files else ""
    part = '--B\r\nContent-Disposition: form-data; name="f{n}"' + filename + "\r\n\r\nx\r\n"
    return "".join(part.format(n=n) for n in range(parts)) + "--B--\r\n"


@pytest.mark.parametrize("files", [False, True])
def test_c8_multipart_with_10000_parts_is_a_400_in_the_error_shape(web, customer, files):
    """C8: 10,000 fields or files in one multipart body are refused (CVE-2023-24580)."""
    response = web.post(
        TICKETS,
        multipart(10_000, files=files),
        content_type="multipart/form-data; boundary=B",
        headers=token(customer),
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "too_many_fields"
    assert Ticket.objects.count() == 0


def test_c8_a_page_form_with_10000_parts_gets_our_400_page(web, customer):
    """C8: the same on a page: a 400 page, not a server error."""
    web.force_login(customer)

    response = web.post(
        "/en/contact/",
        multipart(10_000, files=False),
        content_type="multipart/form-data; boundary=B",
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


# --- Characters PostgreSQL cannot store --------------------------------------------------------


def test_a_nul_byte_in_a_page_query_is_a_400_page(web):
    response = web.get("/en/help/search/?q=a%00b")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "NUL" in response.content.decode()


def test_a_nul_byte_in_an_api_query_is_a_400(web, customer):
    response = web.get(f"{TICKETS}?status=a%00b", headers=token(customer))

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_characters"


def test_a_nul_byte_in_a_path_is_a_400(web, customer):
    api = web.get(f"{TICKETS}T-1%00/", headers=token(customer))
    web.force_login(customer)
    page = web.get("/en/tickets/T-1%00/")

    assert api.status_code == 400
    assert error_of(api)["code"] == "invalid_characters"
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")


def test_a_nul_byte_in_a_token_or_a_session_cookie_is_a_400(web):
    api = web.get("/api/v1/support/me/", headers={"authorization": "Token abc\x00def"})
    web.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    page = web.get("/en/")

    assert api.status_code == 400
    assert error_of(api)["code"] == "invalid_characters"
    assert page.status_code == 400


def test_a_nul_byte_in_a_page_form_is_a_400(web):
    response = web.post(
        "/en/accounts/log-in/",
        "username=a%00b&password=x",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("value", ["a\x00b", "\ud800"])
def test_unstorable_characters_anywhere_in_json_are_a_400(web, customer, value):
    """Serializers check their own fields; the parser catches the rest (unknown fields, keys,
    values nested in lists) before any view sees them, naming the field where it can."""
    headers = token(customer)
    nested = json.dumps({"subject": "s", "text": "t", "extra": [{value: value}]})
    keyed = json.dumps({"subject": "s", "text": "t", value: "x"})

    in_a_field = web.post(TICKETS, nested, content_type="application/json", headers=headers)
    in_a_key = web.post(TICKETS, keyed, content_type="application/json", headers=headers)

    assert in_a_field.status_code == 400
    assert list(error_of(in_a_field)["fields"]) == ["extra"]
    assert in_a_key.status_code == 400
    assert error_of(in_a_key)["code"] == "invalid_characters"
    assert Ticket.objects.count() == 0


def test_a_content_length_that_is_not_a_number_is_a_400(web, customer):
    response = web.generic(
        "POST",
        TICKETS,
        b"{}",
        content_type="application/json",
        headers=token(customer),
        CONTENT_LENGTH="2x",
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


# --- Unknown paths and server errors ------------------------------------------------------------


def test_an_unknown_api_path_is_a_404_in_the_error_shape(web):
    response = web.get("/api/v1/nothing-here/", headers={"accept-language": "ja"})

    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "not_found"
    assert error["message"] not in ("", "Not found.")  # in the caller's language


@pytest.mark.parametrize(
    "path", ["/api/v1/support/me/", "/api/v1/helpcenter/announcements/?lang=xx"]
)
def test_a_browser_asking_for_html_still_gets_the_json_error_shape(web, path):
    """No browsable HTML API pages: an error is the documented JSON, whatever Accept says."""
    response = web.get(path, headers={"accept": "text/html"})

    assert response.status_code in (400, 401)
    assert error_of(response)["message"]


def test_a_browser_gets_json_answers_from_the_api(web):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = web.get("/api/v1/helpcenter/search/", {"q": "wallet"}, headers={"accept": accept})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_an_unknown_page_is_our_404_page_in_the_readers_language(web):
    response = web.get("/ko/nothing-here/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "/static/support/site" in html


def test_a_refused_page_is_our_403_page_in_the_readers_language(web, customer):
    web.force_login(customer)

    response = web.get("/console/", headers={"accept-language": "ja"})

    assert response.status_code == 403
    assert "/static/support/site" in response.content.decode()


def test_a_form_without_its_csrf_token_gets_our_403_page():
    web = Client(raise_request_exception=False, enforce_csrf_checks=True)

    response = web.post("/ja/accounts/log-in/", {"username": "a", "password": "b"})

    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "/static/support/site" in html


def test_k3_a_server_error_in_the_api_answers_json_with_a_request_id_and_no_detail(
    web, agent, monkeypatch, caplog
):
    """K3: a forced exception gives a generic message and a request id; no trace, no SQL."""

    def fail(*args, **kwargs):
        raise RuntimeError('relation "secret" does not exist: SELECT password FROM auth_user')

    monkeypatch.setattr("support.api.analyze", fail)

    response = web.post(
        "/api/v1/support/analyze/",
        json.dumps({"text": "hello"}),
        content_type="application/json",
        headers=token(agent),
    )

    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error"
    assert error["request_id"] == response["X-Request-ID"]
    assert error["request_id"] in error["message"]
    assert "SELECT" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert [r.request_id for r in logged] == [error["request_id"]]


def test_k3_a_server_error_on_a_page_is_our_page_with_the_request_id(web, monkeypatch):
    """K3: pages too: our look, the reader's language, the id to quote, no detail."""

    def fail(*args, **kwargs):
        raise RuntimeError("SELECT password FROM auth_user")

    monkeypatch.setattr("helpcenter.views.search_with_community", fail)

    response = web.get("/ja/help/search/?q=wallet")

    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert response["X-Request-ID"] in html
    assert "SELECT" not in html
