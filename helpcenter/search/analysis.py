"""Text analysis shared by the index and the queries: normalise, split by script, tokenise.

- Latin: NFKC, casefold, accents removed, stop words dropped, Snowball English stems.
- Chinese: traditional → simplified folding on index and query alike (OpenCC t2s in its tw2sp
  form, which also maps Taiwan phrasing), then jieba words plus overlapping character bigrams
  (two-character words are the common case).
- Japanese: runs containing kana; whole kanji and katakana words plus overlapping bigrams
  (pure-hiragana bigrams are grammar and are dropped). Kanji are folded with t2s too, so
  出金 / 本人確認 also meet the Chinese forms.
- Korean: each eojeol (space-separated word) as a whole, without common particles, plus
  syllable bigrams, so 출금 matches 출금이 / 출금하기.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import jieba
import opencc
import snowballstemmer

from helpcenter.search.reading import hiragana_bigrams, in_hiragana

MAX_QUERY_CHARS = 500
MAX_QUERY = 200  # characters of a recorded (and normalised) query

LATIN = r"[a-z0-9]+(?:['’][a-z]+)?"
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANA = r"\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL = r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
SEGMENT = re.compile(rf"(?P<latin>{LATIN})|(?P<cjk>[{HAN}{KANA}]+)|(?P<hangul>[{HANGUL}]+)")
HIRAGANA_ONLY = re.compile(r"^[\u3040-\u309f]+$")
KANA_CHAR = re.compile(rf"[{KANA}]")
ACCENTED = re.compile("[\u00c0-\u024f]")
JA_WORD = re.compile(rf"[{HAN}]+|[\u30a0-\u30ff\u31f0-\u31ffー]+")

# Variant forms OpenCC leaves alone (帳號 → 帐号, but the articles write 账号), and the Taiwan
# words of helpcenter/data/zh_hant_phrases.tsv (after tw2sp), so a reader who types what a
# converted article shows (透過, 管道, 電子信箱, 關閉帳戶) meets its simplified text. Applied in
# order (a longer form before the shorter one inside it); only forms that cannot straddle two
# words (入金 could: 输入金额; 品质 too: 产品质量).
VARIANTS = {
    "帐": "账",
    "身分": "身份",  # Taiwan and Japanese write 身分 (身分證, 身分証), the mainland 身份
    # The authenticator app (Google 身份验证器) is no identity verification (身份验证): without
    # this, its articles matched every KYC query. After 身分, so 身分驗證器 folds too.
    "身份验证器": "验证器",
    "关闭账户": "注销账户",
    "关闭账号": "注销账号",
    "透过": "通过",
    "管道": "渠道",
    "电子邮件信箱": "邮箱",
    "电子信箱": "邮箱",
    "加密货币": "数字货币",
    "辨识": "识别",
    "重设": "重置",
    "google验证": "谷歌验证",
    "google 验证": "谷歌验证",
    "纪录": "记录",
    "您": "你",
    "检举": "举报",
    "防制洗钱": "反洗钱",
    "主管机关": "监管机构",
    "警察机关": "公安机关",
    "工作天": "工作日",
    "壅塞": "拥堵",
    "电信业者": "运营商",
    "私讯": "私信",
    "社群媒体": "社交媒体",
    "社群账号": "社交账号",
    "通信软件": "社交软件",
    "镜头": "摄像头",
    "影本": "复印件",
    "驾照": "驾驶证",
    "遗失": "丢失",
    "金融卡": "银行卡",
    "唯读": "只读",
    "获利": "盈利",
    "损益": "盈亏",
    "国定假日": "法定节假日",
    "进阶认证": "高级认证",
    "手机号码": "手机号",
}

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "such",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "too",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "i'm",
        "it's",
        "don't",
        "can't",
        "cannot",
        "am",
        "after",
        "before",
        "still",
        "just",
    ]
)
# Particles and endings stripped from the end of a Korean word (longest first).
KO_SUFFIXES = (
    "이에요",
    "했어요",
    "했는데",
    "인가요",
    "습니다",
    "합니다",
    "되나요",
    "에서",
    "에게",
    "으로",
    "까지",
    "부터",
    "이요",
    "예요",
    "해요",
    "하는",
    "하기",
    "하고",
    "하면",
    "해서",
    "나요",
    "가요",
    "어요",
    "아요",
    "돼요",
    "되는",
    "을",
    "를",
    "이",
    "가",
    "은",
    "는",
    "에",
    "께",
    "도",
    "의",
    "로",
    "와",
    "과",
    "만",
    "요",
    "할",
    "한",
    "된",
    "안",
)


@dataclass(frozen=True)
class Term:
    """A token and whether it is a whole word (else an n-gram cut across word boundaries)."""

    text: str
    word: bool


@cache
def _t2s() -> opencc.OpenCC:
    # t2s plus Taiwan phrasing (登入 → 登录, 軟體 → 软件, 簡訊 → 短信), so zh-hant readers' words
    # meet the simplified articles.
    return opencc.OpenCC("tw2sp")


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@cache
def _jieba() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def normalise(text: str) -> str:
    """NFKC, casefold, Latin accents removed, traditional Chinese folded to simplified."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if ACCENTED.search(text):
        text = "".join(_strip_accent(char) for char in text)
    simplified = _t2s().convert(text)
    for variant, standard in VARIANTS.items():
        simplified = simplified.replace(variant, standard)
    return simplified


def _strip_accent(char: str) -> str:
    if char < "\u00c0" or char > "\u024f":
        return char
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word.replace("’", "'").removesuffix("'s"))


def terms(text: str, *, japanese: bool | None = None) -> list[Term]:
    """Every token of a text, in order, repeated as often as it occurs.

    Kanji-only runs of a Japanese text (`japanese`, else: the text has kana) are cut the
    Japanese way too, so 本人確認（KYC） in a title and 本人確認の… in a query agree. A text in
    hiragana alone gives the bigrams of its hiragana, which meet the readings of Japanese
    documents (`helpcenter.search.reading`).
    """
    text = normalise(text)
    if japanese is None:
        japanese = KANA_CHAR.search(text) is not None
    spoken = japanese and in_hiragana(text)  # unconverted: matched against readings
    found: list[Term] = []
    for match in SEGMENT.finditer(text):
        if match.lastgroup == "latin":
            found.extend(_latin(match.group()))
        elif match.lastgroup == "hangul":
            found.extend(korean_terms(match.group()))
        elif spoken:
            found.extend(Term(gram, False) for gram in hiragana_bigrams(match.group()))
        elif japanese:
            found.extend(japanese_terms(match.group()))
        else:
            found.extend(chinese_terms(match.group()))
    return found


def tokens(text: str, *, japanese: bool | None = None) -> list[str]:
    return [term.text for term in terms(text, japanese=japanese)]


def _latin(word: str) -> list[Term]:
    if word in STOP_WORDS:
        return []
    # A number is its own stem; skipping the stemmer matters for forum text full of amounts,
    # ids and order numbers (each a miss of the stem cache).
    return [Term(word if word.isdigit() else stem(word), True)]


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


# The terms of a run of one script, kept per run: articles and forum posts repeat the same runs
# (提币, 出金, 출금이) thousands of times, and a (re)index analyses every one. Tuples, so no
# caller can change a kept answer.
RUN_CACHE = 50_000


@lru_cache(maxsize=RUN_CACHE)
def chinese_terms(run: str) -> tuple[Term, ...]:
    if len(run) == 1:
        return (Term(run, True),)
    words = [w for w in _jieba().cut_for_search(run, HMM=False) if len(w) > 1]
    grams = [gram for gram in bigrams(run) if gram not in words]
    return tuple([Term(w, True) for w in words] + [Term(g, False) for g in grams])


@lru_cache(maxsize=RUN_CACHE)
def japanese_terms(run: str) -> tuple[Term, ...]:
    words = [w for w in JA_WORD.findall(run) if len(w) > 1 or run == w]
    grams = [g for g in bigrams(run) if not HIRAGANA_ONLY.match(g) and g not in words]
    return tuple([Term(w, True) for w in words] + [Term(g, False) for g in grams])


@lru_cache(maxsize=RUN_CACHE)
def korean_terms(word: str) -> tuple[Term, ...]:
    found = [Term(word, True)] if len(word) > 1 else []
    stripped = strip_korean_suffix(word)
    if stripped != word and len(stripped) > 1:
        found.append(Term(stripped, True))
    found.extend(Term(g, False) for g in bigrams(word) if g != word and g != stripped)
    return tuple(found)


def strip_korean_suffix(word: str) -> str:
    if not word.endswith(KO_SUFFIXES):
        return word
    for suffix in KO_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def script_languages(text: str) -> set[str]:
    """The languages a text's scripts point to (Han without kana counts as Chinese)."""
    found = set()
    for match in SEGMENT.finditer(normalise(text)):
        if match.lastgroup == "latin":
            found.add("en") if re.search("[a-z]", match.group()) else None
        elif match.lastgroup == "hangul":
            found.add("ko")
        elif KANA_CHAR.search(match.group()):
            found.add("ja")
        else:
            found.add("zh-hans")
    return found


NOT_WORD = re.compile(r"[^\w]+")


def normalized_query(query: str) -> str:
    """The query as the reports and the learning group it: folded like the analyser
    (`normalise`), punctuation dropped, spaces collapsed, at most MAX_QUERY characters."""
    return " ".join(NOT_WORD.sub(" ", normalise(query)).split())[:MAX_QUERY]
