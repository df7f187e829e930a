"""Linking a social handle from the portal: the customer is shown a code and sends it to our
official account by direct message; the sender's id on the provider is then linked to them.
Each provider's webhook is posted in its real shape (tests/data/<provider>) and its servers are
the local fakes of the channel tests, the only thing mocked."""

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from support.audit_models import AuditEntry
from support.official.models import OfficialChannel
from tickets.channels.social_common import secret_seal
from tickets.identities.merging import customer_merge
from tickets.identities.models import CustomerIdentity, SocialLinkCode
from tickets.identities.social import code_hash, code_in
from tickets.models import RawInbound, Ticket
from tickets.social_models import SocialAccount, SocialOutbox

DATA = Path(__file__).resolve().parent.parent / "data"
SECRET = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f"  # noqa: S105 - a test value
TOKEN = "EAAGm0PX4ZCpsBAKTESTPAGETOKEN"  # noqa: S105 - a test value
PAGE_ID, PSID = "104455178512345", "6789012345678901"
IG_ID, IGSID = "17841405309211844", "3456789012345678"
X_ID, X_USER = "4337869213", "3001969357"
LINE_BOT, LINE_USER = "U8e742f61d673b39c7fff3cecb7536ef0", "U4af4980629a1b2c3d4e5f60718293a4b"
KAKAO_BOT = "5f8a1c2b3d4e5f6a7b8c9d01"
KAKAO_USER = "d6f9b1a3c5e7f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3"
CODE_RE = re.compile(r'data-testid="link-code">([A-Z2-9]{5}-[A-Z2-9]{5})<')

pytestmark = pytest.mark.django_db


# --- Our accounts, their fakes, the official registry ---------------------------------------------


def make_account(team, kind: str, external_id: str, name: str = "Exchange Help"):
    return SocialAccount.objects.create(
        kind=kind,
        team=team,
        name=name,
        external_id=external_id,
        secret_sealed=secret_seal(SECRET),
        token_sealed=secret_seal(TOKEN),
    )


def official(kind: str, value: str, languages=()) -> OfficialChannel:
    row = OfficialChannel(kind=kind, value=value, languages=list(languages))
    row.save()
    return row


@pytest.fixture
def page(team, meta):
    official("facebook", "https://m.me/exchangehelp")
    return make_account(team, SocialAccount.Kind.MESSENGER, PAGE_ID)


@pytest.fixture
def instagram(team, meta):
    official("instagram", "@exchange.help")
    return make_account(team, SocialAccount.Kind.INSTAGRAM, IG_ID)


@pytest.fixture
def x_account(team, x):
    official("x", "@ExchangeHelp")
    return make_account(team, SocialAccount.Kind.X, X_ID, name="ExchangeHelp")


@pytest.fixture
def line_account(team, line):
    official("line", "@exchange_jp", languages=["ja"])
    return make_account(team, SocialAccount.Kind.LINE, LINE_BOT)


@pytest.fixture
def kakao_account(team, kakao):
    official("kakaotalk", "_xjxbxgG", languages=["ko"])
    return make_account(team, SocialAccount.Kind.KAKAO, KAKAO_BOT, name="거래소 고객센터")


# --- Posting webhooks as each provider does ----------------------------------------------------


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Post a body to an account's webhook with the provider's own signature or secret; the
    worker's task (eager) and the replies it queues run before this returns."""

    def send(account: SocialAccount, body: dict):
        raw = json.dumps(body).encode()
        provider, headers = {
            "messenger": ("facebook", {"X-Hub-Signature-256": _hex_signature(raw)}),
            "instagram": ("facebook", {"X-Hub-Signature-256": _hex_signature(raw)}),
            "x": ("twitter", {"X-Twitter-Webhooks-Signature": "sha256=" + _b64(raw)}),
            "line": ("line", {"X-Line-Signature": _b64(raw)}),
            "kakao": ("kakaotalk", {"X-Kakao-Skill-Secret": account.verify_token}),
        }[account.kind]
        url = reverse("channel_webhook", kwargs={"provider": provider, "account": account.pk})
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data=raw, content_type="application/json", headers=headers)

    return send


def _hex_signature(raw: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()


def _b64(raw: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()


def messenger_dm(text: str, *, sender: str = PSID, mid: str = "m_code_1") -> dict:
    body = json.loads((DATA / "meta" / "messenger_text.json").read_text())
    event = body["entry"][0]["messaging"][0]
    event["sender"]["id"] = sender
    event["message"].update(mid=mid, text=text)
    return body


def instagram_dm(text: str, *, mid: str = "aWdfZAG1code") -> dict:
    body = json.loads((DATA / "meta" / "instagram_text.json").read_text())
    body["entry"][0]["messaging"][0]["message"].update(mid=mid, text=text)
    return body


def x_dm(text: str, *, event_id: str = "954491830116155400") -> dict:
    body = json.loads((DATA / "x" / "dm_text.json").read_text())
    event = body["direct_message_events"][0]
    event["id"] = event_id
    event["message_create"]["message_data"]["text"] = text
    return body


def line_dm(text: str, *, message_id: str = "468789577898262999") -> dict:
    body = json.loads((DATA / "line" / "text.json").read_text())
    event = body["events"][0]
    event["timestamp"] = int(time.time() * 1000)
    event["message"].update(id=message_id, text=text)
    return body


def kakao_utterance(text: str) -> dict:
    body = json.loads((DATA / "kakao" / "skill_text.json").read_text())
    body["userRequest"]["utterance"] = text
    return body


# --- The portal -----------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def show_code(client, kind: str, lang: str = "ko") -> str:
    response = client.post(f"/{lang}/account/linked/social/", {"social-kind": kind})
    assert response.status_code == 200, response.content.decode()[:2000]
    return CODE_RE.search(response.content.decode()).group(1)


def state(client, row: SocialLinkCode, lang: str = "ko") -> dict:
    return client.get(f"/{lang}/account/linked/social/{row.pk}/").json()


def test_the_page_offers_only_channels_we_answer_with_their_official_handles(
    signed_in, page, x_account, line_account
):
    SocialAccount.objects.filter(pk=x_account.pk).update(enabled=False)

    html = signed_in.get("/ko/account/linked/").content.decode()
    form = html.split('data-testid="social-start"')[1].split("</form>")[0]

    assert 'value="facebook"' in form
    assert 'value="x"' not in form  # our X account is switched off
    assert 'value="line"' not in form  # the LINE handle is listed for Japanese readers only
    response = signed_in.post("/ko/account/linked/social/", {"social-kind": "facebook"})
    shown = response.content.decode()
    assert 'href="https://m.me/exchangehelp"' in shown
    assert "no-store" in response.headers["Cache-Control"]


def test_the_code_is_kept_hashed_and_a_new_one_replaces_the_last(signed_in, customer, page):
    first = show_code(signed_in, "facebook")
    second = show_code(signed_in, "facebook")

    rows = list(SocialLinkCode.objects.filter(customer=customer).order_by("id"))
    assert [row.code_hash for row in rows] == [
        code_hash("facebook", first.replace("-", "")),
        code_hash("facebook", second.replace("-", "")),
    ]
    assert all(first.replace("-", "") not in row.code_hash for row in rows)
    assert state(signed_in, rows[0])["state"] == "expired"
    assert state(signed_in, rows[1])["state"] == "waiting"


def test_asking_for_codes_is_throttled_with_the_other_codes(signed_in, page):
    for _attempt in range(5):
        show_code(signed_in, "facebook")

    response = signed_in.post("/en/account/linked/social/", {"social-kind": "facebook"})

    assert response.status_code == 429
    assert "Too many codes asked for" in response.content.decode()
    assert SocialLinkCode.objects.count() == 5


def test_a_channel_not_offered_is_refused_with_a_message_in_the_customers_language(signed_in, page):
    response = signed_in.post("/ko/account/linked/social/", {"social-kind": "kakaotalk"})

    assert response.status_code == 400
    assert "올바르게 선택해 주세요" in response.content.decode()  # Django's "select a valid choice"
    assert not SocialLinkCode.objects.exists()


def test_staff_and_anonymous_visitors_get_no_code(client, agent, page):
    assert client.post("/en/account/linked/social/", {"social-kind": "facebook"}).status_code == 302
    client.force_login(agent)

    response = client.post("/en/account/linked/social/", {"social-kind": "facebook"})

    assert response.status_code == 403
    assert not SocialLinkCode.objects.exists()


def test_another_customers_code_state_is_404(client, signed_in, other_customer, page):
    show_code(signed_in, "facebook")
    row = SocialLinkCode.objects.get()
    client.force_login(other_customer)

    assert client.get(f"/en/account/linked/social/{row.pk}/").status_code == 404


# --- Each provider --------------------------------------------------------------------------------


def test_a_messenger_dm_with_the_code_links_the_sender_and_later_dms_file_under_the_customer(
    signed_in, customer, page, meta, post
):
    code = show_code(signed_in, "facebook")

    assert post(page, messenger_dm(code)).status_code == 200

    identity = CustomerIdentity.objects.get(kind="facebook")
    assert (identity.customer, identity.value, identity.verified_by) == (customer, PSID, "message")
    assert not Ticket.objects.exists()  # the code is no ticket
    assert not get_user_model().objects.filter(username=f"messenger:{PSID}").exists()
    assert meta.sent[-1].body["recipient"] == {"id": PSID}
    assert "연결" in meta.texts()[-1]  # answered in the language the portal was read in
    row = SocialLinkCode.objects.get()
    assert state(signed_in, row)["state"] == "linked"
    entry = AuditEntry.objects.get(action="identity_linked")
    assert entry.customer == customer and PSID not in entry.object_label

    post(page, messenger_dm("입금이 아직 안 들어왔어요", mid="m_after_link"))

    ticket = Ticket.objects.get()
    assert ticket.customer == customer and ticket.channel == "facebook"
    assert ticket.external_conversation == f"meta:{page.pk}:{PSID}"
    listed = signed_in.get("/ko/account/linked/").content.decode()
    assert "67•••" in listed.split('data-testid="linked-identities"')[1].split("</ul>")[0]


def test_an_instagram_dm_with_the_code_links_the_sender(signed_in, customer, instagram, meta, post):
    code = show_code(signed_in, "instagram")

    post(instagram, instagram_dm(f"코드: {code}"))

    identity = CustomerIdentity.objects.get(kind="instagram")
    assert identity.customer == customer and identity.value == IGSID
    assert not Ticket.objects.exists()
    assert meta.sent[-1].body["recipient"] == {"id": IGSID}


def test_a_code_for_one_channel_links_nothing_on_another(
    signed_in, customer, page, instagram, meta, post
):
    """A Messenger code sent on Instagram: another provider than the one expected."""
    code = show_code(signed_in, "facebook")

    post(instagram, instagram_dm(code))

    assert not CustomerIdentity.objects.exists()
    assert not Ticket.objects.exists()
    assert "not valid" in meta.texts()[-1]
    assert state(signed_in, SocialLinkCode.objects.get())["state"] == "waiting"


def test_an_x_dm_with_the_code_links_the_sender_with_their_screen_name(
    signed_in, customer, x_account, x, post
):
    code = show_code(signed_in, "x", lang="en")

    post(x_account, x_dm(code.lower()))

    identity = CustomerIdentity.objects.get(kind="x")
    assert (identity.value, identity.label) == (X_USER, "@furiouscamper")
    assert not Ticket.objects.exists()
    assert "now linked" in x.dms()[-1]

    post(x_account, x_dm("My deposit of 200 USDT has not arrived.", event_id="954491830116155401"))

    assert Ticket.objects.get().customer == customer


def test_a_line_message_with_the_code_links_the_user_and_is_answered_on_its_reply_token(
    client, line_account, line, post
):
    from support.roles import Role
    from tests.conftest import make_person

    yuki = make_person("yuki@example.com", Role.CUSTOMER, preferred_language="ja")
    client.force_login(yuki)
    code = show_code(client, "line", lang="ja")

    post(line_account, line_dm(f"コードは {code} です"))

    identity = CustomerIdentity.objects.get(kind="line")
    assert identity.customer == yuki and identity.value == LINE_USER
    assert line.sent[-1].path == "/v2/bot/message/reply"
    assert line.sent[-1].body["replyToken"] == "38ef843bde154d9b91c21320ffd17a0f"
    assert "連携" in line.texts()[-1]
    assert not Ticket.objects.exists()


def test_a_kakao_utterance_with_the_code_links_the_user(
    signed_in, customer, kakao_account, kakao, post
):
    code = show_code(signed_in, "kakaotalk")

    response = post(kakao_account, kakao_utterance(code))

    shown = response.json()["template"]["outputs"][0]["simpleText"]["text"]
    assert "코드" in shown  # Kakao shows at once that the code came, not that an agent will
    identity = CustomerIdentity.objects.get(kind="kakaotalk")
    assert identity.customer == customer and identity.value == KAKAO_USER
    assert "연결" in kakao.texts()[-1]
    assert not Ticket.objects.exists()


# --- Refusals ---------------------------------------------------------------------------------


def test_an_expired_code_links_nothing_and_makes_no_ticket(signed_in, page, meta, post):
    code = show_code(signed_in, "facebook")
    SocialLinkCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    post(page, messenger_dm(code))

    assert not CustomerIdentity.objects.exists() and not Ticket.objects.exists()
    assert "not valid or has expired" in meta.texts()[-1]
    assert SocialLinkCode.objects.get().used_at is None


def test_a_used_code_from_another_sender_links_nothing(signed_in, customer, page, meta, post):
    code = show_code(signed_in, "facebook")
    post(page, messenger_dm(code))

    post(page, messenger_dm(code, sender="1234567890123456", mid="m_code_2"))

    assert list(CustomerIdentity.objects.values_list("value", flat=True)) == [PSID]
    assert meta.sent[-1].body["recipient"] == {"id": "1234567890123456"}
    assert "not valid" in meta.texts()[-1]
    assert not Ticket.objects.exists()


def test_the_same_sender_sending_the_used_code_again_is_told_it_is_linked(
    signed_in, page, meta, post
):
    code = show_code(signed_in, "facebook")
    post(page, messenger_dm(code))

    post(page, messenger_dm(code, mid="m_code_again"))

    assert CustomerIdentity.objects.count() == 1
    assert "already" in meta.texts()[-1] or "이미" in meta.texts()[-1]


def test_guessed_codes_are_throttled_and_then_not_even_looked_up(signed_in, page, meta, post):
    code = show_code(signed_in, "facebook")
    for attempt in range(5):
        post(page, messenger_dm(f"ABCDE-2345{attempt + 2}", mid=f"m_guess_{attempt}"))

    post(page, messenger_dm(code, mid="m_right_code"))
    post(page, messenger_dm(code, mid="m_right_code_again"))

    assert not CustomerIdentity.objects.exists()
    assert not Ticket.objects.exists()
    assert SocialLinkCode.objects.get().used_at is None  # the real code still waits
    texts = meta.texts()
    assert sum("not valid" in text for text in texts) == 5
    assert sum("Too many codes" in text for text in texts) == 1  # one notice an hour


def test_a_handle_linked_to_another_customer_is_refused(
    signed_in, customer, other_customer, page, meta, post
):
    CustomerIdentity.objects.create(
        customer=other_customer,
        kind="facebook",
        value=PSID,
        verified_at=timezone.now(),
        verified_by="message",
    )
    code = show_code(signed_in, "facebook")

    post(page, messenger_dm(code))

    assert CustomerIdentity.objects.get().customer == other_customer
    assert "다른" in meta.texts()[-1]  # "linked to another support account", in Korean
    answer = state(signed_in, SocialLinkCode.objects.get(), lang="en")
    assert answer["state"] == "taken" and "another support account" in answer["message"]
    assert not Ticket.objects.exists()


def test_a_wrong_code_among_other_words_still_reaches_us_as_a_message(
    signed_in, customer, page, meta, post
):
    text = "My code ABCDE-23456 did not work and my withdrawal is still pending, please help"

    post(page, messenger_dm(text))

    ticket = Ticket.objects.get()
    assert ticket.customer.username == f"messenger:{PSID}"
    assert "withdrawal is still pending" in ticket.messages.get().body
    assert not CustomerIdentity.objects.exists()


def test_an_ordinary_message_is_no_code(page, meta, post):
    post(page, messenger_dm("UNDERSTAND"))

    assert Ticket.objects.get().messages.get().body == "UNDERSTAND"
    assert not meta.sent


def test_the_codes_that_a_message_carries():
    assert code_in("k7q4m-x2pab") == "K7Q4MX2PAB"
    assert code_in("ｋ７ｑ４ｍ－ｘ２ｐａｂ") == "K7Q4MX2PAB"  # typed full-width on a CJK keyboard
    assert code_in("K7Q4M X2PAB") == "K7Q4MX2PAB"
    assert code_in("코드: K7Q4M-X2PAB 입니다") == "K7Q4MX2PAB"
    assert code_in("UNDERSTAND") is None  # letters only: a word
    assert code_in("ABCD-2345") is None  # a verification code of our messages (8 characters)
    assert code_in("K7Q4M-X2PAB1") is None
    assert code_in("withdrawal ABCDE 23456 pending") is None


# --- Unlinking, the 360, merges ---------------------------------------------------------------


def test_unlinking_is_audited_and_later_dms_are_the_handles_own_again(
    signed_in, customer, page, meta, post
):
    post(page, messenger_dm(show_code(signed_in, "facebook")))
    identity = CustomerIdentity.objects.get()

    response = signed_in.post(f"/ko/account/linked/{identity.pk}/unlink/")

    assert response.status_code == 302
    assert not CustomerIdentity.objects.exists()
    entry = AuditEntry.objects.get(action="identity_unlinked")
    assert entry.actor == customer and entry.customer == customer
    assert entry.detail["kind"] == "facebook" and PSID not in json.dumps(entry.detail)
    post(page, messenger_dm("Another question", mid="m_after_unlink"))
    assert Ticket.objects.get().customer.username == f"messenger:{PSID}"


def test_another_customers_link_cannot_be_unlinked(client, customer, other_customer):
    identity = CustomerIdentity.objects.create(
        customer=customer, kind="x", value=X_USER, verified_at=timezone.now(), verified_by="message"
    )
    client.force_login(other_customer)

    response = client.post(f"/en/account/linked/{identity.pk}/unlink/")

    assert response.status_code == 404
    assert CustomerIdentity.objects.filter(pk=identity.pk).exists()
    assert not AuditEntry.objects.filter(action="identity_unlinked").exists()


def test_the_360_shows_a_linked_social_handle(client, signed_in, customer, agent, x_account, post):
    post(x_account, x_dm(show_code(signed_in, "x", lang="en")))
    client.force_login(agent)

    page = client.get(f"/console/customers/{customer.pk}/").content.decode()

    identities = page.split('data-testid="customer-identities"')[1].split("</section>")[0]
    assert "@f•••" in identities and "Code sent to us from it" in identities
    assert X_USER not in page


def test_a_merged_social_account_s_next_dm_files_under_the_kept_customer(
    customer, agent, page, meta, post
):
    post(page, messenger_dm("First message before I had an account"))
    channel_account = Ticket.objects.get().customer

    customer_merge(kept=customer, merged=channel_account, by=agent, reason="Same person")
    post(page, messenger_dm("And again", mid="m_after_merge"))

    assert Ticket.objects.order_by("-id").first().customer == customer
    linked = CustomerIdentity.objects.get(kind="facebook")
    assert linked.customer == customer and linked.verified_by == "merge"


def test_nothing_is_stored_for_a_code_but_the_sealed_raw_body(signed_in, page, meta, post):
    code = show_code(signed_in, "facebook")

    post(page, messenger_dm(code))

    stored = RawInbound.objects.get()
    assert stored.encrypted and code.encode() not in bytes(stored.payload)
    assert stored.error == "link code"
    assert code not in "".join(SocialOutbox.objects.values_list("text", flat=True))


# --- The customer's data ----------------------------------------------------------------------


def test_an_export_lists_the_links_and_an_erasure_removes_them_with_their_codes(
    signed_in, customer, page, meta, post, django_capture_on_commit_callbacks
):
    from support.data_rights.erasure import erasure_approve, erasure_request
    from support.roles import Role
    from tests.conftest import make_person
    from tickets.customer_data import export_tickets

    post(page, messenger_dm(show_code(signed_in, "facebook")))
    show_code(signed_in, "facebook")  # one more, waiting

    exported = export_tickets(customer).records["linked_accounts"]
    assert [(row["kind"], row["value"], row["verified_by"]) for row in exported] == [
        ("facebook", PSID, "message")
    ]

    officer = make_person("officer@example.com", Role.COMPLAINTS_OFFICER, languages=["en"])
    administrator = make_person("dpo@example.com", Role.ADMIN, languages=["en"])
    erasure = erasure_request(customer=customer, by=officer, reason="Asked by email.")
    with django_capture_on_commit_callbacks(execute=True):
        erasure_approve(erasure=erasure, by=administrator)

    assert not CustomerIdentity.objects.exists() and not SocialLinkCode.objects.exists()
    post(page, messenger_dm("I am writing again", mid="m_after_erasure"))
    assert Ticket.objects.get().customer.username == f"messenger:{PSID}"


def test_a_seed_phrase_sent_with_the_code_is_stored_nowhere(signed_in, page, meta, post):
    """G1: the message links and makes no ticket; only the sealed raw body holds its words."""
    from tests.tickets.leaks import phrase, phrase_leaks

    secret = phrase()
    code = show_code(signed_in, "facebook")

    post(page, messenger_dm(f"{code} and my recovery words {secret}"))

    assert CustomerIdentity.objects.get().value == PSID
    assert not Ticket.objects.exists()
    assert phrase_leaks(secret) == {}


def test_a_handle_linked_by_an_emailed_code_is_audited_too(signed_in, customer):
    from tests.tickets.test_identities import emailed_code

    signed_in.post("/en/account/linked/code/", {"kind": "email", "handle": "second@example.com"})
    identity = customer.identities.get()
    signed_in.post(
        f"/en/account/linked/{identity.pk}/confirm/", {"code": emailed_code("second@example.com")}
    )

    entry = AuditEntry.objects.get(action="identity_linked")
    assert entry.customer == customer and entry.detail == {"kind": "email", "verified_by": "code"}
    assert "second@example.com" not in entry.object_label
