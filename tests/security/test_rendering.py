"""Untrusted text stays inert and honest: look-alike hosts shown in punycode with a warning,
markup and script URLs escaped, one sanitised rendering for portal, console and email
(ATTACKS E1, E3, E4)."""

import re

import pytest
from django.test import Client

from helpcenter.models import Category, Section
from helpcenter.services import article_create
from support.models import OutboxEmail, Team
from tests.conftest import PASSWORD
from tickets.rendering import render_markdown
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db

LOOKALIKE = "b\u0456nance.com"  # a Cyrillic і
PUNYCODE = "xn--bnance-pvf.com"
TRICKS = "\n\n".join(
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(2)">',
        '"><svg onload=alert(3)>',
        "[click](javascript:alert(4))",
        "[click](JaVaScRiPt:alert(5))",
        "[click](java&#x09;script:alert(6))",
        '<a href="jav&#x61;script:alert(7)">x</a>',
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==)",
        "[vb](vbscript:msgbox(9))",
        "<javascript:alert(10)>",
        '<https://example.com/"onmouseover="alert(11)>',
        "![pixel](https://tracker.example/p.gif)",
        '<iframe src="https://evil.example"></iframe><form action="https://evil.example"></form>',
        "[fine](https://example.com/help) and <https://example.com/x>",
    ]
)
SCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*(javascript|data|vbscript):""", re.I)


def staff_client(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def page(user, url: str) -> str:
    return staff_client(user).get(url).content.decode()


def assert_inert(html: str) -> None:
    """No element or attribute that runs script, loads a resource or leaves the allowlist."""
    lowered = html.lower()
    for marker in ("<script", "<img", "<svg", "<iframe", "<form", "onerror", "onload="):
        assert marker not in lowered, marker
    assert not SCRIPT_URL.search(html)
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("https://", "http://", "mailto:")), href


# --- E1: look-alike hosts ----------------------------------------------------------------------


def test_a_lookalike_link_points_at_its_punycode_with_a_mixed_script_warning():
    """E1: a link to b\u0456nance.com goes to (and shows) xn--bnance-pvf.com, flagged as mixing
    alphabets; a plain ASCII link is left alone."""
    html = render_markdown(f"[binance.com](https://{LOOKALIKE}/login) or https://binance.com")

    assert f'href="https://{PUNYCODE}/login"' in html
    assert f"⚠ {PUNYCODE} (Cyrillic+Latin)" in html
    assert 'class="link-warning mixed-script"' in html
    assert f'href="https://{LOOKALIKE}' not in html


def test_a_lookalike_host_in_plain_text_and_a_punycode_link_are_flagged():
    """E1: a look-alike host written as text, and a link already in punycode, both get the
    warning with the punycode spelling."""
    text_html = render_markdown(f"Please log in at {LOOKALIKE} to verify")
    link_html = render_markdown(f"<https://{PUNYCODE}/>")

    assert f"{LOOKALIKE} <span" in text_html and f"⚠ {PUNYCODE}" in text_html
    assert f'href="https://{PUNYCODE}/"' in link_html and f"⚠ {PUNYCODE}" in link_html


def test_a_single_script_foreign_host_is_shown_in_punycode_but_not_flagged_as_mixed():
    """E1: a Korean domain is legitimate: shown in punycode with the warning, not 'mixed'."""
    html = render_markdown("한국.kr 에서 확인하세요")

    assert "⚠ xn--3e0b707e.kr" in html
    assert "mixed-script" not in html


def test_ordinary_text_and_links_get_no_warning():
    """E1: no false alarm on ASCII hosts, CJK text or e-mail addresses."""
    for text in ("Visit binance.com or https://example.com/a", "出金が遅れています binance.com"):
        assert "link-warning" not in render_markdown(text)


def test_the_console_and_the_portal_show_the_lookalike_warning(customer, agent, policy, receive):
    """E1: the warning reaches the agent's console page and the customer's ticket page."""
    ticket = receive(text=f"Support told me to log in at https://{LOOKALIKE}/verify")

    for user, url in (
        (agent, f"/console/tickets/{ticket.reference}/"),
        (customer, f"/en/tickets/{ticket.reference}/"),
    ):
        assert f"⚠ {PUNYCODE} (Cyrillic+Latin)" in page(user, url), url


# --- E3: markup in names, fields and articles --------------------------------------------------


def test_markup_in_a_subject_a_team_and_a_customer_name_is_escaped_in_the_console(
    customer, agent, policy, receive
):
    """E3: `"><img onerror>` in a ticket subject, a team name and a customer's name and email
    domain reaches the console escaped, never as markup."""
    payload = '"><img src=x onerror=alert(1)>'
    customer.first_name = payload
    customer.save(update_fields=["first_name"])
    team = Team.objects.create(slug="vip", name=payload)
    ticket = receive(subject=payload)
    ticket.team = team
    ticket.save(update_fields=["team"])

    for url in (f"/console/tickets/{ticket.reference}/", "/console/tickets/?view=open"):
        html = page(agent, url)
        assert "<img src=x" not in html, url
        assert "onerror=alert(1)>" not in html, url


def test_markup_in_a_subject_is_escaped_in_the_portal(customer, policy, receive):
    """E3: the customer's own ticket list and page show a markup subject as text."""
    ticket = receive(subject='<script>alert("x")</script>')
    client = staff_client(customer)

    for url in ("/en/tickets/", f"/en/tickets/{ticket.reference}/"):
        html = client.get(url).content.decode()
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(" in html


def test_a_help_article_keeps_only_http_links_and_escapes_markup(client):
    """E3: an article with javascript:, data:, vbscript:, tel: and ssh: links, inline handlers
    and a markup title renders with http(s)/mailto hrefs only and the title escaped."""
    category = Category.objects.create(slug="security", name_en="Security")
    section = Section.objects.create(category=category, slug="phishing", name_en="Phishing")
    article_create(
        section=section,
        slug="links",
        by=None,
        title_en='"><img src=x onerror=alert(1)>',
        body_en=TRICKS + "\n\n[call](tel:123) [shell](ssh://root@host) [mail](mailto:a@b.example)",
        status="published",
    )

    html = client.get("/en/help/articles/links/").content.decode()
    body = html.split('<div class="help-body">', 1)[1].split("</div>", 1)[0]

    assert_inert(body)
    assert 'href="https://example.com/help"' in body
    assert 'href="mailto:a@b.example"' in body
    assert "tel:" not in body and "ssh:" not in body
    assert "<img src=x" not in html


# --- E4: one sanitised rendering everywhere ----------------------------------------------------


def test_a_reply_full_of_tricks_renders_identically_in_portal_console_and_email(
    customer, agent, policy, receive, django_capture_on_commit_callbacks
):
    """E4: raw HTML, script links and autolink tricks in a reply are sanitised once; the portal,
    the console and the notification email show exactly that same inert HTML."""
    ticket = receive()
    with django_capture_on_commit_callbacks(execute=True):
        message = ticket_reply(ticket=ticket, author=agent, body=TRICKS)
    rendered = message.body_html

    assert_inert(rendered)
    assert 'href="https://example.com/help"' in rendered
    assert rendered in page(customer, f"/en/tickets/{ticket.reference}/")
    assert rendered in page(agent, f"/console/tickets/{ticket.reference}/")
    email = OutboxEmail.objects.get(dedupe_key=f"reply:{message.pk}")
    assert rendered in email.body_html


def test_a_customer_message_full_of_tricks_is_stored_inert(customer, agent, policy, receive):
    """E4: the same tricks from a customer (portal, API, email, chat transcript all go through
    intake) are stored as the same inert HTML the console shows."""
    ticket = receive(text=TRICKS)
    stored = ticket.messages.get().body_html

    assert_inert(stored)
    assert stored == render_markdown(ticket.messages.get().body)
    assert stored in page(agent, f"/console/tickets/{ticket.reference}/")
