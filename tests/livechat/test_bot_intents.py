"""What the bot makes of a first message: an incident in progress goes to the security team, a
question about preventing one is answered, every way of asking for a person reaches one, and a
customer who asks twice is never refused twice."""

import pytest

from livechat import bot
from livechat.incidents import reports_incident

pytestmark = pytest.mark.django_db

INCIDENTS = [
    # A seed phrase, a code or a key handed over.
    ("en", "I typed my 12 recovery words into a site that looked like yours, what now"),
    ("en", "a guy on telegram said he was your staff and I sent him the 6 digit code"),
    ("en", "The caller from 'security' is asking me to read out my OTP, he is still on the line"),
    ("en", "my bitcoins were moved out an hour ago and it wasn't me"),
    ("en", "lost my phone on the train and the exchange app is still signed in"),
    ("zh-hans", "我刚把助记词填到了一个网站上，钱包里的币还在吗"),
    ("zh-hans", "有个自称平台客服的人打电话来，让我把验证码念给他"),
    ("zh-hans", "我的绑定邮箱被人改了，现在登不进去"),
    ("zh-hans", "钱包余额突然变成0了"),
    ("zh-hant", "剛剛把驗證碼給了一個說是客服的人"),
    ("zh-hant", "手機被偷了，APP還登入著"),
    ("zh-hant", "收到沒有申請過的提現通知，快幫我凍結"),
    ("ko", "방금 이상한 사이트에 시드 구문을 입력했어요"),
    ("ko", "거래소 직원이라는 사람이 전화로 인증번호 불러 달래요"),
    ("ko", "제 폰이 도난당했는데 앱에 로그인돼 있어요"),
    ("ko", "제 이메일이 다른 주소로 바뀌었어요 제가 안 바꿨어요"),
    ("ja", "さっき偽サイトに復元フレーズを入力してしまいました"),
    ("ja", "サポートを名乗る人から電話があって、認証コードを教えてと言われています"),
    ("ja", "スマホを盗まれました。アプリはログインしたままです"),
    ("ja", "パスワードが勝手に変更されていて、ログインできません"),
    # A caller claiming to be us who wants a code, a login from elsewhere.
    ("en", "there's a man on the phone who says he's from your fraud team and needs my SMS code"),
    ("en", "why is there a login from Peru on my account, I live in Norway"),
    ("zh-hans", "对方说是官方客服，一直在电话里催我报验证码"),
    ("ko", "보안팀이라고 전화 와서 OTP 알려달래요 지금 통화 중이에요"),
    ("ja", "取引所の者だという人から電話があり、SMSの認証コードを聞かれています"),
]

PREVENTION = [
    ("en", "What's the best way to keep hackers out of my account?"),
    ("en", "If someone steals my phone, can they get into my wallet?"),
    ("zh-hans", "如何防止别人盗用我的账号？"),
    ("zh-hans", "万一手机丢了，账户安全吗？"),
    ("zh-hant", "怎麼預防帳號被駭？"),
    ("ko", "해킹을 방지하려면 어떤 설정을 켜야 하나요?"),
    ("ko", "혹시 폰을 잃어버리면 계정은 어떻게 되나요?"),
    ("ja", "不正ログインを防ぐための設定はありますか"),
    ("ja", "もしスマホを盗まれたら、資産はどうなりますか"),
]

EVERYDAY_SELF_SERVICE = [
    # Entering a code on our own login, changing one's own details, a tax question.
    ("en", "I entered my 2FA code on the website but it says invalid"),
    ("en", "can I log in from another country when travelling?"),
    ("zh-hans", "我输入了验证码但是提示错误"),
    ("ko", "인증번호 입력했는데 오류가 나요"),
    ("ja", "電話番号を変えたので認証コードが届きません"),
    ("ja", "相続税の計算方法は？"),
    ("zh-hans", "P2P申诉流程是什么？"),
]

ASKS_FOR_A_PERSON = [
    # Asking whether anyone is there.
    ("en", "is there an actual human working there?"),
    ("en", "anybody there?"),
    ("zh-hans", "到底有没有客服在啊"),
    ("zh-hant", "有人在嗎？我要找真人"),
    ("ko", "직원분 계세요?"),
    ("ja", "誰か担当者いませんか"),
    # Dismissing the bot, sarcasm.
    ("en", "I'm sick of this bot, get me someone"),
    ("en", "wow another chatbot, very helpful"),
    ("zh-hans", "又是机器人，我不想跟机器人聊"),
    ("zh-hant", "不要機器人回答，我要真人"),
    ("ko", "챗봇 말고 사람이요"),
    ("ko", "봇이랑 대화 안 되네요"),
    ("ja", "ボットはもういいです"),
    ("ja", "自動返信はやめてください"),
    # Repetition, several languages, a dedicated person, a call.
    ("en", "agent agent agent"),
    ("zh-hans", "人工人工"),
    ("zh-hant", "請安排專人跟我聯絡"),
    ("ko", "상담원 상담원"),
    ("ja", "オペレーター オペレーター"),
    ("ja", "電話で相談したいです"),
    # Cases only a person can handle.
    ("en", "My mother died and I am the executor of her estate"),
    ("zh-hans", "我要投诉你们的客服态度"),
    ("ko", "어머니가 돌아가셔서 계정 상속 문의드립니다"),
    ("ja", "苦情を入れたいです"),
    ("en", "the P2P buyer marked the order as paid but never sent the money"),
    ("zh-hans", "系统卡顿导致我爆仓，要求赔偿"),
    ("zh-hant", "P2P賣家收了錢不放幣"),
    ("ko", "점검 중에 청산당했어요 보상해 주세요"),
    ("ja", "メンテナンス中に強制決済されたので補償してください"),
]


@pytest.mark.parametrize(("lang", "text"), INCIDENTS)
def test_an_incident_in_progress_goes_to_the_security_team(lang, text):
    decision = bot.decide(text, lang=lang, history=[])
    assert decision.action == bot.URGENT_HANDOFF
    assert decision.reason == bot.SECURITY


@pytest.mark.parametrize(("lang", "text"), PREVENTION)
def test_a_question_about_preventing_an_incident_stays_with_the_bot(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action in (bot.ANSWER, bot.CLARIFY)


@pytest.mark.parametrize(("lang", "text"), EVERYDAY_SELF_SERVICE)
def test_everyday_questions_near_those_topics_stay_with_the_bot(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action in (bot.ANSWER, bot.CLARIFY)


@pytest.mark.parametrize(("lang", "text"), ASKS_FOR_A_PERSON)
def test_every_colloquial_request_for_a_person_hands_off(lang, text):
    decision = bot.decide(text, lang=lang, history=[])
    assert decision.action == bot.HANDOFF
    assert decision.reason == bot.ASKED_FOR_HUMAN  # a person, not a failure or anger


@pytest.mark.parametrize(
    ("lang", "first", "second"),
    [
        ("en", "are your agents available on weekends", "so is a human going to read this"),
        ("zh-hans", "客服几点上班", "客服到底几点上班"),
        ("zh-hant", "真人客服的服務時間是？", "那真人客服現在有嗎"),
        ("ko", "상담원 운영 시간 알려주세요", "상담원 운영 시간이요"),
        ("ja", "オペレーターの対応時間は？", "オペレーターの対応時間を知りたい"),
    ],
)
def test_a_person_is_never_refused_twice_in_a_row(lang, first, second):
    kept = bot.decide(first, lang=lang, history=[])
    assert kept.action in (bot.ANSWER, bot.CLARIFY)  # a mention, not yet a request
    assert bot.decide(second, lang=lang, history=[kept.action]).action == bot.HANDOFF


def test_a_trading_bot_is_not_the_chat_bot():
    decision = bot.decide("how do I stop my grid trading bot?", lang="en", history=[])
    assert decision.action in (bot.ANSWER, bot.CLARIFY)


def test_a_very_long_message_is_still_read_for_an_incident_at_its_start():
    """The patterns read the first 2,000 characters of a message, whatever its length (the text
    analysis, which also decides, reads all of it)."""
    told = "Someone just changed my password and withdrew everything. "
    assert reports_incident(told + "a " * 20_000)
    assert not reports_incident("a " * 20_000 + told)  # beyond what the patterns read
