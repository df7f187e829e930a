"""API: token and session authentication, deny by default, one error format."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_token_authentication(client, agent):
    token = Token.objects.create(user=agent)
    response = client.get("/api/v1/support/me/", headers={"authorization": f"Token {token.key}"})
    assert response.status_code == 200
    assert response.json() == {
        "id": agent.pk,
        "email": "agent@example.com",
        "roles": ["agent"],
        "language": "en",
    }


def test_drf_create_token_command_makes_a_working_token(client, agent, capsys):
    call_command("drf_create_token", "agent@example.com")
    key = Token.objects.get(user=agent).key
    assert key in capsys.readouterr().out
    response = client.get("/api/v1/support/me/", headers={"authorization": f"Token {key}"})
    assert response.status_code == 200


def test_session_authentication(client, customer):
    client.force_login(customer)
    assert client.get("/api/v1/support/me/").json()["roles"] == ["customer"]


def test_anonymous_gets_401_in_the_error_format(client):
    response = client.get("/api/v1/support/me/")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
            "fields": {},
        }
    }


def test_bad_token_gets_401_in_the_callers_language(client):
    response = client.get(
        "/api/v1/support/me/", headers={"authorization": "Token nope", "accept-language": "ja"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert response.json()["error"]["message"] == "不正なトークンです。"


def test_unknown_api_path_is_a_404(client):
    assert client.get("/api/v1/nothing-here/").status_code == 404


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/support/me/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_views_without_explicit_permissions_deny_everyone(admin_user, rf):
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class Forgotten(APIView):
        def get(self, request):
            return Response({"secret": 1})

    request = rf.get("/")
    request.user = admin_user
    response = Forgotten.as_view()(request)
    assert response.status_code in (401, 403)
