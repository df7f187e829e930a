"""How the bot reads a message before it decides, in every language: a case that is over, a
hypothetical and someone else's case are read as the ticket's urgent flag reads them, so
they stay with the help center; the security category alone skips no queue."""

import pytest

from livechat import bot

pytestmark = pytest.mark.django_db

KEPT = (bot.ANSWER, bot.CLARIFY)

CASES_THAT_ARE_OVER = [
    ("en", "my account got hacked back in march and you sorted it out already. what else "
     "should I switch on to be safer?"),
    ("zh-hans", "去年账号被盗的事已经处理完了，现在想问怎么设置提币白名单"),
    ("zh-hant", "之前帳號被盜的事已經處理好了，想問怎麼開啟防釣魚碼"),
    ("ko", "작년에 해킹당한 건은 처리 끝났고요, 지금은 출금 주소 등록 방법이 궁금해요"),
    ("ja", "以前の乗っ取りの件は解決済みです。今は二段階認証の設定方法を知りたいです"),
]  # fmt: skip

HYPOTHETICALS = [
    ("en", "if a scammer knows my email address could they withdraw my coins?"),
    ("zh-hans", "如果别人知道我的手机号，能盗走我的币吗？"),
    ("zh-hant", "要是有人知道我的信箱，可以把幣提走嗎？"),
    ("ko", "누가 제 전화번호를 알면 코인을 빼갈 수 있나요?"),
    ("ja", "メールアドレスを知られたら、勝手に出金されることはありますか？"),
]


@pytest.mark.parametrize(("lang", "text"), CASES_THAT_ARE_OVER)
def test_an_incident_that_is_over_stays_with_the_bot(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action in KEPT


@pytest.mark.parametrize(("lang", "text"), HYPOTHETICALS)
def test_a_hypothetical_about_an_incident_stays_with_the_bot(lang, text):
    """The analysis may find such a message security-like; its denial decides."""
    assert bot.decide(text, lang=lang, history=[]).action in KEPT


SOMEONE_ELSES_CASE = [
    ("en", "my dad's wallet got drained yesterday, is there anything he should do first?"),
    ("zh-hans", "我老婆的账号上周被盗了，她现在该怎么办？"),
    ("zh-hant", "我朋友的帳號被駭了，他要先做什麼？"),
    ("ko", "남편 계정이 해킹당했대요 남편은 뭘 먼저 해야 하나요?"),
    ("ja", "妹のアカウントが乗っ取られたらしいです。妹は何からすればいいですか？"),
]


@pytest.mark.parametrize(("lang", "text"), SOMEONE_ELSES_CASE)
def test_someone_elses_incident_stays_with_the_bot(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action in KEPT


@pytest.mark.parametrize(
    "text", ["我個戶口俾人登入咗，啲幣冇晒", "部手機突然冇咗訊號，跟住個密碼畀人改咗"]
)
def test_an_incident_told_in_cantonese_goes_to_the_security_team(text):
    assert bot.decide(text, lang="zh-hant", history=[]).action == bot.URGENT_HANDOFF


CALM_INCIDENTS = [
    ("en", "hm, there's a withdrawal in my history from last night that i don't remember doing"),
    ("en", "i got an email that a new device signed in but i was asleep"),
    ("zh-hans", "昨晚收到新设备登录的邮件，我当时在睡觉"),
    ("zh-hant", "帳戶裡有一筆提領我沒印象"),
    ("ko", "어젯밤에 새 기기 로그인 메일이 왔는데 저는 자고 있었어요"),
    ("ja", "履歴に覚えのない出金が一件あります"),
]


@pytest.mark.parametrize(("lang", "text"), CALM_INCIDENTS)
def test_an_incident_told_calmly_goes_to_the_security_team(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action == bot.URGENT_HANDOFF


def test_the_chat_trusts_the_model_sooner_than_the_ticket_flag():
    """A customer waiting in a chat is handed to the security team at a lower security
    probability than a ticket is flagged urgent at: a missed incident costs funds."""
    from livechat import incidents
    from support.text import urgency

    assert incidents.SECURITY_PROBABILITY < urgency.SECURITY_PROBABILITY


INCIDENT_AND_A_PERSON = [
    ("en", "someone withdrew all my usdt without me, get me a human now"),
    ("zh-hans", "我的币被盗了，快转人工"),
    ("zh-hant", "我的帳號被盜了，請幫我轉真人"),
    ("ko", "계정 해킹당했어요 상담원 연결해 주세요"),
    ("ja", "アカウントを乗っ取られました。オペレーターにつないでください"),
]


@pytest.mark.parametrize(("lang", "text"), INCIDENT_AND_A_PERSON)
def test_an_incident_told_in_words_goes_to_the_security_team_even_when_a_person_is_asked(
    lang, text
):
    """Only an incident the model alone suspects yields to a request for a person."""
    assert bot.decide(text, lang=lang, history=[]).action == bot.URGENT_HANDOFF


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "is it normal that my 2FA got switched off? I didn't turn it off"),
        ("zh-hans", "这正常吗？两步验证被关掉了，我没有关过"),
        ("ko", "혹시 몰라서 여쭤봐요. 출금 주소가 추가돼 있는데 제가 추가한 적 없어요"),
        ("ja", "念のため確認です。パスワードが変更されていますが、自分では変更していません"),
    ],
)
def test_a_question_that_says_the_customer_did_not_do_it_goes_to_the_security_team(lang, text):
    """ "Is it normal…", 혹시 몰라서 and 念のため frame a question, but "I didn't" tells that
    something happened."""
    assert bot.decide(text, lang=lang, history=[]).action == bot.URGENT_HANDOFF


def test_nothing_done_in_japanese_is_not_read_as_if():
    """何もしてない holds もし, which is "if" only on its own (もし…たら)."""
    text = "残高がゼロです。何もしてないのに。昨日は20万円ありました"
    assert bot.decide(text, lang="ja", history=[]).action == bot.URGENT_HANDOFF
