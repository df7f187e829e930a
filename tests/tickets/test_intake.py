"""intake_message: one function for every channel; idempotent and all-or-nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from support.models import CustomerProfile, OutboxEmail
from support.roles import Role, user_roles
from tickets.intake import InboundAttachment
from tickets.intake_customers import customer_create
from tickets.models import Event, Message, Status, Ticket
from tickets.services import ticket_reply, ticket_transition

SEED = (
    "my seed is abandon ability able about above absent absorb abstract absurd abuse access "
    "accident please help"
)


def test_new_message_opens_a_ticket_with_a_reference_and_events(customer, policy, receive):
    ticket = receive()
    assert ticket.reference.startswith("T-") and len(ticket.reference) == 8
    assert ticket.customer == customer
    assert ticket.status == Status.NEW
    assert ticket.sla_policy == policy
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=60)
    assert ticket.resolution_due == ticket.created_at + timedelta(minutes=480)
    assert ticket.next_due == ticket.created_at + timedelta(minutes=45)  # the first warning
    assert list(ticket.messages.values_list("kind", flat=True)) == ["customer"]
    assert ("status", "", "new") in Event.objects.values_list("field", "before", "after")


def test_a_new_address_becomes_a_customer_with_a_profile_in_the_message_s_language(
    db, policy, receive
):
    ticket = receive(customer_email="New.Person@Example.com", text="您好，我的提现还没有到账")
    person = ticket.customer
    assert person.username == person.email == "new.person@example.com"
    assert user_roles(person) == {Role.CUSTOMER}
    assert not person.has_usable_password()
    assert person.customer_profile.preferred_language == "zh-hans"


def test_a_new_customer_is_made_in_one_statement_and_announced_like_a_save(db, policy):
    """The account, its role and its profile in one INSERT, the models' signals sent as
    save() sends them; an address whose account was made meanwhile (a concurrent message)
    makes nothing and is read by the caller."""
    saved = []

    def record(sender, instance, created, **kwargs):
        saved.append((sender.__name__, created, instance.pk is not None))

    post_save.connect(record, dispatch_uid="test-new-customer")
    try:
        with CaptureQueriesContext(connection) as queries:
            person = customer_create(email="kim@example.com", language="ko")
    finally:
        post_save.disconnect(dispatch_uid="test-new-customer")

    assert len(queries) == 1
    assert saved == [("User", True, True), ("CustomerProfile", True, True)]
    person.refresh_from_db()
    assert user_roles(person) == {Role.CUSTOMER} and not person.has_usable_password()
    assert person.customer_profile.preferred_language == "ko"
    assert customer_create(email="kim@example.com", language="en") is None
    assert CustomerProfile.objects.filter(user__username="kim@example.com").count() == 1


def test_same_external_id_twice_stores_one_message(customer, policy, receive):
    first = receive(channel="telegram", external_id="update-1")
    second = receive(channel="telegram", external_id="update-1")
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1


def test_same_external_id_on_another_channel_is_another_message(customer, policy, receive):
    receive(channel="telegram", external_id="42")
    receive(channel="line", external_id="42")
    assert Message.objects.count() == 2


def test_references_grow_past_six_digits_instead_of_being_cut(customer, policy, receive):
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM tickets_reference_seq")
        (last,) = cursor.fetchone()
        cursor.execute("SELECT setval('tickets_reference_seq', 999998)")
    try:
        first = receive(text="First #1")
        second = receive(text="Second #2", customer_email="other@example.com")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('tickets_reference_seq', %s)", [last])
    assert (first.reference, second.reference) == ("T-999999", "T-1000000")


def test_reference_in_the_subject_threads_onto_the_ticket(customer, policy, receive):
    ticket = receive()
    again = receive(subject=f"Re: [{ticket.reference}] Withdrawal stuck", text="Any news?")
    assert again.pk == ticket.pk
    assert ticket.messages.count() == 2


def test_another_customers_reference_does_not_thread(customer, other_customer, policy, receive):
    ticket = receive()
    other = receive(customer_email=other_customer.email, text=f"About {ticket.reference}")
    assert other.pk != ticket.pk
    assert ticket.messages.count() == 1


def test_same_external_conversation_threads(customer, policy, receive):
    ticket = receive(channel="telegram", conversation_id="chat-7", external_id="1")
    again = receive(channel="telegram", conversation_id="chat-7", external_id="2", text="hello?")
    assert again.pk == ticket.pk


def test_unknown_sender_becomes_a_customer(db, policy, receive):
    ticket = receive(customer_email="New.Person@Example.com", text="안녕하세요 출금이 안돼요")
    assert ticket.customer.email == "new.person@example.com"
    assert ticket.customer.customer_profile.preferred_language == "ko"
    assert ticket.language == "ko"


def test_secrets_are_redacted_before_storage_and_the_customer_is_told(
    customer, policy, receive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = receive(text=SEED)
    body = ticket.messages.get().body
    assert "abandon ability" not in body
    assert ticket.security_followup is True
    templates = set(OutboxEmail.objects.values_list("subject", flat=True))
    assert any("secret" in subject.lower() for subject in templates)


def test_acknowledgement_names_reference_and_expected_time_in_customer_language(
    customer, policy, receive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ticket = receive(text="출금이 여섯 시간째 대기 중입니다. 확인 부탁드립니다.")
    assert callbacks  # delivery and routing run only after commit
    ack = OutboxEmail.objects.get(dedupe_key=f"ack:{ticket.reference}")
    assert ack.to == customer.email
    assert ack.language == "ko"
    assert ticket.reference in ack.subject
    assert "영업시간 기준 1시간 이내에 답변해 드릴 예정입니다." in ack.body_text


def test_nothing_is_stored_when_intake_fails_half_way(customer, policy, receive, monkeypatch):
    from tickets import intake

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake, "attachments_store", broken)
    with pytest.raises(RuntimeError):
        receive()
    assert Ticket.objects.count() == 0
    assert Message.objects.count() == 0
    assert Event.objects.count() == 0
    assert OutboxEmail.objects.count() == 0


def test_customer_reply_reopens_a_recently_solved_ticket(customer, agent, policy, receive):
    ticket = receive()
    ticket_transition(ticket=ticket, to=Status.SOLVED, by=agent)
    again = receive(subject=f"Re: {ticket.reference}", text="Still not there")
    assert again.pk == ticket.pk
    assert again.status == Status.OPEN


def test_customer_reply_after_the_window_starts_a_follow_up(customer, agent, policy, receive):
    ticket = receive()
    ticket_transition(ticket=ticket, to=Status.SOLVED, by=agent)
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        again = receive(subject=f"Re: {ticket.reference}", text="It happened again")
    assert again.pk != ticket.pk
    assert again.follow_up_of == ticket


def test_reply_to_a_closed_ticket_starts_a_follow_up(customer, agent, policy, receive):
    ticket = receive()
    ticket_transition(ticket=ticket, to=Status.SOLVED, by=agent)
    ticket_transition(ticket=ticket, to=Status.CLOSED, by=agent)
    again = receive(subject=f"Re: {ticket.reference}", text="Hello again")
    assert again.follow_up_of == ticket
    assert again.status == Status.NEW


def test_customer_reply_on_pending_ticket_reopens_it(customer, agent, policy, receive):
    ticket = receive()
    ticket_reply(ticket=ticket, author=agent, body="Please send the tx hash", set_status="pending")
    again = receive(subject=f"Re: {ticket.reference}", text="0xabc")
    assert again.status == Status.OPEN


def test_attachments_are_stored(customer, policy, receive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = receive(
        attachments=(InboundAttachment("screen.png", "image/png", b"\x89PNG\r\n\x1a\n..."),)
    )
    attachment = ticket.attachments.get()
    assert attachment.size == 11
    assert attachment.file.read() == b"\x89PNG\r\n\x1a\n..."


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_message_store_it_once():
    import threading

    from django.db import connection

    from tests.conftest import make_person
    from tests.tickets.conftest import inbound
    from tickets.intake import intake_message

    make_person("owner@example.com", "customer")
    barrier = threading.Barrier(2)
    references = []

    def deliver():
        barrier.wait()
        try:
            references.append(
                intake_message(inbound(channel="email", external_id="<m@x>")).reference
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(references)) == 1
    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_messages_of_a_new_customer_arriving_together_both_become_tickets():
    import threading
    import time

    from django.db import connection, transaction

    from tests.tickets.conftest import inbound
    from tickets.intake import _customer_for, intake_message

    created, release = threading.Event(), threading.Event()
    result = {}

    def first_message_creates_the_customer():
        try:
            with transaction.atomic():
                _customer_for(inbound(customer_email="new@example.com"), "en", None)
                created.set()
                release.wait(10)  # committed only once the second message waits on it
        finally:
            connection.close()

    def second_message():
        try:
            message = inbound(
                channel="email", customer_email="new@example.com", external_id="<b@x>"
            )
            result["ticket"] = intake_message(message)
        finally:
            connection.close()

    first = threading.Thread(target=first_message_creates_the_customer)
    first.start()
    assert created.wait(10)
    second = threading.Thread(target=second_message)
    second.start()
    for _ in range(200):  # until the second message's insert waits on the first one's row
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
        time.sleep(0.05)
    release.set()
    first.join()
    second.join()

    ticket = result["ticket"]
    assert ticket.customer.email == "new@example.com"
    assert ticket.messages.count() == 1
    assert Ticket.objects.count() == 1
