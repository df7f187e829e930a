"""The social accounts' admin: ids checked per provider, secrets sealed and never shown, the
webhook URL and the verify token given (Meta's verification, Kakao's skill header)."""

from django.test import Client
from django.urls import reverse

from tickets.channels.social_common import secret_open
from tickets.social_models import SocialAccount

APP_SECRET = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f"  # noqa: S105 - a test value
TOKEN = "EAAGm0PX4ZCpsBAKTESTPAGETOKEN"  # noqa: S105 - a test value


def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_an_admin_adds_a_page_whose_secrets_are_never_shown(admin_user, team):
    client = admin_client(admin_user)
    add = reverse("admin:tickets_socialaccount_add")
    form = {"kind": "messenger", "name": "Exchange Help", "team": team.pk, "enabled": "on"}
    refused = client.post(add, {**form, "external_id": "not-an-id", "app_secret": APP_SECRET})
    assert refused.status_code == 200 and not SocialAccount.objects.exists()
    assert "provider shows it" in refused.content.decode()  # and the missing token
    done = client.post(
        add,
        {**form, "external_id": "104455178512345", "app_secret": APP_SECRET, "access_token": TOKEN},
    )
    assert done.status_code == 302
    account = SocialAccount.objects.get()
    assert secret_open(account.secret_sealed) == APP_SECRET
    assert APP_SECRET.encode() not in bytes(account.secret_sealed)
    page = client.get(reverse("admin:tickets_socialaccount_change", args=[account.pk]))
    html = page.content.decode()
    assert APP_SECRET not in html and TOKEN not in html
    assert f"/channels/facebook/{account.pk}/webhook" in html and account.verify_token in html


def test_a_kakao_bot_needs_no_app_secret_and_gets_its_skill_url(admin_user, team):
    client = admin_client(admin_user)
    add = reverse("admin:tickets_socialaccount_add")
    form = {
        "kind": "kakao",
        "name": "고객센터",
        "team": team.pk,
        "enabled": "on",
        "external_id": "5f8a1c2b3d4e5f6a7b8c9d01",
        "access_token": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    }
    assert client.post(add, form).status_code == 302
    account = SocialAccount.objects.get()
    html = client.get(reverse("admin:tickets_socialaccount_change", args=[account.pk])).content
    assert f"/channels/kakaotalk/{account.pk}/webhook".encode() in html
