"""Written Cantonese read as Mandarin, so one set of Chinese patterns and one vocabulary serve
Hong Kong customers too.

Hong Kong customers write the spoken language: 咗 for 了, 冇 for 没有, 唔係 for 不是, 畀人 for
被人, 啲 for 的, 而家 for 现在. Patterns and features written for Mandarin miss those
sentences ("密碼畀人改咗" is "密码被人改了"), and adding a Cantonese twin to every pattern
would double them. `to_mandarin` replaces the grammatical words and the commonest everyday
ones by their Mandarin equivalents, then folds traditional characters to simplified. The
words chosen do not occur in Mandarin in another sense (係 is left alone after 關 and 联, 仲
before 裁 and 介), and text with kana or hangul is left as it is: Japanese writes 係 and 仲
with other meanings.
"""

import re

from support.text.language import HANGUL_RE, KANA_RE, to_simplified

# Longest first where one word contains another (唔係 before 唔, 畀人 before 畀).
WORDS = (
    ("唔好", "不要"), ("唔係", "不是"), ("唔系", "不是"), ("唔該", "请"), ("唔该", "请"),
    ("唔", "不"), ("冇晒", "全没"), ("冇", "没有"), ("咗", "了"), ("嘅", "的"),
    ("啲", "的"), ("喺", "在"), ("佢哋", "他们"), ("佢", "他"), ("哋", "们"),
    ("畀人", "被人"), ("俾人", "被人"), ("畀", "给"), ("俾", "给"),
    ("而家", "现在"), ("邊個", "谁"), ("边个", "谁"), ("邊度", "哪里"), ("边度", "哪里"),
    ("點解", "为什么"), ("点解", "为什么"), ("點樣", "怎样"), ("点样", "怎样"),
    ("點算", "怎么办"), ("点算", "怎么办"), ("乜嘢", "什么"), ("咩", "什么"), ("嘢", "东西"),
    ("搵", "找"), ("揾", "找"), ("睇", "看"), ("嚟", "来"), ("攞", "拿"), ("嗰", "那"),
    ("咁", "这么"), ("用晒", "用光"), ("係咪", "是不是"), ("系咪", "是不是"),
    ("琴日", "昨天"), ("尋日", "昨天"), ("寻日", "昨天"), ("聽日", "明天"), ("听日", "明天"),
    ("呢個", "这个"), ("呢个", "这个"), ("呢度", "这里"), ("呢排", "最近"), ("落單", "下单"),
    ("落单", "下单"), ("撳", "按"),
)  # fmt: skip
_WORD = re.compile("|".join(re.escape(cantonese) for cantonese, _ in WORDS))
_MANDARIN = dict(WORDS)
# The copula 係 (关系 and 联系 keep theirs) and 仲 "still, also" (仲裁 and 仲介 keep theirs).
_COPULA = re.compile(r"(?<![關关聯联維维])係")
_STILL = re.compile(r"仲(?![裁介])")


def to_mandarin(text: str) -> str:
    """`text` with written Cantonese replaced by Mandarin and folded to simplified; text with
    kana or hangul is only folded."""
    return to_simplified(fold_cantonese(text))


def fold_cantonese(text: str) -> str:
    """Cantonese words replaced by their Mandarin equivalents (no simplification)."""
    if KANA_RE.search(text) or HANGUL_RE.search(text):
        return text
    text = _WORD.sub(lambda match: _MANDARIN[match.group()], text)
    return _STILL.sub("还", _COPULA.sub("是", text))
