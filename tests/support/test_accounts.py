"""Sign up, log in, log out, password reset, login throttling."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from support.roles import Role, has_role
from tests.conftest import totp_code, totp_device

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_sign_up_creates_a_customer_in_the_page_language(client):
    response = client.post(
        "/ja/accounts/sign-up/",
        {
            "email": "New@Example.com",
            "password": "a-long-passphrase-7",
            "password_again": "a-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert has_role(user, Role.CUSTOMER)
    assert user.customer_profile.preferred_language == "ja"
    assert client.get("/ja/").context["user"] == user


def test_sign_up_with_a_taken_email_says_so_and_creates_nothing(client, customer):
    response = client.post(
        "/en/accounts/sign-up/",
        {
            "email": "OWNER@example.com",
            "password": "a-long-passphrase-7",
            "password_again": "a-long-passphrase-7",
        },
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_sign_up_errors_are_in_the_visitors_language(client):
    response = client.post(
        "/ko/accounts/sign-up/", {"email": "x@example.com", "password": "a", "password_again": "b"}
    )
    assert response.status_code == 400
    assert "비밀번호" in response.content.decode()


def test_customer_logs_in_and_lands_on_their_language_home(client, customer):
    response = client.post(
        "/en/accounts/log-in/",
        {"username": "owner@example.com", "password": "correct-horse-battery-9"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/ko/"
    assert response.cookies["support_language"].value == "ko"


def test_agent_logs_in_and_lands_in_the_console(client, agent):
    response = client.post(
        "/en/accounts/log-in/",
        {"username": "agent@example.com", "password": "correct-horse-battery-9"},
    )
    assert response["Location"] == "/en/accounts/two-factor/verify/?next=%2Fconsole%2F"
    code = totp_code(totp_device(agent))
    response = client.post(response["Location"], {"otp_token": code})
    assert response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_wrong_password_and_unknown_account_get_the_same_answer(client, customer):
    wrong = client.post(
        "/en/accounts/log-in/", {"username": "owner@example.com", "password": "nope"}
    )
    unknown = client.post(
        "/en/accounts/log-in/", {"username": "ghost@example.com", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_login_is_throttled_per_account_even_with_the_right_password(client, customer, settings):
    settings.LOGIN_THROTTLE_LIMIT = 3
    for _ in range(3):
        client.post("/en/accounts/log-in/", {"username": "owner@example.com", "password": "nope"})
    response = client.post(
        "/en/accounts/log-in/",
        {"username": "owner@example.com", "password": "correct-horse-battery-9"},
    )
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_per_address_across_accounts(client, customer, settings):
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 4
    for number in range(4):
        client.post(
            "/en/accounts/log-in/", {"username": f"guess{number}@example.com", "password": "x"}
        )
    response = client.post(
        "/en/accounts/log-in/",
        {"username": "owner@example.com", "password": "correct-horse-battery-9"},
    )
    assert "Too many failed attempts" in response.content.decode()


def test_log_out_needs_a_post_and_ends_the_session(client, customer):
    client.force_login(customer)
    assert client.get("/en/accounts/log-out/").status_code == 405
    client.post("/en/accounts/log-out/")
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email_in_the_customers_language(client, customer):
    client.post("/ko/accounts/password-reset/", {"email": "owner@example.com"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "비밀번호 재설정"
    link = re.search(r"http://testserver(/ko/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "another-long-pass-3", "new_password2": "another-long-pass-3"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password("another-long-pass-3")


def test_password_reset_for_an_unknown_email_looks_the_same(client):
    response = client.post("/en/accounts/password-reset/", {"email": "ghost@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_passwords_are_hashed_with_argon2(customer):
    assert customer.password.startswith("argon2")
