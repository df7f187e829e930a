"""Inbound email read whatever state it arrives in: every charset real mail uses, malformed
headers and MIME, HTML made safe, attachments checked one by one, links that lie flagged, and
what could not be read flagged with the original one click away (ATTACKS.md A1–A7, A15–A18,
D5, E1). Samples: real mails of Zammad's test suite (tests/data/mail/zammad) and mails built
byte for byte the way the named clients write them."""

import base64
import io
import zipfile

import pytest

from tests.conftest import PASSWORD
from tests.tickets.email_corpus import CORPUS
from tickets.channels.email import email_receive
from tickets.intake import InboundMessage, intake_message
from tickets.models import Event, Message


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def mail(
    body: bytes,
    *,
    content_type: str = "text/plain; charset=utf-8",
    subject: bytes = b"Deposit missing",
    sender: bytes = b"Kim <kim@example.com>",
    message_id: bytes = b"<p1@mail.example>",
    encoding: bytes = b"8bit",
) -> bytes:
    return b"\r\n".join(
        [
            b"From: " + sender,
            b"To: support@example.com",
            b"Subject: " + subject,
            b"Message-ID: " + message_id,
            b"MIME-Version: 1.0",
            b"Content-Type: " + content_type.encode(),
            b"Content-Transfer-Encoding: " + encoding,
            b"",
            body,
        ]
    )


def received(raw: bytes) -> Message:
    return email_receive(raw=raw).messages.get()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- Charsets ----------------------------------------------------------------------------------


def test_gb2312_label_on_gbk_text_reads_as_gb18030(db, policy):
    """A2: mail031 is labelled GB2312 but written in GBK (內, 產, 數 are not in GB2312)."""
    message = received(corpus("mail031.box"))
    assert message.ticket.subject == "內應力產生与注塑工艺条件之间的关系；"
    assert "最佳注塑工艺参數設定方法" in message.body
    assert "\ufffd" not in message.body


def test_a_label_python_does_not_know_is_no_error(db, policy):
    """mail060 says charset=iso-gb2312, which Python's codecs do not know (HTTP 500 elsewhere)."""
    message = received(corpus("mail060.box"))
    assert message.ticket.subject == "abc"
    assert message.body.startswith("Here it goes")


def test_big5_label_with_hkscs_and_cp950_characters(db, policy):
    """A3: Hong Kong characters (HKSCS 𨋢) and cp950's euro sign under a plain Big5 label."""
    hkscs = received(
        mail("升降機叫𨋢".encode("big5hkscs"), content_type="text/plain; charset=big5")
    )
    cp950 = received(
        mail(
            "手續費 €5".encode("cp950"),
            content_type="text/plain; charset=big5",
            subject=b"Fee",
            message_id=b"<p2@mail.example>",
        )
    )
    assert hkscs.body == "升降機叫𨋢"
    assert cp950.body == "手續費 €5"


@pytest.mark.parametrize("label", ["ks_c_5601-1987", "euc-kr"])
def test_korean_labels_read_as_cp949(db, policy, label):
    """A4: 똠 and 햏 exist only in UHC (cp949), which Outlook and Naver send as ks_c_5601-1987."""
    message = received(
        mail("똠방각하 햏 입금".encode("cp949"), content_type=f"text/plain; charset={label}")
    )
    assert message.body == "똠방각하 햏 입금"


def test_shift_jis_label_with_cp932_characters(db, policy):
    """A6: ①, ㈱ and 髙 are Windows (cp932) characters under a Shift_JIS label."""
    message = received(
        mail("①出金 ㈱髙橋".encode("cp932"), content_type="text/plain; charset=shift_jis")
    )
    assert message.body == "①出金 ㈱髙橋"


def test_iso_2022_jp_with_a_label_real_mail(db, policy):
    """A5: mail091, Outlook's ISO-2022-JP, subject and body."""
    message = received(corpus("mail091.box"))
    assert message.ticket.subject == "メルマガ解除"
    assert "このアドレスへのメルマガを解除してください。" in message.body


def test_iso_2022_jp_without_a_label_and_with_nec_characters(db, policy):
    """A5: a Japanese phone's 7-bit mail without charset=, ① (NEC row 13) included."""
    jis = b"\x1b$B-!\x1b(B" + "出金の遅れ".encode("iso2022_jp")  # ① is NEC row 13: 0x2D21
    message = received(mail(jis, content_type="text/plain", encoding=b"7bit"))
    assert message.body == "①出金の遅れ"


def test_windows_1251_and_six_charsets_in_one_mail(db, policy):
    """mail006: utf-8, ISO-8859-1, cp-1251 and more in one subject."""
    subject = received(corpus("mail006.box")).ticket.subject
    assert "使って" in subject and "Priorität" in subject and "Серг" in subject


def test_raw_shift_jis_bytes_in_a_header(db, policy):
    """mail093: a Subject of raw 8-bit Shift_JIS in a mail labelled ISO-2022-JP."""
    assert received(corpus("mail093.box")).ticket.subject == "ツール"


def test_malformed_encoded_words_are_kept_readable(db, policy):
    """A7: broken base64 and an unknown charset in Subject and From: the mail goes in, what
    can be read is read, the rest is kept as written."""
    raw = mail(
        b"hello",
        subject=b"=?x-bogus?Q?Withdrawal_stuck?= =?utf-8?B?#!broken?= tail",
        sender=b"=?unknown-8bit?B?S2lt?= <kim@example.com>",
    )
    message = received(raw)
    assert message.ticket.subject.startswith("Withdrawal stuck")
    assert message.ticket.subject.endswith("tail")
    assert message.ticket.customer.email == "kim@example.com"


# --- Broken mail -------------------------------------------------------------------------------


def test_headers_broken_by_a_banner_line_are_mended(db, policy):
    """mail068: a "---- Original email message ----" line opens the headers; From and
    Subject are still found."""
    message = received(corpus("mail068.box"))
    assert message.ticket.customer.email == "xxxxx@xxxxx.cz"
    assert message.ticket.subject == "Contact from Server"


def test_an_unterminated_boundary_keeps_the_text_and_flags_it(db, policy, agent, client):
    """A1: a multipart whose boundary never comes: the text is kept, the message is flagged
    "could not read fully", and the agent sees so in the console."""
    raw = mail(
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMy deposit of 2 BTC is missing",
        content_type='multipart/mixed; boundary="b0"',
    )
    message = received(raw)
    assert "My deposit of 2 BTC is missing" in message.body
    assert message.metadata["read_problems"] == ["structure"]
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(f"/console/tickets/{message.ticket.reference}/").content.decode()
    assert "Could not read this email fully." in page


def test_staff_with_the_permission_download_the_original_and_it_is_recorded(
    db, policy, agent, client
):
    raw = mail(b"--b1\r\nbroken", content_type='multipart/mixed; boundary="b0"')
    message = received(raw)
    url = f"/console/tickets/{message.ticket.reference}/emails/{message.pk}/original/"
    client.login(username=agent.username, password=PASSWORD)
    assert client.get(url).status_code == 403
    assert (
        "raw-download"
        not in client.get(f"/console/tickets/{message.ticket.reference}/").content.decode()
    )

    agent.user_permissions.add(_permission("view_rawinbound"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert b"".join(response.streaming_content) == raw
    event = Event.objects.get(field="raw_email_downloaded")
    assert event.actor == agent and event.ticket == message.ticket


def test_the_original_of_another_tickets_message_is_404(db, policy, agent, client):
    first = received(mail(b"one"))
    other = received(mail(b"two", sender=b"lee@example.com", message_id=b"<p9@x>"))
    agent.user_permissions.add(_permission("view_rawinbound"))
    client.login(username=agent.username, password=PASSWORD)
    url = f"/console/tickets/{first.ticket.reference}/emails/{other.pk}/original/"
    assert client.get(url).status_code == 404
    assert not Event.objects.filter(field="raw_email_downloaded").exists()


def _permission(codename: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(codename=codename, content_type__app_label="tickets")


# --- HTML --------------------------------------------------------------------------------------

HOSTILE_HTML = b"""<html><head><base href="https://evil.example/"><meta http-equiv="refresh"
content="0;url=https://evil.example/"><style>@import url(https://evil.example/x.css);</style>
</head><body><p>My <b>withdrawal</b> &amp; deposit</p><script>alert(1)</script>
<img src="https://tracker.example/pixel.gif" onerror="alert(2)">
<img src="data:image/png;base64,iVBORw0KGgo=">
<a href="javascript:alert(3)">click</a><form action="https://evil.example/"><input name="seed">
</form><a href="https://www.example.com/help">our help page</a></body></html>"""


def test_html_only_mail_is_sanitised_and_readable(db, policy):
    """A15, A18: no script, style, base, meta refresh, form, event attribute or javascript:
    link survives; no image loads (remote or data:); the text reads like the mail."""
    message = received(mail(HOSTILE_HTML, content_type="text/html; charset=utf-8"))
    html = message.body_html.lower()
    for banned in ("<script", "<style", "<base", "<meta", "<form", "<input", "<img", "onerror",
                   "javascript:", "evil.example", "tracker.example", "data:"):  # fmt: skip
        assert banned not in html
    assert "<b>withdrawal</b>" in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert message.body.startswith("My withdrawal & deposit")
    assert "alert" not in message.body


def test_a_link_showing_another_domain_is_flagged_to_the_agent(db, policy, agent, client):
    """E1: the text says binance.com, the link goes to a look-alike in punycode."""
    body = (
        b'<p>Please log in at <a href="https://xn--bnance-jua.com/login">binance.com</a></p>'
        b'<p><a href="https://evil.example/reset">https://www.binance.com/reset</a></p>'
    )
    message = received(mail(body, content_type="text/html; charset=utf-8"))
    assert message.metadata["suspicious_links"] == [
        {"shown": "binance.com", "target": "xn--bnance-jua.com"},
        {"shown": "https://www.binance.com/reset", "target": "evil.example"},
    ]
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(f"/console/tickets/{message.ticket.reference}/").content.decode()
    assert page.count('data-testid="suspicious-link"') == 2


# A BIP39 test vector: twelve words with a valid checksum.
SEED = "legal winner thank year wave sausage worth useful legal winner thank yellow"


def test_an_html_mail_with_a_seed_phrase_shows_its_redacted_text_not_its_markup(db, policy):
    """A redaction marker cannot go into markup safely: the agent sees the redacted text."""
    body = f"<p>My <b>wallet</b> words:</p><p>{SEED}</p>".encode()
    message = received(mail(body, content_type="text/html; charset=utf-8"))
    assert "sausage" not in message.body and "sausage" not in message.body_html
    assert "<b>wallet</b>" not in message.body_html
    assert message.body.startswith("My wallet words:")


def test_a_seed_phrase_only_in_a_link_target_drops_the_markup(db, policy):
    """The link's text is harmless; where it leads holds the phrase (as a form would send
    it, with "+" for the spaces), so the markup is not shown."""
    target = "https://notes.example/save?words=" + SEED.replace(" ", "+")
    body = f'<p>My backup is <a href="{target}">here</a>, is it safe?</p>'.encode()
    message = received(mail(body, content_type="text/html; charset=utf-8"))
    assert "sausage" not in message.body_html
    assert "notes.example" not in message.body_html
    assert message.body == "My backup is here, is it safe?"


def test_markup_that_shows_other_text_than_the_mail_is_read_itself(db, policy, customer):
    """The text the gate read is not what the markup shows: the markup's own text is read."""
    ticket = intake_message(
        InboundMessage(
            channel="email",
            customer_email=customer.email,
            text="Please check my wallet.",
            html=f"<p>Please check my wallet.</p><p>{SEED}</p>",
        )
    )
    stored = ticket.messages.get()
    assert "sausage" not in stored.body_html
    assert stored.body == "Please check my wallet."


def test_a_clean_html_mail_keeps_its_markup_and_its_links(db, policy):
    body = b'<p>My <b>deposit</b> is missing, see <a href="https://www.example.com/tx">tx</a></p>'
    message = received(mail(body, content_type="text/html; charset=utf-8"))
    assert "<b>deposit</b>" in message.body_html
    assert 'href="https://www.example.com/tx"' in message.body_html


# --- Attachments -------------------------------------------------------------------------------


def multipart(*parts: bytes) -> bytes:
    body = b"".join(b"--b0\r\n" + part + b"\r\n" for part in parts) + b"--b0--\r\n"
    return mail(body, content_type='multipart/mixed; boundary="b0"')


def text_part(text: bytes) -> bytes:
    return b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + text


def file_part(name: str, content_type: str, content: bytes, *, inline: bool = False) -> bytes:
    disposition = "inline" if inline else "attachment"
    return (
        f'Content-Type: {content_type}\r\nContent-Disposition: {disposition}; filename="{name}"'
        "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + base64.encodebytes(content)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_inline_images_and_attachments_are_kept_with_the_usual_checks(db, policy):
    message = received(
        multipart(
            text_part(b"screenshot attached"),
            file_part("screen.png", "image/png", PNG, inline=True),
            file_part("statement.pdf", "application/pdf", PDF),
            file_part("tool.exe", "application/octet-stream", b"MZ\x90\x00" + b"\x00" * 60),
        )
    )
    assert sorted(message.attachments.values_list("filename", flat=True)) == [
        "screen.png",
        "statement.pdf",
    ]
    assert message.metadata["dropped_attachments"] == [
        {"name": "tool.exe", "type": "application/octet-stream", "size": 64, "reason": "type"}
    ]


def test_right_to_left_override_in_a_file_name_is_neutralised(db, policy):
    """D5: "invoice‮fdp.exe" would show as "invoiceexe.pdf"; it is stored without the control."""
    message = received(
        multipart(text_part(b"invoice"), file_part("inv\u202efdp.pdf", "application/pdf", PDF))
    )
    assert message.attachments.get().filename == "invfdp.pdf"


def test_a_zip_bomb_is_never_unpacked(db, policy, agent, client):
    """A17: a zip that inflates to 100 MB is refused by its type, before anything reads inside
    it; the agent sees it was not kept."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"\0" * 100_000_000)
    message = received(
        multipart(
            text_part(b"logs attached"), file_part("logs.zip", "application/zip", packed.getvalue())
        )
    )
    assert message.attachments.count() == 0
    assert message.metadata["dropped_attachments"][0]["reason"] == "type"
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(f"/console/tickets/{message.ticket.reference}/").content.decode()
    assert "logs.zip" in page and "a file type we do not accept" in page


def test_a_60_mb_mail_keeps_its_body_and_notes_the_attachment_too_large(db, policy):
    """A16: 60 MB: the text is kept, the attachment over the limit is noted, never decoded."""
    huge = b"A" * (60 * 1024 * 1024 // 4 * 3)
    message = received(
        multipart(
            text_part(b"video of the failed withdrawal"),
            file_part("video.pdf", "application/pdf", huge),
        )
    )
    assert message.body == "video of the failed withdrawal"
    assert message.attachments.count() == 0
    dropped = message.metadata["dropped_attachments"]
    assert [(item["name"], item["reason"]) for item in dropped] == [("video.pdf", "too_large")]
