"""Mailboxes: the admin keeps the password write-only and shows how the last poll went; mail
that reaches a mailbox goes to its team and default language, whichever way it came in."""

from unittest.mock import patch

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from support.models import Team
from tests.tickets.imap_server import free_port, sample
from tickets import mailboxes
from tickets.channels.email import email_receive
from tickets.channels.imap import mailbox_poll
from tickets.mailboxes import VERSION_KEY as MAILBOXES_VERSION_KEY
from tickets.mailboxes import mailbox_password, mailbox_set_password
from tickets.models import Mailbox

pytestmark = pytest.mark.django_db

SECRET = "app-password-Zq81"


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def japan(db) -> Team:
    return Team.objects.create(slug="japan", name="Japan")


def mailbox_form(**changes) -> dict:
    form = {
        "address": "Support-KR@Exchange.example",
        "language": "ko",
        "enabled": "on",
        "host": "imap.mail.example",
        "port": "993",
        "security": "tls",
        "username": "support-kr",
        "folder": "INBOX",
        "auth": "password",
    }
    return {**form, **changes}


def test_the_admin_stores_the_password_sealed_and_never_shows_it(admin_client):
    response = admin_client.post(
        reverse("admin:tickets_mailbox_add"), mailbox_form(password=SECRET)
    )
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.address == "support-kr@exchange.example"
    assert SECRET.encode() not in bytes(mailbox.password_sealed)
    assert mailbox_password(mailbox) == SECRET

    page = admin_client.get(reverse("admin:tickets_mailbox_change", args=[mailbox.pk]))
    listing = admin_client.get(reverse("admin:tickets_mailbox_changelist"))

    for shown in (page, listing):
        assert SECRET not in shown.content.decode()
    assert "not set" not in page.content.decode() and ">set<" in page.content.decode()


def test_saving_without_a_password_keeps_the_stored_one(admin_client):
    mailbox = mailbox_set_password(
        mailbox=Mailbox.objects.create(**_model_fields()), password=SECRET
    )
    url = reverse("admin:tickets_mailbox_change", args=[mailbox.pk])

    admin_client.post(url, mailbox_form(folder="Support"))
    assert mailbox_password(Mailbox.objects.get()) == SECRET

    admin_client.post(url, mailbox_form(folder="Support", forget_password="on"))
    assert mailbox_password(Mailbox.objects.get()) == ""
    assert "not set" in admin_client.get(url).content.decode()


def test_moving_a_mailbox_to_another_folder_reads_it_afresh(admin_client):
    mailbox = Mailbox.objects.create(**_model_fields(), uidvalidity=7, last_uid=420)
    url = reverse("admin:tickets_mailbox_change", args=[mailbox.pk])

    admin_client.post(url, mailbox_form(language="ja"))  # no connection field changed
    assert (Mailbox.objects.get().uidvalidity, Mailbox.objects.get().last_uid) == (7, 420)
    admin_client.post(url, mailbox_form(folder="Archive"))

    mailbox.refresh_from_db()
    assert (mailbox.folder, mailbox.uidvalidity, mailbox.last_uid) == ("Archive", None, 0)


def test_the_admin_refuses_a_password_in_clear_over_the_network(admin_client):
    response = admin_client.post(
        reverse("admin:tickets_mailbox_add"), mailbox_form(security="none", password=SECRET)
    )

    assert response.status_code == 200
    assert "would cross the network in clear" in response.content.decode()
    assert not Mailbox.objects.exists()


def test_the_admin_shows_the_last_poll_error(admin_client):
    mailbox = Mailbox.objects.create(
        **_model_fields(),
        last_problem=Mailbox.Problem.LOGIN,
        last_error="LoginError: [AUTHENTICATIONFAILED] Invalid credentials",
    )

    listing = admin_client.get(reverse("admin:tickets_mailbox_changelist")).content.decode()
    page = admin_client.get(reverse("admin:tickets_mailbox_change", args=[mailbox.pk]))

    assert "The server refused the username or password" in listing
    assert "AUTHENTICATIONFAILED" in page.content.decode()


def test_a_lost_sealing_key_is_reported_on_the_mailbox(settings):
    mailbox = mailbox_set_password(mailbox=Mailbox.objects.create(**_model_fields()), password="x")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS, settings.RAW_INBOUND_KEY = "new", [], []

    mailbox_poll(mailbox_id=mailbox.pk)

    mailbox.refresh_from_db()
    assert mailbox.last_problem == Mailbox.Problem.PASSWORD_KEY


def test_mail_to_a_mailbox_goes_to_its_team_even_with_a_catch_all_rule(
    japan, routing, policy, django_capture_on_commit_callbacks
):
    """The HTTP endpoint and a replay name no mailbox: its address among the recipients does."""
    Mailbox.objects.create(address="support@ourdomain.com", team=japan, language="ja")

    with django_capture_on_commit_callbacks(execute=True):
        ticket = email_receive(raw=sample("mail091.box"))  # To: support@ourdomain.com

    ticket.refresh_from_db()
    assert ticket.team == japan  # not the catch-all rule's team
    assert ticket.messages.get().metadata["mailbox"] == "support@ourdomain.com"


def test_a_recipient_written_loosely_still_finds_its_mailbox(japan, policy):
    """mail037: "To: Max Kohl | [example.com] <kohl@example.com>", a display name the standard
    library's address parser gives up on; mail054: a second Delivered-To further down."""
    Mailbox.objects.create(address="kohl@example.com", team=japan)
    Mailbox.objects.create(address="hussein@example.com", language="ja")

    loose = email_receive(raw=sample("mail037.box"))
    assert loose.team == japan
    assert loose.messages.get().metadata["mailbox"] == "kohl@example.com"
    assert email_receive(raw=sample("mail054.box")).messages.get().metadata["mailbox"] == (
        "hussein@example.com"
    )


def test_the_mailbox_language_decides_what_the_text_cannot(policy):
    """Kanji alone read as Chinese, or as Japanese for the Japanese desk's mailbox."""
    Mailbox.objects.create(address="jp@exchange.example", language="ja")
    elsewhere = email_receive(raw=_kanji_only("<a@x>", to="help@exchange.example"))
    japanese_desk = email_receive(raw=_kanji_only("<b@x>", to="jp@exchange.example"))

    assert elsewhere.language != "ja"
    assert japanese_desk.language == "ja"


def test_a_named_mailbox_wins_over_the_recipients(japan, policy):
    named = Mailbox.objects.create(address="vip@exchange.example", team=japan)
    Mailbox.objects.create(address="jp@exchange.example", language="ja")

    ticket = email_receive(raw=_kanji_only("<c@x>", to="jp@exchange.example"), mailbox=named)

    assert ticket.team == japan
    assert ticket.messages.get().metadata["mailbox"] == "vip@exchange.example"


def _kanji_only(message_id: str, *, to: str) -> bytes:
    return (
        f"From: kunde@example.net\r\nTo: {to}\r\nSubject: =?utf-8?b?5Ye66YeR?=\r\n"
        f"Message-ID: {message_id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "出金未着\r\n"
    ).encode()


def _model_fields() -> dict:
    return {
        "address": "support-kr@exchange.example",
        "host": "imap.mail.example",
        "username": "support-kr",
        "language": "ko",
    }


def test_poll_now_in_the_admin_polls_and_shows_an_unreachable_server(admin_client):
    closed_port = free_port()
    mailbox = Mailbox.objects.create(
        **{**_model_fields(), "host": "127.0.0.1"}, port=closed_port, security="none"
    )
    changelist = reverse("admin:tickets_mailbox_changelist")

    response = admin_client.post(
        changelist, {"action": "poll_now", "_selected_action": [mailbox.pk]}, follow=True
    )

    assert "1 mailbox will be polled in a moment." in response.content.decode()
    mailbox.refresh_from_db()
    assert mailbox.last_problem == Mailbox.Problem.CONNECT
    assert "The server cannot be reached" in admin_client.get(changelist).content.decode()


# --- The mailboxes each process keeps --------------------------------------------------------


def test_a_mailbox_added_edited_and_deleted_reaches_the_very_next_email(japan, policy):
    """The HTTP endpoint finds the mailbox by the recipients from the process's copy of the
    mailboxes: each change, in the admin or anywhere else, is seen by the next email."""
    assert email_receive(raw=_kanji_only("<k1@x>", to="jp@exchange.example")).team is None
    mailbox = Mailbox.objects.create(address="JP@Exchange.example", language="ja")

    added = email_receive(raw=_kanji_only("<k2@x>", to="jp@exchange.example"))
    mailbox.team = japan
    mailbox.save()
    edited = email_receive(raw=_kanji_only("<k3@x>", to="jp@exchange.example"))
    mailbox.delete()
    deleted = email_receive(raw=_kanji_only("<k4@x>", to="jp@exchange.example"))

    assert (added.language, added.team) == ("ja", None)
    assert (edited.language, edited.team) == ("ja", japan)
    assert deleted.team is None and "mailbox" not in deleted.messages.get().metadata


def test_a_deleted_team_leaves_its_mailbox_s_mail_without_a_team(japan, policy):
    """Deleting a team empties its mailboxes' team without saving them: the copy is renewed
    all the same, so the next email is not given the team that no longer exists."""
    Mailbox.objects.create(address="jp@exchange.example", team=japan, language="ja")
    assert email_receive(raw=_kanji_only("<t1@x>", to="jp@exchange.example")).team == japan

    japan.delete()
    ticket = email_receive(raw=_kanji_only("<t2@x>", to="jp@exchange.example"))

    assert ticket.team is None and ticket.language == "ja"
    assert ticket.messages.get().metadata["mailbox"] == "jp@exchange.example"


def test_a_mailbox_changed_by_another_process_is_read_on_the_next_email(japan, policy):
    Mailbox.objects.create(address="jp@exchange.example", language="ja")
    assert email_receive(raw=_kanji_only("<p1@x>", to="jp@exchange.example")).team is None
    Mailbox.objects.filter(address="jp@exchange.example").update(team=japan)  # no signal here
    cache.set(MAILBOXES_VERSION_KEY, "changed elsewhere")  # what the other process's save leaves

    assert email_receive(raw=_kanji_only("<p2@x>", to="jp@exchange.example")).team == japan


def test_an_email_to_a_mailbox_asks_postgresql_for_no_mailbox(japan, policy):
    Mailbox.objects.create(address="jp@exchange.example", team=japan, language="ja")
    email_receive(raw=_kanji_only("<q1@x>", to="jp@exchange.example"))

    with CaptureQueriesContext(connection) as queries:
        ticket = email_receive(raw=_kanji_only("<q2@x>", to="jp@exchange.example"))

    assert ticket.team == japan
    assert not [query for query in queries if "tickets_mailbox" in query["sql"]]


def test_with_more_mailboxes_than_are_kept_each_email_asks_postgresql(japan, policy, settings):
    """The copy is bounded: past MAX_KEPT_MAILBOXES the mailboxes are looked up per email."""
    Mailbox.objects.bulk_create(
        [Mailbox(address=f"desk{number}@exchange.example") for number in range(3)]
    )
    Mailbox.objects.create(address="jp@exchange.example", team=japan, language="ja")

    with patch.object(mailboxes, "MAX_KEPT_MAILBOXES", 3):
        mailboxes.mailboxes_changed()
        with CaptureQueriesContext(connection) as queries:
            ticket = email_receive(raw=_kanji_only("<m1@x>", to="jp@exchange.example"))

    assert ticket.team == japan
    assert [query for query in queries if "tickets_mailbox" in query["sql"]]
