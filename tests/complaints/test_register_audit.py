"""Exporting the complaints register is an audit row."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from support.audit_models import AuditAction, AuditEntry
from tests.audit_helpers import ADDRESS, only_row

REGISTER = "/api/v1/complaints/register.csv"


def test_the_register_export_is_recorded(officer):
    client = APIClient(REMOTE_ADDR=ADDRESS)
    token, _created = Token.objects.get_or_create(user=officer)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    answer = client.get(REGISTER, {"from": "2026-01-01", "to": "2026-01-31"})

    assert answer.status_code == 200
    entry = only_row(AuditAction.REPORT_EXPORTED)
    assert (entry.actor, entry.client_address) == (officer, ADDRESS)
    assert entry.request_id == answer["X-Request-ID"]
    assert entry.object_id == "complaints_register"
    assert entry.detail == {
        "start": "2026-01-01T00:00:00Z",
        "end": "2026-02-01T00:00:00Z",
    }


def test_a_refused_export_is_not_recorded(customer):
    client = APIClient()
    client.force_authenticate(customer)

    assert client.get(REGISTER).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.REPORT_EXPORTED).exists()
