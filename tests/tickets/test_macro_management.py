"""Macros managed in the console: supervisors list, create, edit, deactivate; agents only use
them, and every use is counted once, also when many happen at the same moment."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import PASSWORD
from tickets.demo import MACROS_FILE
from tickets.macros import macro_record_use
from tickets.models import Macro, Ticket

LIST = "/console/macros/"


@pytest.fixture
def macro(db) -> Macro:
    return Macro.objects.create(
        key="need-tx-hash",
        language="ko",
        name="TxID 요청",
        body="{customer_name}님, 트랜잭션 해시(TxID)를 보내주세요.",
        set_status="pending",
    )


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def edit_form(macro: Macro, **changes) -> dict:
    form = {
        "name": macro.name,
        "body": macro.body,
        "set_status": macro.set_status,
        "add_tags": " ".join(macro.add_tags),
        "version": macro.updated_at.isoformat() if macro.updated_at else "",
    }
    return {**form, **changes}


def test_an_agent_cannot_manage_macros_and_nothing_changes(client, agent, macro):
    signed_in(client, agent)
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}new/").status_code == 403
    assert client.get(f"{LIST}{macro.pk}/").status_code == 403
    new = {"key": "x", "language": "en", "name": "X", "body": "Hi", "set_status": ""}
    assert client.post(f"{LIST}new/", new).status_code == 403
    assert client.post(f"{LIST}{macro.pk}/", edit_form(macro, name="Hacked")).status_code == 403
    assert client.post(f"{LIST}{macro.pk}/deactivate/").status_code == 403
    macro.refresh_from_db()
    assert (macro.name, macro.active, Macro.objects.count()) == ("TxID 요청", True, 1)


def test_agents_do_not_see_the_macros_entry_supervisors_do(client, agent, supervisor):
    assert f'href="{LIST}"' not in signed_in(client, agent).get("/console/").content.decode()
    client.logout()
    assert f'href="{LIST}"' in signed_in(client, supervisor).get("/console/").content.decode()


def test_a_supervisor_creates_a_macro_in_another_language(client, supervisor, macro):
    signed_in(client, supervisor)
    form = {
        "key": "need-tx-hash",
        "language": "ja",
        "name": "TxIDのお願い",
        "body": "{customer_name}様、TxIDをお送りください。",
        "set_status": "pending",
        "add_tags": "awaiting-txid",
    }
    response = client.post(f"{LIST}new/", form)
    assert response.status_code == 302
    created = Macro.objects.get(key="need-tx-hash", language="ja")
    assert (created.name, created.add_tags, created.updated_by) == (
        "TxIDのお願い",
        ["awaiting-txid"],
        supervisor,
    )
    html = client.get(LIST).content.decode()
    assert "TxIDのお願い" in html and "TxID 요청" in html


def test_the_same_key_and_language_twice_is_refused_with_a_message(client, supervisor, macro):
    signed_in(client, supervisor)
    form = {"key": "need-tx-hash", "language": "ko", "name": "Again", "body": "Hi"}
    response = client.post(f"{LIST}new/", form)
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Macro.objects.filter(key="need-tx-hash", language="ko").count() == 1


def test_a_supervisor_edits_a_macro(client, supervisor, macro):
    signed_in(client, supervisor)
    response = client.post(
        f"{LIST}{macro.pk}/", edit_form(macro, name="해시 요청", add_tags="txid, waiting")
    )
    assert response.status_code == 302
    macro.refresh_from_db()
    assert (macro.name, macro.add_tags, macro.updated_by) == (
        "해시 요청",
        ["txid", "waiting"],
        supervisor,
    )


def test_an_edit_from_a_stale_form_changes_nothing(client, supervisor, teammate, macro):
    signed_in(client, supervisor)
    client.post(f"{LIST}{macro.pk}/", edit_form(macro, name="First edit"))
    stale = edit_form(macro, name="Second edit")  # the version read before the first edit
    response = client.post(f"{LIST}{macro.pk}/", stale)
    assert response.status_code == 400
    assert "changed this macro meanwhile" in response.content.decode()
    macro.refresh_from_db()
    assert macro.name == "First edit"


def test_a_deactivated_macro_is_offered_to_no_agent(client, supervisor, agent, macro, receive):
    ticket = receive()
    Ticket.objects.filter(pk=ticket.pk).update(language="ko")
    signed_in(client, supervisor).post(f"{LIST}{macro.pk}/deactivate/")
    macro.refresh_from_db()
    assert macro.active is False
    client.logout()
    page = signed_in(client, agent).get(f"/console/tickets/{ticket.reference}/")
    assert "TxID 요청" not in page.content.decode()
    assert client.post(f"{LIST}{macro.pk}/used/").status_code == 404

    client.logout()
    signed_in(client, supervisor).post(f"{LIST}{macro.pk}/activate/")
    macro.refresh_from_db()
    assert macro.active is True


def test_a_reply_with_a_macro_counts_one_use(client, agent, macro, policy, receive):
    ticket = receive()
    Ticket.objects.filter(pk=ticket.pk).update(language="ko")
    signed_in(client, agent)
    client.post(f"/console/tickets/{ticket.reference}/reply/", {"macro": macro.pk, "body": ""})
    macro.refresh_from_db()
    assert macro.usage_count == 1
    assert ticket.messages.filter(kind="reply").count() == 1


def test_a_refused_reply_counts_no_use(client, agent, macro, policy, receive):
    ticket = receive()
    Ticket.objects.filter(pk=ticket.pk).update(language="ko")
    signed_in(client, agent)
    stale = {"macro": macro.pk, "body": "", "version": ticket.version - 1}
    client.post(f"/console/tickets/{ticket.reference}/reply/", stale)
    macro.refresh_from_db()
    assert macro.usage_count == 0


def test_a_macro_put_in_a_chat_counts_one_use(client, agent, macro):
    response = signed_in(client, agent).post(f"{LIST}{macro.pk}/used/")
    assert response.status_code == 204
    assert client.get(f"{LIST}{macro.pk}/used/").status_code == 405
    macro.refresh_from_db()
    assert macro.usage_count == 1


def test_customers_cannot_count_uses(client, customer, macro):
    assert signed_in(client, customer).post(f"{LIST}{macro.pk}/used/").status_code == 403
    macro.refresh_from_db()
    assert macro.usage_count == 0


def test_macro_changes_without_the_csrf_token_are_403_and_change_nothing(supervisor, macro):
    """F14: a cross-site POST to deactivate or edit a macro is refused."""
    browser = Client(enforce_csrf_checks=True)
    browser.login(username=supervisor.username, password=PASSWORD)
    assert browser.post(f"{LIST}{macro.pk}/deactivate/").status_code == 403
    assert browser.post(f"{LIST}{macro.pk}/", edit_form(macro, name="X")).status_code == 403
    macro.refresh_from_db()
    assert (macro.active, macro.name) == (True, "TxID 요청")


def test_the_list_shows_usage_counts(client, supervisor, macro):
    Macro.objects.filter(pk=macro.pk).update(usage_count=7)
    html = signed_in(client, supervisor).get(LIST).content.decode()
    assert "used 7 times" in html


@pytest.mark.django_db(transaction=True)
def test_uses_at_the_same_moment_are_all_counted():
    macro = Macro.objects.create(key="hello", language="en", name="Hello", body="Hello")
    threads_count = 8
    start = threading.Barrier(threads_count)

    def use() -> None:
        try:
            start.wait()
            for _ in range(5):
                macro_record_use(macro_id=macro.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    macro.refresh_from_db()
    assert macro.usage_count == threads_count * 5


def test_demo_macros_have_a_title_and_text_in_every_language():
    macros = json.loads(MACROS_FILE.read_text(encoding="utf-8"))
    languages = {"en", "zh-hans", "zh-hant", "ko", "ja"}
    for key, macro in macros.items():
        assert set(macro["names"]) == set(macro["bodies"]) == languages, key
        english = macro["names"]["en"]
        assert all(macro["names"][code] != english for code in languages - {"en"}), key
        assert all("{customer_name}" in body for body in macro["bodies"].values()), key
