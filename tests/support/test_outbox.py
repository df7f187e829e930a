"""The email outbox: each email is sent once, even by overlapping deliveries, and no
transaction (nor row lock) is held while the mail server is talked to."""

import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections

from support.models import OutboxEmail
from support.services import OUTBOX_MAX_ATTEMPTS, outbox_deliver

WAIT = 10  # seconds; a safety net against a hang, never reached when the code is right


def queued(n: int = 1) -> OutboxEmail:
    return OutboxEmail.objects.create(
        dedupe_key=f"test:{n}",
        to="owner@example.com",
        subject="[T-001000] New reply",
        body_text="Your withdrawal is on its way.",
        body_html="<p>Your withdrawal is on its way.</p>",
    )


class WhileSending(EmailBackend):
    """Django's in-memory backend (no network), which first runs `during` — what the test
    wants to see happen while the mail server is being talked to."""

    during = staticmethod(lambda: None)

    def send_messages(self, messages):
        WhileSending.during()
        return super().send_messages(messages)


class Refusing(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.WhileSending"
    yield WhileSending
    WhileSending.during = staticmethod(lambda: None)


def in_thread(function, *args) -> threading.Thread:
    """`function` on its own thread, with its own database connection (closed at the end)."""

    def run() -> None:
        try:
            function(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)  # each thread has its own connection
def test_overlapping_deliveries_send_the_email_once(backend):
    email = queued()
    others, refused, results = 3, threading.Semaphore(0), []

    def hold_the_send_until_the_others_gave_up() -> None:
        for _ in range(others):
            assert refused.acquire(timeout=WAIT)

    backend.during = staticmethod(hold_the_send_until_the_others_gave_up)

    def deliver() -> None:
        result = outbox_deliver(email_id=email.pk)
        results.append(result)
        if result is None:
            refused.release()

    threads = [in_thread(deliver) for _ in range(others + 1)]
    for thread in threads:
        thread.join(WAIT)

    assert len(mail.outbox) == 1
    assert sum(result is not None for result in results) == 1
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 1
    assert outbox_deliver(email_id=email.pk) is None  # sent: a later run sends nothing
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_no_transaction_or_row_lock_is_held_while_sending(backend):
    email = queued()
    seen = {}

    def look() -> None:
        seen["in_transaction"] = connection.in_atomic_block

        def lock_the_row_from_elsewhere() -> None:
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT id FROM support_outboxemail WHERE id = %s FOR UPDATE NOWAIT",
                    [email.pk],
                )
                seen["row_free"] = cursor.fetchone() == (email.pk,)
                cursor.execute("ROLLBACK")

        in_thread(lock_the_row_from_elsewhere).join(WAIT)

    backend.during = staticmethod(look)

    outbox_deliver(email_id=email.pk)

    assert seen == {"in_transaction": False, "row_free": True}
    assert len(mail.outbox) == 1


def test_a_refused_send_is_recorded_and_sent_by_a_later_run(db, settings):
    email = queued()
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"

    outbox_deliver(email_id=email.pk)

    email.refresh_from_db()
    assert (email.sent_at, email.failed_at, email.attempts) == (None, None, 1)
    assert "mail server is down" in email.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 2
    assert len(mail.outbox) == 1


def test_an_email_is_given_up_after_the_last_attempt(db, settings):
    email = queued()
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"

    for _ in range(OUTBOX_MAX_ATTEMPTS + 2):
        outbox_deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.attempts == OUTBOX_MAX_ATTEMPTS
    assert email.failed_at is not None and email.sent_at is None
