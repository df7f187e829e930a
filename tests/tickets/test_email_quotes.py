"""Quoted text and signatures: agents read what the customer wrote this time, the whole email
one click away (tests/data/mail/quotes/README.md says where each sample comes from)."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tickets.channels.email import email_receive
from tickets.channels.email_quotes import email_new_text, email_reply_split

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "mail" / "quotes"
BODIES = sorted(path for path in SAMPLES.glob("*.txt") if not path.name.endswith(".expected.txt"))


def _console(ticket) -> str:
    return reverse("tickets_console:ticket", kwargs={"reference": ticket.reference})


@pytest.fixture
def agent_client(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("body", BODIES, ids=[path.stem for path in BODIES])
def test_each_client_s_reply_shows_only_what_the_customer_wrote(body):
    expected = body.with_name(f"{body.stem}.expected.txt").read_text()
    assert email_reply_split(body.read_text()).new_text.strip() == expected.strip()


def test_a_mail_that_is_all_quote_is_shown_whole():
    forward_only = "\n\n-----Original Message-----\nFrom: a@example.com\nTo: b@example.com\n\nhi"
    assert email_new_text(forward_only) is None


def test_a_mail_with_nothing_quoted_has_no_second_view():
    assert email_new_text("Hello, my withdrawal is stuck.\nCan you help?") is None


def test_crlf_line_endings_are_read_like_lf():
    body = (SAMPLES / "zh_qq.txt").read_text().replace("\n", "\r\n")
    assert email_new_text(body) == "还是没有到账，交易哈希是 0x3f…a1。"


def test_a_huge_quote_chain_splits_in_one_pass():
    """Every line is judged once against anchored patterns: 20,000 characters of quoting."""
    body = "Still waiting.\n\n" + "> " * 5000 + "\n" + "> old text\n" * 1500
    assert email_new_text(body) == "Still waiting."


@pytest.mark.parametrize(
    ("box", "visible", "hidden"),
    [
        ("mail003.box", "ich möchte mich gern für den Beta-Test", "ich versuche an den Punkten"),
        ("mail005.box", "John und ich könnten leider nur am Freitag", "super! Ich freu mich!"),
        ("mail012.box", "möglicherweise haben wir für unsere morgige", "Sehr geehrte Frau Smith"),
        ("mail002.box", "äöüß ad asd", "Old programmers never die"),
    ],
)
def test_zammad_corpus_replies_in_the_console(agent_client, customer, policy, box, visible, hidden):
    """Real mails of Zammad's test suite: Outlook (de), Apple Mail, a bottom-posted
    Thunderbird reply, a "-- " signature."""
    raw = (SAMPLES / "zammad" / box).read_bytes()
    ticket = email_receive(raw=raw)
    message = ticket.messages.get()
    assert hidden in message.body  # the full text stays stored
    page = agent_client.get(_console(ticket)).content.decode()
    new_part = page.split('data-testid="new-text">')[1].split("</div>")[0]
    assert visible in new_part and hidden not in new_part
    full_part = page.split('data-testid="full-text">')[1].split("</details>")[0]
    assert visible in full_part and hidden in full_part


@pytest.mark.parametrize(
    ("eml", "visible", "hidden"),
    [
        ("qq_gbk.eml", "还是没有到账", "请提供交易哈希"),
        ("naver_euc_kr.eml", "다시 시도해 보겠습니다", "출금이 지연되고 있습니다"),
        ("yahoo_japan_iso2022jp.eml", "まだ着金していません", "入金を確認中です"),
    ],
)
def test_cjk_clients_raw_mail_in_their_charsets(
    agent_client, customer, policy, eml, visible, hidden
):
    ticket = email_receive(raw=(SAMPLES / "raw" / eml).read_bytes())
    message = ticket.messages.get()
    assert visible in message.new_html and hidden not in message.new_html
    assert hidden in message.body_html
    page = agent_client.get(_console(ticket)).content.decode()
    assert "Show the whole email, with the quoted text and signature" in page


def test_the_new_part_passes_the_redaction_gate(customer, policy):
    """G1: it is cut from the redacted body, so a seed phrase in the reply is not in it."""
    phrase = (
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
        "abandon about"
    )
    raw = (
        b"From: owner@example.com\r\nTo: support@example.com\r\nSubject: help\r\n"
        b"Message-ID: <seed@x>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + f"My phrase is {phrase}\r\n\r\nOn Mon, Jan 5, 2026 at 10:02 AM Support "
        "<support@example.com> wrote:\r\n> Hello\r\n".encode()
    )
    message = email_receive(raw=raw).messages.get()
    assert "abandon" not in message.new_html and "abandon" not in message.body
    assert "seed phrase removed" in message.new_html
