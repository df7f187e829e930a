"""Every demo article speaks to the reader in one register per language and uses the
termbase's words: the scan the localisation issue asked CI to run.

Register (docs/localisation.md, "Register"): Chinese says 您, never 你; Korean writes
합니다체 with -(으)세요 / -해 주세요 requests, never 반말 or -해요 statements; Japanese writes
です/ます and never a plain-form order. Words quoted from elsewhere — a scammer's message, a
customer's chat line, a button of the interface — are left out of the scan, since they are
not our voice.

The text scanned is what a reader gets: traditional Chinese is the post-edited text where an
editor wrote one, otherwise the simplified text through the Taiwan converter.
"""

import re

import pytest
from django.utils import translation

from helpcenter.models import Article
from helpcenter.text import article_text
from helpcenter.zh_hant import phrases
from support.termbase import violations

LANGUAGES = ("zh-hans", "zh-hant", "ko", "ja")

# Quotations of other people's words or of screens: “…”, 「…」, 『…』, ‘…’ and Korean '…'.
QUOTED = re.compile(r"“[^”\n]*”|「[^」\n]*」|『[^』\n]*』|‘[^’\n]*’|'[^'\n]*'")

# 你 (the familiar "you"), but not inside a word that merely contains the character.
ZH_FAMILIAR_YOU = re.compile(r"(?<!迷)你")

# Korean endings that break 합니다체, at the end of a sentence, line or bold heading.
# 반말 / 해라체: orders and plain statements (any 다 that is not 니다); 해요체: the casual
# polite form. -(으)세요 requests are our style and not listed.
KO_BANMAL = (
    *(
        "해라",
        "하라",
        "어라",
        "아라",
        "워라",
        "와라",
        "꿔라",
        "봐라",
        "줘라",
        "둬라",
        "마라",
        "말라",
    ),
    *("하자", "해", "돼", "줘", "거야", "잖아", "(?<!니)다"),
)
KO_HAEYO = (
    "어요",
    "아요",
    "해요",
    "돼요",
    "예요",
    "에요",
    "나요",
    "가요",
    "죠",
    "네요",
    "군요",
    "래요",
)
KO_ENDINGS = "|".join(KO_BANMAL + KO_HAEYO)
KO_WRONG_ENDING = re.compile(rf"[가-힣](?:{KO_ENDINGS})(?=[.?!…]|\*\*|\s*$)", re.M)

# Japanese plain-form orders and casual endings, at the end of a sentence or line: しろ,
# せよ, a dictionary form with な (開くな, するな), だ/である. (するな inside
# まばたきをするなど is no order: the ending must close the sentence.)
JA_PLAIN = (
    "しろ",
    "せよ",
    "しなさい",
    "しないで",
    "してね",
    "だよ",
    "だね",
    "じゃない",
    "だ",
    "である",
    "[うくすつぬふむゆるぐずづぶぷ]な",
)
JA_ENDINGS = "|".join(JA_PLAIN)
JA_WRONG_ENDING = re.compile(rf"[ぁ-んァ-ン一-龥](?:{JA_ENDINGS})(?=[。！？!?]|\*\*|\s*$)", re.M)

# Buttons and links of our interface that articles name word for word, in the interface's
# own wording. Each is the catalogue's translation where the catalogue has one.
INTERFACE_LABELS = {"ko": ("Forgot your password?",)}
# The exchange's login screen, whose wording is not ours to choose.
EXCHANGE_LABELS = {"ko": ("보안 인증을 사용할 수 없나요?",)}


def interface_labels(language: str) -> list[str]:
    with translation.override(language):
        ours = [translation.gettext(label) for label in INTERFACE_LABELS.get(language, ())]
    return ours + list(EXCHANGE_LABELS.get(language, ()))


def our_voice(text: str, language: str) -> str:
    """`text` without quotations and interface labels."""
    for label in interface_labels(language):
        text = text.replace(label, " ")
    return QUOTED.sub(" ", text)


def register_problems(text: str, language: str) -> list[str]:
    """What in `text` breaks the language's register: each wrong word with its context."""
    text = our_voice(text, language)
    pattern = {
        "zh-hans": ZH_FAMILIAR_YOU,
        "zh-hant": ZH_FAMILIAR_YOU,
        "ko": KO_WRONG_ENDING,
        "ja": JA_WRONG_ENDING,
    }[language]
    return [text[max(0, m.start() - 12) : m.end() + 2].strip() for m in pattern.finditer(text)]


def term_problems(text: str, language: str) -> list[str]:
    """The termbase's forbidden variants in `text`, as "concept: variant"."""
    return [
        f"{concept}: {variant}"
        for concept, variant in violations(our_voice(text, language), language)
    ]


def readers_text(language: str) -> dict[str, str]:
    """Each demo article's title and body as a reader of `language` gets them."""
    texts = {}
    for article in Article.objects.order_by("slug"):
        text = article_text(article, language)
        assert text.language == language, f"{article.slug} has no {language} text"
        texts[article.slug] = f"{text.title}\n{text.body}"
    return texts


def scan(texts: dict[str, str], language: str) -> dict[str, list[str]]:
    """Each article's register and term problems; articles without any are left out."""
    found = {
        slug: register_problems(text, language) + term_problems(text, language)
        for slug, text in texts.items()
    }
    return {slug: problems for slug, problems in found.items() if problems}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_demo_article_keeps_the_register_and_the_termbases_words(demo_articles, language):
    texts = readers_text(language)
    assert len(texts) == 44
    assert scan(texts, language) == {}


@pytest.mark.parametrize(
    ("language", "sentence", "wrong"),
    [
        ("zh-hans", "审核通过后会通知你。", "你"),
        ("zh-hans", "请检查你的邮箱。", "你"),
        ("zh-hant", "審核通過後會通知你。", "你"),
        ("ko", "비밀번호를 바로 바꿔라.", "꿔라"),
        ("ko", "출금은 24시간 뒤에 가능하다.", "하다"),
        ("ko", "입금이 곧 반영돼요.", "돼요"),
        ("ko", "**인증번호가 안 오나요?**", "오나요"),
        ("ja", "今すぐパスワードを変更しろ。", "しろ"),
        ("ja", "リンクを開くな。", "開くな"),
        ("ja", "出金は24時間後に可能だ。", "能だ"),
    ],
)
def test_a_planted_sentence_in_the_wrong_register_is_reported(
    demo_articles, language, sentence, wrong
):
    texts = readers_text(language)
    texts["password-reset-steps"] += f"\n\n{sentence}"
    found = scan(texts, language)
    assert list(found) == ["password-reset-steps"]
    assert any(wrong in problem for problem in found["password-reset-steps"])


@pytest.mark.parametrize(
    ("language", "sentence", "wrong"),
    [
        ("zh-hans", "请输入谷歌验证码。", "two-factor authentication: 谷歌验证"),
        ("zh-hans", "提现一般30分钟内到账。", "withdrawal: 提现"),
        ("zh-hant", "請於24小時內完成出金。", "withdrawal: 出金"),
        ("zh-hant", "如何提交投訴", "complaint: 投訴"),
        ("ko", "2차 인증을 켜 주세요.", "two-factor authentication: 2차 인증"),
        ("ja", "アカウント削除の手順をご確認ください。", "close account: アカウント削除"),
    ],
)
def test_a_planted_sentence_with_a_forbidden_word_is_reported(
    demo_articles, language, sentence, wrong
):
    texts = readers_text(language)
    texts["password-reset-steps"] += f"\n\n{sentence}"
    assert scan(texts, language) == {"password-reset-steps": [wrong]}


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("zh-hans", "有人发来“你的账户已冻结，请点击链接”的短信，这是诈骗。"),
        ("zh-hans", "迷你版App也支持充币。"),
        ("zh-hant", "對方說「你先轉帳」時，請立即停止。"),
        ("ko", "캡처 화면이나 '보냈어요'라는 메시지만 믿지 마세요."),
        ("ko", "영상에 좋아요 누르기만 하면 돈을 준다는 제안은 사기입니다."),
        ("ko", "로그인 화면에서 **비밀번호를 잊으셨나요?**를 누르세요."),
        ("ja", "顔を左右に向ける、まばたきをするなどの動作を行います。"),
        ("ja", "「今すぐ送金しろ」と急かすのは詐欺の手口です。"),
    ],
)
def test_quotations_labels_and_words_that_only_look_wrong_are_not_reported(language, sentence):
    assert register_problems(sentence, language) == []


def test_no_phrase_table_row_writes_a_word_the_termbase_forbids():
    """The Taiwan converter's corrections follow the termbase too (提幣, not 出金)."""
    rows = [(row.wrong, row.right, violations(row.right, "zh-hant")) for row in phrases()]
    assert [row for row in rows if row[2]] == []
