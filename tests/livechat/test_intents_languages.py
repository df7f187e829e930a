"""The bot's intents language by language: every way of asking for a person reaches one
(politeness forms, repetition, rhetorical questions, dismissing the bot, sarcasm, a call), a
wallet's recovery phrase or a code handed to someone goes to the security team, and questions
about people, support or security stay with the help center. A person is never refused twice
in a row."""

import pytest

from livechat import bot

pytestmark = pytest.mark.django_db

KEPT = (bot.ANSWER, bot.CLARIFY)

ASKS_FOR_A_PERSON = {
    "en": [
        "could you put me through to a person?",
        "I would like to be connected to a representative.",
        "pls connect to live agent",
        "gimme a human",
        "Is there an actual person I can speak with?",
        "hello? anyone?",
        "is there really nobody there?",
        "I have been asking for a person for ten minutes",
        "I don't want to talk to a machine",
        "wow so helpful, thanks robot",
        "I keep getting the same useless links",
        "please have someone call me back",
        "I want my case escalated",
        "seriously?? another automated reply",
        "need a human",
    ],
    "zh-hans": [
        "麻烦转一下人工",
        "能帮我转到客服吗",
        "叫你们负责人出来",
        "有活人吗",
        "就没有人管吗",
        "你们客服是死了吗",
        "说了半天机器人都听不懂",
        "人工智障吧你",
        "答非所问，找人来",
        "我要和人工对话",
        "给我回个电话",
        "我都说了三遍了，人工！",
        "呵呵，智能客服真智能",
        "你们这个机器人是摆设吗",
        "找个懂的人来",
    ],
    "zh-hant": [
        "可以跟真人說話嗎",
        "請轉接客服人員",
        "叫主管出來",
        "有冇真人",
        "唔該轉人工",
        "搵客服",
        "機器人根本沒用",
        "我不想跟機器人講",
        "請客服人員打電話給我",
    ],
    "ko": [
        "상담원분 부탁드립니다",
        "담당자분과 통화할 수 있을까요?",
        "연결해 주시겠어요? 상담원이요",
        "사람이 직접 봐 주세요",
        "진짜 사람은 없는 건가요?",
        "상담원 어디 있어요?",
        "이거 사람이 보고 있긴 한가요?",
        "챗봇 필요 없어요",
        "챗봇이 이해를 못하네요",
        "챗봇 참 똑똑하네요 ㅋㅋ",
        "같은 말만 반복하네요",
        "사람!!!",
        "전화 좀 해주세요",
        "몇 번을 말해요 상담원이요",
        "됐고 상담원이나 연결해",
        "이거 말고 사람 좀",
    ],
    "ja": [
        "担当者にお繋ぎいただけますでしょうか",
        "担当の方とお話しできますか",
        "上司の方と話させてください",
        "担当者様からご連絡いただけますか",
        "人間の方はいないんですか",
        "誰か対応できる人いませんか",
        "人いる？",
        "AIじゃ話にならない",
        "定型文はもういいです",
        "話が通じないです",
        "電話でお問い合わせしたいです",
        "責任者を出してください",
        "またAIですか",
        "だから人と話したいって言ってるでしょ",
        "さすがAI、全然わかってないですね",
        "担当者を出せ",
        "人間とチャットしたいです",
        "人間ください",
        "お電話いただけますか",
    ],
}

# Cases only a person can handle: contesting a decision or a trade, a relative who died,
# compensation demanded.
ONLY_A_PERSON_CAN_HANDLE = {
    "en": [
        "I want to appeal the decision on my complaint",
        "this trade executed at a crazy price, I dispute it",
        "I'm not satisfied with how my complaint was handled",
    ],
    "zh-hans": [
        "我爸爸走了，他的币怎么取出来",
        "这笔成交价格明显异常，我不认可",
        "系统宕机造成的损失你们必须赔",
    ],
    "zh-hant": ["我要對客訴結果提出覆核"],
    "ko": ["민원 처리 결과에 이의 제기하고 싶어요", "서버 장애로 손해 봤어요 보상해 주세요"],
    "ja": ["苦情の結果に異議申し立てをしたいです", "障害で損をしたので補償してください"],
}

ONLY_MENTIONS_A_PERSON = {
    "en": [
        "will someone from your team review my documents today?",
        "How do I contact customer support by email?",
        "how do I send crypto to another person",
        "I need support with KYC",
        "my bot stopped trading, how to restart",
    ],
    "zh-hans": [
        "人工审核大概多长时间",
        "怎么联系客服？邮箱是多少",
        "怎么给别人转币",
        "网格机器人亏了怎么办",
    ],
    "zh-hant": ["人工審核通常要多久", "真人認證需要什麼", "可以轉幣給朋友嗎"],
    "ko": ["다른 사람한테 코인 보내는 법", "신분증 사람이 검토하나요", "자동매매 봇 추천해 주세요"],
    "ja": [
        "他の人に送金できますか",
        "担当者の審査にどれくらいかかりますか",
        "自動売買ボットの使い方",
        "本人確認書類ください",
    ],
}

INCIDENTS = {
    "en": [
        "I shared my recovery phrase with a guy who said he could fix my wallet",
        "my recovery phrase got leaked",
        "I validated my wallet on a site using my secret phrase",
        "The 'support team' on Telegram has my private key now",
        "They called and asked me to install AnyDesk so they can fix my account",
        "a withdrawal address was added to my whitelist that isn't mine",
    ],
    "zh-hans": [
        "我的助记词泄露了",
        "我把私钥复制到了一个空投网站",
        "客服让我把助记词发过去验证，我已经发了",
        "对方说是官方客服，让我下载远程软件，现在他在操作我的电脑",
        "我的密码被别人改了",
    ],
    "zh-hant": ["我把助記詞貼到一個網站上了", "有人打電話說是交易所客服，要我唸驗證碼給他"],
    "ko": [
        "시드 문구를 어떤 사이트에 입력했어요",
        "제 시드 구문이 유출된 것 같아요",
        "고객센터라고 문자 와서 인증 코드 보내래요",
        "전화로 원격 앱 설치하라고 해서 설치했어요",
    ],
    "ja": [
        "シードフレーズを入力してしまいました",
        "復元フレーズが漏れたかもしれません",
        "サポートと名乗る人に秘密鍵を送りました",
        "セキュリティ担当と言う人からSMSのコードを教えてほしいと連絡が来ました",
    ],
}

SECURITY_QUESTIONS = {
    "en": [
        "Will your staff ever call me and ask for my code?",
        "does the exchange ever ask for a verification code over the phone?",
        "should I enable withdrawal whitelist to stop hackers?",
        "I heard about people getting hacked through SIM swaps, how can I protect myself?",
        "How do I restore my wallet with my seed phrase?",
    ],
    "zh-hans": ["我可以把助记词告诉客服吗？", "助记词可以发给客服吗", "远程控制软件安全吗？"],
    "zh-hant": ["客服會打電話跟我要驗證碼嗎？", "要怎麼避免被詐騙"],
    "ko": [
        "거래소에서 전화로 인증번호를 물어보기도 하나요?",
        "원격 지원 프로그램을 쓰면 위험한가요?",
    ],
    "ja": ["電話で認証コードを聞かれることはありますか", "シードフレーズの保管方法を教えて"],
}


def _cases(by_language: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(lang, text) for lang, texts in by_language.items() for text in texts]


@pytest.mark.parametrize(("lang", "text"), _cases(ASKS_FOR_A_PERSON))
def test_a_request_for_a_person_hands_off_however_phrased(lang, text):
    decision = bot.decide(text, lang=lang, history=[])

    assert decision.action == bot.HANDOFF
    assert decision.reason == bot.ASKED_FOR_HUMAN


@pytest.mark.parametrize(("lang", "text"), _cases(ONLY_A_PERSON_CAN_HANDLE))
def test_a_case_only_a_person_can_handle_hands_off(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action == bot.HANDOFF


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "how do I file a complaint?"),
        ("zh-hans", "投诉流程是什么"),
        ("zh-hant", "客訴要怎麼提出"),
        ("ko", "이의 제기 절차가 궁금해요"),
        ("ja", "異議申し立ての手順を教えてください"),
    ],
)
def test_how_to_complain_or_appeal_is_answered_from_the_help_center(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action in KEPT


@pytest.mark.parametrize(("lang", "text"), _cases(ONLY_MENTIONS_A_PERSON))
def test_a_mention_of_people_or_support_stays_with_the_help_center(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action in KEPT


@pytest.mark.parametrize(("lang", "text"), _cases(INCIDENTS))
def test_a_wallet_phrase_or_code_handed_over_reaches_the_security_team(lang, text):
    decision = bot.decide(text, lang=lang, history=[])

    assert decision.action == bot.URGENT_HANDOFF
    assert decision.reason == bot.SECURITY


@pytest.mark.parametrize(("lang", "text"), _cases(SECURITY_QUESTIONS))
def test_a_question_about_security_is_answered_not_escalated(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action in KEPT


MENTIONS_IN_A_ROW = [
    ("en", "will someone from your team review my documents?", "so will a human see it"),
    ("zh-hans", "人工审核大概多长时间", "人工审核"),
    ("zh-hant", "真人認證需要什麼", "那真人認證呢"),
    ("ko", "신분증 사람이 검토하나요", "사람이 검토하는 거죠"),
    ("ja", "担当者の審査にどれくらいかかりますか", "担当者の審査"),
]


@pytest.mark.parametrize("kept_by", KEPT)
@pytest.mark.parametrize(("lang", "first", "second"), MENTIONS_IN_A_ROW)
def test_a_second_mention_in_a_row_is_never_refused(lang, first, second, kept_by):
    assert bot.decide(first, lang=lang, history=[]).action in KEPT  # a mention, not a request

    again = bot.decide(second, lang=lang, history=[kept_by])

    assert again.action == bot.HANDOFF
    assert again.reason == bot.ASKED_FOR_HUMAN


@pytest.mark.parametrize(
    ("lang", "follow_up"),
    [
        ("en", "and what about fees"),
        ("zh-hans", "手续费是多少"),
        ("ko", "수수료는 얼마예요"),
        ("ja", "手数料はいくらですか"),
    ],
)
def test_after_an_answer_a_follow_up_about_something_else_stays_with_the_bot(lang, follow_up):
    assert bot.decide(follow_up, lang=lang, history=[bot.ANSWER]).action in KEPT


def test_a_request_at_the_end_of_a_long_message_is_still_read():
    story = "My withdrawal has been pending for days and the page says nothing new. " * 60

    decision = bot.decide(story + "Please connect me to an agent.", lang="en", history=[])

    assert decision.action == bot.HANDOFF


# Whoever acts for someone else by law or asks as the press or the police needs a person, in
# every language: a police rank or a records request, a guardian or power of attorney, a
# journalist.
ACTING_FOR_SOMEONE_ELSE = {
    "en": [
        "I'm a police officer with the city police department, we need account records for a "
        "fraud case",
        "I hold power of attorney for my father and need to manage his account",
        "I'm a reporter at a newspaper writing a story about last week's outage, can I get a "
        "comment",
    ],
    "zh-hans": [
        "我是刑警，正在办理一起诈骗案件，需要调取一个用户的交易记录",
        "我是我妈妈的监护人，想帮她处理账户",
        "我是财经媒体的记者，想就上周的宕机采访一下",
    ],
    "zh-hant": [
        "我係警察，有個案件要查一個用戶嘅資料",
        "我有我爸爸的授權書，想幫他處理帳戶",
        "我係記者，想就提款延遲做個採訪",
    ],
    "ko": [
        "저는 형사입니다 사기 사건 관련해서 회원 자료 협조 부탁드립니다",
        "아버지 후견인인데 아버지 계정을 대신 관리하고 싶어요",
        "기자입니다 지난주 장애 관련해서 취재 요청드립니다",
    ],
    "ja": [
        "警察官です。詐欺事件の捜査で利用者の取引記録を照会したいです",
        "母の成年後見人です。母の口座の手続きをしたいです",
        "新聞社の記者です。先週の障害について取材させてください",
    ],
}


@pytest.mark.parametrize(("lang", "text"), _cases(ACTING_FOR_SOMEONE_ELSE))
def test_the_police_a_guardian_or_the_press_reach_a_person(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action == bot.HANDOFF


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh-hans", "这机器人到底能不能听懂人话"),
        ("zh-hant", "我想直接打電話給你們，號碼幾多"),
        ("ko", "상담원이 있긴 한가요?"),
        ("ko", "아 진짜 말 통하는 사람 좀"),
        ("ja", "この回答では分かりません。別の方に代わってもらえますか"),
        ("zh-hans", "重复扣了我两次手续费，还给我"),
        ("ko", "주문이 이상한 가격에 체결됐어요 취소 요청합니다"),
        ("ja", "誤発注なので取り消しをお願いします"),
    ],
)
def test_requests_said_in_other_words_still_reach_a_person(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action == bot.HANDOFF


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh-hans", "在社交媒体上看到的空投是真的吗"),
        ("en", "how do I cancel an open limit order?"),
        ("zh-hans", "怎么取消挂单"),
    ],
)
def test_media_and_order_questions_stay_with_the_help_center(lang, text):
    assert bot.decide(text, lang=lang, history=[]).action in KEPT
