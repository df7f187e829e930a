"""Two-factor sign-in: staff give a TOTP code (or a recovery code) after their password on every
entry point; enrolment at the first sign-in; wrong and reused codes are refused and counted;
customers may turn it on for the portal."""

import re

import pytest
from asgiref.sync import async_to_sync
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from support.audit_models import AuditEntry
from support.roles import Role
from tests.conftest import (
    PASSWORD,
    make_person,
    recovery_code,
    sign_in_password_only,
    totp_code,
    totp_device,
)
from tests.livechat.conftest import ORIGIN, WebsocketCommunicator, websocket_app

VERIFY = "/en/accounts/two-factor/verify/"
ENROL = "/en/accounts/two-factor/set-up/"
SETTINGS = "/en/accounts/two-factor/"


def password_only(user) -> Client:
    client = Client()
    sign_in_password_only(client, user)
    return client


def give_code(client: Client, code: str, field: str = "otp_token", next_url: str = ""):
    return client.post(f"{VERIFY}?next={next_url}" if next_url else VERIFY, {field: code})


# --- A session with the password only reaches nothing staff-only -------------------------------
@pytest.mark.parametrize("path", ["/console/", "/console/tickets/", "/admin/", "/admin/auth/user/"])
def test_staff_pages_send_a_password_only_session_to_the_code(db, agent, admin_user, path):
    """F15: Staff pages send a password only session to the code."""
    person = admin_user if path.startswith("/admin/") else agent

    response = password_only(person).get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next={path.replace('/', '%2F')}"


def test_the_staff_api_refuses_a_password_only_session_with_a_reason(db, agent):
    """F15: The staff api refuses a password only session with a reason."""
    response = password_only(agent).post(
        "/api/v1/support/analyze/", {"text": "hi"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "second_factor_required",
        "message": "Finish signing in with your second factor first.",
        "fields": {},
    }


def test_the_api_refusal_is_translated(db, agent):
    client = password_only(agent)
    client.cookies["support_language"] = "ko"  # the language the person picked

    response = client.post(
        "/api/v1/support/analyze/", {"text": "hi"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["message"] == "2단계 인증을 먼저 완료해 주세요."


@pytest.mark.django_db(transaction=True)
def test_the_console_socket_refuses_a_password_only_session(agent):
    """F15: The console socket refuses a password only session."""
    client = password_only(agent)
    cookie = (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())

    async def connect() -> tuple[dict, int]:
        socket = WebsocketCommunicator(
            websocket_app(), "/ws/console/tickets/?view=mine", headers=[ORIGIN, cookie]
        )
        assert (await socket.connect())[0]  # accepted only to say why
        return await socket.receive_json_from(), await socket.receive_close()

    frame, _code = async_to_sync(connect)()
    assert frame["type"] == "error" and frame["code"] == "forbidden"


@pytest.mark.django_db(transaction=True)
def test_the_console_socket_serves_a_session_that_gave_the_factor(agent):
    client = Client()
    client.force_login(agent)  # the tests' sign-in passes the factor as the verify page does
    cookie = (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())

    async def connect() -> dict:
        socket = WebsocketCommunicator(
            websocket_app(), "/ws/console/tickets/?view=mine", headers=[ORIGIN, cookie]
        )
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "ping"})
        answer = await socket.receive_json_from()
        await socket.disconnect()
        return answer

    assert async_to_sync(connect)() == {"type": "pong"}


def test_an_api_token_is_made_only_for_staff_with_a_factor(db, team):
    fresh = make_person("fresh@example.com", Role.AGENT)
    TOTPDevice.objects.filter(user=fresh).delete()

    with pytest.raises(CommandError, match="no second factor"):
        call_command("drf_create_token", fresh.username)
    totp_device(fresh)
    call_command("drf_create_token", fresh.username)


# --- Signing in ------------------------------------------------------------------------------
def test_the_log_in_form_leads_staff_to_the_code_then_the_console(db, agent):
    client = Client()

    response = client.post("/en/accounts/log-in/", {"username": agent.email, "password": PASSWORD})
    assert response["Location"] == f"{VERIFY}?next=%2Fconsole%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'autocomplete="one-time-code"' in page.content
    assert b'inputmode="numeric"' in page.content

    response = give_code(client, totp_code(totp_device(agent)), next_url="/console/")

    assert response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_a_code_is_accepted_once(db, agent):
    """F15: A code is accepted once."""
    code = totp_code(totp_device(agent))
    first, second = password_only(agent), password_only(agent)

    assert give_code(first, code).status_code == 302
    refused = give_code(second, code)

    assert refused.status_code == 400
    assert "already used" in refused.content.decode()
    assert second.get("/console/").status_code == 302


def test_wrong_codes_are_counted_by_the_sign_in_throttle(db, agent, settings):
    """F15: Wrong codes are counted by the sign in throttle."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own pause after a failure: off here
    settings.LOGIN_THROTTLE_LIMIT = 3
    client = password_only(agent)

    answers = [give_code(client, "000000").status_code for _ in range(3)]
    throttled = give_code(client, totp_code(totp_device(agent)))

    assert answers == [400, 400, 400]
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert client.get("/console/").status_code == 302


def test_wrong_codes_also_stop_the_password_form(db, agent, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.LOGIN_THROTTLE_LIMIT = 2
    client = password_only(agent)
    for _ in range(2):
        give_code(client, "123123")

    response = Client().post(
        "/en/accounts/log-in/", {"username": agent.email, "password": PASSWORD}
    )

    assert response.status_code == 429


def test_a_recovery_code_signs_in_once(db, agent):
    code = recovery_code(agent)
    first, second = password_only(agent), password_only(agent)

    assert give_code(first, code, field="recovery_code").status_code == 302
    assert first.get("/console/").status_code == 200
    assert give_code(second, code, field="recovery_code").status_code == 400


def test_an_empty_code_is_a_clear_400(db, agent):
    response = password_only(agent).post(VERIFY, {"otp_token": "", "recovery_code": ""})

    assert response.status_code == 400
    assert "Enter the code from your authenticator app." in response.content.decode()


def test_the_verify_page_is_translated(db, agent):
    client = password_only(agent)

    page = client.get("/ja/accounts/two-factor/verify/").content.decode()

    assert "Two-factor sign-in" not in page


# --- Enrolment at the first sign-in ------------------------------------------------------------
def test_staff_without_a_factor_enrol_at_first_sign_in(db, team, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own pause after a failure: off here
    newcomer = make_person("new@example.com", Role.AGENT)
    TOTPDevice.objects.filter(user=newcomer).delete()
    client = password_only(newcomer)

    assert client.get("/console/")["Location"].startswith(ENROL)
    page = client.get(ENROL).content.decode()
    assert "<svg" in page and 'inputmode="numeric"' in page
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    assert b32_secret(page) and device.config_url.startswith("otpauth://totp/")

    wrong = client.post(ENROL, {"otp_token": "000000"})
    assert wrong.status_code == 400
    done = client.post(ENROL, {"otp_token": totp_code(device)})

    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert StaticDevice.objects.get(user=newcomer).token_set.count() == 10
    assert client.get("/console/").status_code == 200
    assert AuditEntry.objects.filter(action="factor_enrolled", actor=newcomer).count() == 1


def b32_secret(page: str) -> str:
    found = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page)
    return found.group(1) if found else ""


def test_enrolment_ends_the_other_password_only_sessions(db, team):
    newcomer = make_person("new@example.com", Role.AGENT)
    TOTPDevice.objects.filter(user=newcomer).delete()
    other, client = password_only(newcomer), password_only(newcomer)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)

    client.post(ENROL, {"otp_token": totp_code(device)})

    assert other.get(ENROL)["Location"].startswith("/en/accounts/log-in/")


def test_staff_who_have_a_factor_cannot_enrol_another_from_a_password_only_session(db, agent):
    client = password_only(agent)

    assert client.get(ENROL)["Location"] == VERIFY
    assert not TOTPDevice.objects.filter(user=agent, confirmed=False).exists()


# --- Customers: optional -----------------------------------------------------------------------
def test_customers_without_a_factor_sign_in_with_the_password(db, customer):
    client = password_only(customer)

    assert client.get("/en/").status_code == 200
    assert client.get(VERIFY)["Location"] == "/en/"


def test_a_customer_turns_totp_on_and_is_asked_for_it_next_time(db, customer):
    client = password_only(customer)
    assert "is off" in client.get(SETTINGS).content.decode()
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=customer, confirmed=False)
    assert client.post(ENROL, {"otp_token": totp_code(device)}).status_code == 200
    assert "is on" in client.get(SETTINGS).content.decode()

    later = Client()
    later.post("/en/accounts/log-in/", {"username": customer.email, "password": PASSWORD})

    assert later.get("/en/")["Location"].startswith(VERIFY)
    give_code(later, recovery_code(customer), field="recovery_code")
    assert later.get("/en/").status_code == 200


def test_a_customer_turns_totp_off_with_a_current_code(db, customer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = totp_device(customer)
    client = Client()
    client.force_login(customer)

    wrong = client.post("/en/accounts/two-factor/turn-off/", {"otp_token": "000000"})
    assert wrong.status_code == 400
    assert TOTPDevice.objects.filter(user=customer).exists()

    client.post("/en/accounts/two-factor/turn-off/", {"otp_token": totp_code(device)})

    assert not TOTPDevice.objects.filter(user=customer).exists()
    assert "is off" in client.get(SETTINGS).content.decode()


def test_staff_cannot_turn_their_factor_off(db, agent):
    client = Client()
    client.force_login(agent)

    client.post("/en/accounts/two-factor/turn-off/", {"otp_token": totp_code(totp_device(agent))})

    assert TOTPDevice.objects.filter(user=agent, confirmed=True).exists()
