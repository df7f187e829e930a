"""Erasing a customer: two people, refusals with the reason, and no personal data left anywhere
in the database afterwards (every text and JSON column of every table searched)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from livechat.models import ChatAttachment, ChatMessage, Conversation
from support.audit_models import AuditEntry
from support.data_models import ErasureRequest, LegalHold
from support.data_rights.erasure import customer_erase, erasure_approve, erasure_request
from support.data_rights.errors import DataRightsRefused
from support.data_rights.holds import legal_hold_release, legal_hold_set
from support.roles import Role
from tests.conftest import make_person
from tests.support.data_rights_people import (
    BRUNO,
    MIREILLE,
    close_complaints,
    give_data,
    make_customer,
    ticket_count,
)
from tickets.models import Attachment, Message, RawInbound, Ticket

SEARCHED_TYPES = ("text", "character varying", "json", "jsonb", "inet", "ARRAY", "USER-DEFINED")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer(db):
    return make_person("officer@example.com", Role.COMPLAINTS_OFFICER, languages=["en"])


@pytest.fixture
def administrator(db):
    return make_person("dpo@example.com", Role.ADMIN, languages=["en"])


def where_found(value: str) -> list[str]:
    """Every `table.column` (text, JSON, addresses, arrays) holding `value`, any case."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND data_type = ANY(%s)",
            [list(SEARCHED_TYPES)],
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',  # noqa: S608
                ["%" + value.replace("%", r"\%").replace("_", r"\_") + "%"],
            )
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


def erase(customer, by, approver, *, reason="Customer asked for erasure by email."):
    erasure = erasure_request(customer=customer, by=by, reason=reason)
    return erasure_approve(erasure=erasure, by=approver)


@pytest.mark.django_db(transaction=False)
def test_erasure_leaves_no_personal_data(
    client, officer, administrator, django_capture_on_commit_callbacks
):
    """Faults: erasure leaves no personal data (email, name, phone, addresses)."""
    customer = make_customer(MIREILLE)
    bruno = make_customer(BRUNO)
    mine = give_data(MIREILLE, customer)
    give_data(BRUNO, bruno)
    close_complaints(customer)
    client.force_login(customer)
    client.post(reverse("data_export_request"), REMOTE_ADDR=MIREILLE.ip)  # audited, with the IP
    files = [a.file.name for a in Attachment.objects.filter(ticket__customer=customer)]
    files += [
        a.file.name for a in ChatAttachment.objects.filter(message__conversation=mine["chat"])
    ]
    assert all(default_storage.exists(name) for name in files) and len(files) == 2
    for value in MIREILLE.needles().values():
        assert where_found(value), value  # the search finds what is there
    tickets_before = ticket_count(customer)
    messages_before = Message.objects.filter(ticket__customer=customer).count()

    with django_capture_on_commit_callbacks(execute=True):
        erasure = erase(customer, officer, administrator, reason="Mireille Okonkwo asked on 3 May.")

    erasure.refresh_from_db()
    assert erasure.state == ErasureRequest.State.ERASED
    leftovers = {name: where_found(value) for name, value in MIREILLE.needles().items()}
    assert leftovers == {name: [] for name in MIREILLE.needles()}
    assert not any(default_storage.exists(name) for name in files)
    customer.refresh_from_db()
    assert customer.email == customer.username == f"erased-{customer.pk}@invalid"
    assert not customer.is_active and not customer.has_usable_password()
    # Statistics keep their rows; the texts are a marker.
    assert ticket_count(customer) == tickets_before
    assert Message.objects.filter(ticket__customer=customer).count() == messages_before
    assert set(Ticket.objects.filter(customer=customer).values_list("subject", flat=True)) == {
        "[erased]"
    }
    assert ChatMessage.objects.get(conversation=mine["chat"]).body == "[erased]"
    assert Conversation.objects.get(pk=mine["chat"].pk).guest_address is None
    assert set(RawInbound.objects.filter(ticket=mine["ticket"]).values_list("payload", flat=True))
    assert all(
        bytes(payload) == b""
        for payload in RawInbound.objects.filter(ticket=mine["ticket"]).values_list(
            "payload", flat=True
        )
    )
    # The other customer is untouched.
    for value in BRUNO.needles().values():
        if value != BRUNO.ip:  # Bruno's address was only in his chat row
            assert where_found(value), value
    # The audit log keeps the fact, without the content.
    fact = AuditEntry.objects.get(action="customer_erased")
    assert (fact.customer_id, fact.actor_id) == (customer.pk, administrator.pk)
    assert fact.object_label == f"erasure {erasure.pk} of customer {customer.pk}"


def test_same_person_cannot_approve(customer, officer):
    erasure = erasure_request(customer=customer, by=officer, reason="Asked by phone.")

    with pytest.raises(DataRightsRefused, match="Someone else must approve your own request."):
        erasure_approve(erasure=erasure, by=officer)

    erasure.refresh_from_db()
    assert erasure.state == ErasureRequest.State.AWAITING_APPROVAL


def test_an_agent_may_neither_request_nor_approve(customer, agent, officer):
    with pytest.raises(PermissionDenied):
        erasure_request(customer=customer, by=agent, reason="x")
    erasure = erasure_request(customer=customer, by=officer, reason="Asked by phone.")
    with pytest.raises(PermissionDenied):
        erasure_approve(erasure=erasure, by=agent)
    assert ErasureRequest.objects.get().state == ErasureRequest.State.AWAITING_APPROVAL


def test_open_complaint_refuses_erasure_with_the_reason(customer, officer):
    """Faults: an erase request for a customer with an open complaint is refused with the
    reason."""
    from complaints.services import complaint_submit

    complaint_submit(customer=customer, category="fees", description="The fee was doubled.")

    with pytest.raises(DataRightsRefused, match="The customer has an open complaint."):
        erasure_request(customer=customer, by=officer, reason="Asked by email.")

    assert not ErasureRequest.objects.exists()


def test_legal_hold_refuses_erasure_until_released(customer, officer, administrator):
    """Faults: an erase request for a customer under a legal hold is refused with the reason."""
    hold = legal_hold_set(customer=customer, by=administrator, reason="Police request 2026-114")

    with pytest.raises(DataRightsRefused, match="The customer is under a legal hold."):
        erasure_request(customer=customer, by=officer, reason="Asked by email.")

    legal_hold_release(hold=hold, by=administrator, reason="Case closed")
    assert erasure_request(customer=customer, by=officer, reason="Asked by email.")
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["legal_hold_set", "legal_hold_released", "customer_erasure_requested"]


def test_hold_set_after_approval_stops_the_erasure(
    customer, officer, administrator, django_capture_on_commit_callbacks
):
    erasure = erasure_request(customer=customer, by=officer, reason="Asked by email.")
    erasure_approve(erasure=erasure, by=administrator)  # the task is not run yet
    LegalHold.objects.create(customer=customer, set_by=administrator, reason="Court order")

    customer_erase(erasure_id=erasure.pk)

    erasure.refresh_from_db()
    customer.refresh_from_db()
    assert erasure.state == ErasureRequest.State.REFUSED
    assert erasure.outcome == "The customer is under a legal hold."
    assert customer.email == "owner@example.com"


def test_console_refusal_is_shown_translated(client, customer, officer):
    LegalHold.objects.create(customer=customer, set_by=officer, reason="Court order")
    client.force_login(officer)

    response = client.post(
        reverse("console:erasure_new"),
        {"erasure-customer": customer.email, "erasure-reason": "Asked."},
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert response.status_code == 409
    assert "The customer is under a legal hold." in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_console_unknown_customer_is_a_form_error(client, officer):
    client.force_login(officer)

    response = client.post(
        reverse("console:erasure_new"),
        {"erasure-customer": "nobody@example.com", "erasure-reason": "Asked."},
    )

    assert response.status_code == 400
    assert "No customer has this email address." in response.content.decode()


def test_console_two_people_erase(
    client, customer, officer, administrator, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    client.post(
        reverse("console:erasure_new"),
        {"erasure-customer": customer.email, "erasure-reason": "Asked by email."},
    )
    erasure = ErasureRequest.objects.get()
    assert client.post(reverse("console:erasure_approve", args=[erasure.pk])).status_code == 409

    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:erasure_approve", args=[erasure.pk]))

    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.state == ErasureRequest.State.ERASED
    assert erasure.decided_by == administrator


def test_console_is_closed_to_agents(client, agent):
    client.force_login(agent)
    assert client.get(reverse("console:data_rights")).status_code == 403


def test_console_lists_holds_and_exports(client, customer, officer):
    from support.data_models import DataExport

    LegalHold.objects.create(customer=customer, set_by=officer, reason="Court order 7")
    DataExport.objects.create(customer=customer)
    client.force_login(officer)

    page = client.get(reverse("console:data_rights")).content.decode()

    assert "Court order 7" in page
    holds, exports = page.split('id="holds-title"')[1].split('id="exports-title"')
    assert customer.email in holds and customer.email in exports
    assert "Being prepared" in exports


def test_customer_header_links_to_their_data(client, customer, agent):
    client.force_login(customer)
    assert reverse("data_page") in client.get("/en/help/").content.decode()
    client.force_login(agent)
    assert reverse("data_page") not in client.get("/en/help/").content.decode()
