"""KakaoTalk, end to end: skill requests written from Kakao i Open Builder's documentation
(tests/data/kakao) posted to the webhook with the account's secret header, read by the worker's
code, and replies sent through the Event API, which a local fake stands in for
(tests/tickets/kakao_server.py), the only thing mocked."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.tickets.kakao_server import without_code
from tickets.channels.email_outbound import DeliveryState, email_timeline_annotate
from tickets.channels.social_common import secret_seal
from tickets.channels.social_outbound import social_outbox_deliver, social_outbox_sweep
from tickets.models import Message, RawInbound, Ticket
from tickets.services import ticket_reply
from tickets.social_models import SocialAccount, SocialOutbox
from tickets.timeline import console_timeline

DATA = Path(__file__).resolve().parent.parent / "data" / "kakao"
REST_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # noqa: S105 - a test value
BOT_ID = "5f8a1c2b3d4e5f6a7b8c9d01"
USER = "d6f9b1a3c5e7f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3"
SEED = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
)


def skill(**changes) -> dict:
    data = json.loads((DATA / "skill_text.json").read_text())
    data["userRequest"].update(changes)
    return data


@pytest.fixture
def account(db, team, kakao) -> SocialAccount:
    return SocialAccount.objects.create(
        kind=SocialAccount.Kind.KAKAO,
        team=team,
        name="거래소 고객센터",
        external_id=BOT_ID,
        token_sealed=secret_seal(REST_KEY),
    )


@pytest.fixture
def deliver(client, account, django_capture_on_commit_callbacks):
    def post(body, *, secret: str | None = None):
        url = reverse("channel_webhook", kwargs={"provider": "kakaotalk", "account": account.pk})
        headers = {"X-Kakao-Skill-Secret": account.verify_token if secret is None else secret}
        if secret == "":
            headers = {}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                url, data=json.dumps(body), content_type="application/json", headers=headers
            )

    return post


def reply_state(ticket: Ticket, message: Message) -> DeliveryState | None:
    timeline = email_timeline_annotate(console_timeline(ticket, language="en"))
    return next(
        e["delivery"] for e in timeline if e["kind"] == "message" and e["message"] == message
    )


@pytest.mark.parametrize("secret", ["", "guessed-secret"])
def test_a_missing_or_wrong_skill_secret_is_refused_and_nothing_is_stored(deliver, secret):
    """H3 (Kakao signs nothing): the account's own secret header, or 401."""
    response = deliver(skill(), secret=secret)
    assert response.status_code == 401
    assert not RawInbound.objects.exists() and not Ticket.objects.exists()


def test_a_request_for_another_bot_is_refused(deliver):
    body = skill()
    body["bot"]["id"] = "000000000000000000000000"
    assert deliver(body).status_code == 400
    assert not RawInbound.objects.exists()


def test_an_utterance_becomes_a_ticket_and_kakao_gets_a_skill_response(deliver, team):
    response = deliver(skill())
    assert response.status_code == 200
    output = response.json()["template"]["outputs"][0]["simpleText"]["text"]
    assert response.json()["version"] == "2.0" and "We received" not in output
    ticket = Ticket.objects.get()
    assert ticket.channel == "kakaotalk" and ticket.team == team and ticket.language == "ko"
    assert ticket.customer.username == f"kakao:{USER}"
    assert ticket.messages.get().body == "출금 신청한 지 하루가 지났는데 아직 처리가 안 됐어요"


def test_a_resent_request_makes_one_message(deliver):
    """H2: the same body again (within its minute): stored once, one message."""
    deliver(skill())
    deliver(skill())
    assert RawInbound.objects.filter(channel="kakaotalk").count() == 1
    assert Message.objects.filter(channel="kakaotalk").count() == 1


def test_a_seed_phrase_is_stored_redacted_and_the_customer_warned(deliver, kakao):
    deliver(skill(utterance=f"지갑 단어 {SEED}"))
    assert "abandon" not in Message.objects.get(channel="kakaotalk").body
    assert len(kakao.texts()) == 1 and "abandon" not in kakao.texts()[0]


def test_a_request_without_an_utterance_is_stored_and_ignored(deliver):
    deliver(skill(utterance=""))
    stored = RawInbound.objects.get()
    assert stored.error == "ignored: no utterance" and not Ticket.objects.exists()


@pytest.fixture
def ticket(deliver) -> Ticket:
    deliver(skill())
    return Ticket.objects.get()


def test_an_agent_reply_is_sent_through_the_event_api(
    ticket, agent, kakao, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        message = ticket_reply(ticket=ticket, author=agent, body="출금이 처리되었습니다.")
    (sent,) = kakao.sent
    assert sent.path == f"/v2/bots/{BOT_ID}/talk"
    assert sent.authorization == f"KakaoAK {REST_KEY}"
    # Under the agent's words, the code our verification page knows (docs/verification.md).
    assert re.search(r" [A-Z2-9]{4}-[A-Z2-9]{4}$", sent.body["event"]["data"]["text"])
    sent.body["event"]["data"]["text"] = without_code(sent.body["event"]["data"]["text"])
    assert sent.body == {
        "event": {"name": settings.KAKAO_REPLY_EVENT, "data": {"text": "출금이 처리되었습니다."}},
        "user": [{"type": "botUserKey", "id": USER}],
    }
    assert reply_state(ticket, message) == DeliveryState.SENT


def test_a_429_waits_then_sends(ticket, agent, kakao):
    """I7: 429 with Retry-After: pending that long, then sent."""
    message = ticket_reply(ticket=ticket, author=agent, body="잠시만 기다려 주세요.")
    kakao.queued.append((429, {"status": "FAIL", "message": "too many"}, {"Retry-After": "7"}))
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert reply_state(ticket, message) == DeliveryState.PENDING
    now = timezone.now()
    assert social_outbox_sweep(now=now + timedelta(seconds=5)) == 0
    assert social_outbox_sweep(now=now + timedelta(seconds=8)) == 1
    assert reply_state(ticket, message) == DeliveryState.SENT


def test_kakao_down_leaves_the_reply_pending_then_sent_once(ticket, agent, kakao):
    message = ticket_reply(ticket=ticket, author=agent, body="확인 중입니다.")
    kakao.down = True
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert reply_state(ticket, message) == DeliveryState.PENDING
    kakao.down = False
    social_outbox_sweep(now=timezone.now() + timedelta(minutes=1))
    social_outbox_sweep(now=timezone.now() + timedelta(minutes=2))
    assert reply_state(ticket, message) == DeliveryState.SENT
    assert kakao.texts() == ["확인 중입니다."]


def test_a_fail_status_marks_the_reply_failed(ticket, agent, kakao):
    message = ticket_reply(ticket=ticket, author=agent, body="안녕하세요")
    kakao.queued.append((200, {"taskId": "t", "status": "FAIL", "message": "no block"}, {}))
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert reply_state(ticket, message) == DeliveryState.FAILED


# --- Photos customers send -----------------------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
FIRST = "/dna/bAkqP5/K6aZBGAJYV/XXX/img_org.jpg"
SECOND = "/dna/cRmUx9/K6aZBGAJYW/YYY/img_org.jpg"


def secure_image(cdn: str) -> dict:
    """A request from a block using the secure-image plugin (sys.plugin.secureimage)."""
    return json.loads((DATA / "skill_secure_image.json").read_text().replace("CDN/", cdn + "/"))


@pytest.fixture
def cdn(kakao, settings) -> str:
    settings.KAKAO_FILE_HOSTS = [kakao.url]
    return kakao.url


def test_photos_of_the_secure_image_plugin_become_attachments(deliver, kakao, cdn):
    kakao.files[FIRST] = kakao.files[SECOND] = JPEG
    assert deliver(secure_image(cdn)).status_code == 200
    message = Message.objects.get(channel="kakaotalk")
    assert message.body == "입금 내역 캡처 보냅니다"
    assert [a.content_type for a in message.attachments.all()] == ["image/jpeg", "image/jpeg"]
    assert kakao.downloads == [FIRST, SECOND]


def test_a_photo_sent_without_the_plugin_arrives_as_its_address_and_is_taken(deliver, kakao, cdn):
    kakao.files[FIRST] = JPEG
    deliver(skill(utterance=f"{cdn}{FIRST}?credential=abc&expires=1796688000"))
    message = Message.objects.get(channel="kakaotalk")
    assert message.attachments.get().filename == "img_org.jpg"
    assert cdn not in message.body  # the address is not kept as the customer's words


def test_a_photo_over_the_limit_is_refused_with_a_message_to_the_customer(
    deliver, kakao, cdn, settings
):
    settings.ATTACHMENT_MAX_BYTES = 100
    kakao.files[FIRST] = kakao.files[SECOND] = JPEG
    deliver(secure_image(cdn))
    message = Message.objects.get(channel="kakaotalk")
    assert not message.attachments.exists()
    assert message.metadata["dropped_attachments"] == ["img_org.jpg"] * 2
    assert len(kakao.texts()) == 2 and "img_org.jpg" in kakao.texts()[0]
    assert "더 작은 파일" in kakao.texts()[0]  # "a smaller file", in Korean


def test_an_address_off_kakaos_hosts_is_never_fetched(deliver, kakao, settings):
    """H4: only KAKAO_FILE_HOSTS; a plugin value naming another host is refused (the
    customer told), and an utterance naming one is just words."""
    settings.KAKAO_FILE_HOSTS = ["https://*.kakaocdn.net"]
    kakao.files[FIRST] = JPEG
    body = secure_image("http://169.254.169.254")
    deliver(body)
    assert not kakao.downloads and not Message.objects.get().attachments.exists()
    assert "다시 보내 주세요" in kakao.texts()[0]  # "please send it again", in Korean
    deliver(skill(utterance=f"{kakao.url}{FIRST}"))
    assert Message.objects.filter(body=f"{kakao.url}{FIRST}").exists() and not kakao.downloads


def test_kakao_away_while_fetching_leaves_the_request_for_the_retry(deliver, kakao, cdn):
    kakao.files[FIRST] = kakao.files[SECOND] = JPEG
    kakao.down = True
    deliver(secure_image(cdn))
    stored = RawInbound.objects.get()
    assert stored.processed_at is None and not Ticket.objects.exists()


# --- Files in agents' replies --------------------------------------------------------------------


def test_kakao_carries_no_file_so_the_agent_is_told_before_and_the_file_shows_not_sent(
    ticket, agent, kakao, client
):
    client.force_login(agent)
    url = reverse("tickets_console:ticket", args=[ticket.reference])
    assert "KakaoTalk carries text only" in client.get(url).content.decode()
    upload = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n" + b"1" * 50, "application/pdf")
    message = ticket_reply(ticket=ticket, author=agent, body="안내서입니다.", attachments=[upload])
    social_outbox_deliver(outbox_id=SocialOutbox.objects.get(message=message).pk)
    assert kakao.texts() == ["안내서입니다."]
    timeline = email_timeline_annotate(console_timeline(ticket, language="en"))
    entry = next(e for e in timeline if e["kind"] == "message" and e["message"] == message)
    ((_file, state),) = entry["files"]
    assert state.state == DeliveryState.FAILED and "cannot carry" in state.reason
    page = client.get(url).content.decode()
    assert 'data-testid="file-delivery-reason"' in page and "cannot carry" in page
