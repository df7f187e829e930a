"""Which of our languages a customer writes in: en, zh-hans, zh-hant, ko, ja, or other.

Scripts decide first, because they are certain where statistics are not: kana means Japanese,
hangul Korean, Han characters alone Chinese (OpenCC tells simplified from traditional). Crypto
terms in Latin letters (KYC, USDT, TRC20, txid) do not make a Chinese sentence English. Latin text
is English unless lingua, restricted to a few common Latin-script languages (low-accuracy mode
keeps its memory near 30 MB), is confident it is another language.
"""

import functools
import re

from support.text.cleaning import analysis_view
from support.text.common_words import COMMON_ENGLISH, word_set

LANGUAGES = ("en", "zh-hans", "zh-hant", "ko", "ja", "other")
DEFAULT_LANGUAGE = "en"
# Words lingua reads of a long Latin text: its confidence settles well before (a long German
# email read whole cost over a millisecond, most of reading it).
DETECTOR_WORDS = 120

HANGUL_RE = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
KANA_RE = re.compile(r"[\u3041-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
OTHER_SCRIPT_RE = re.compile(
    r"[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u05ff\u0600-\u06ff\u0700-\u08ff"
    r"\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u10a0-\u10ff\u1780-\u17ff]"
)
LATIN_WORD_RE = re.compile(
    r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff][A-Za-z\u00c0-\u024f\u1e00-\u1eff']+"
)
NOISE_RE = re.compile(
    r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+"
    r"|(?<![A-Za-z0-9])[A-Za-z0-9_]*\d[A-Za-z0-9_]*(?![A-Za-z0-9])"
    r"|(?<![A-Za-z])[A-Z]{2,6}s?(?![A-Za-z])",
)
CRYPTO_TERMS = word_set(
    """
    kyc otp app apps api id ok usdt usdc btc eth bnb trx sol xrp ton doge txid tx hash memo tag
    erc trc bep spot p2p vip email e-mail gmail google authenticator iphone android ios sms
    login logout wallet metamask binance trust pdf pc mac web ui bug kyc2 lol pls plz thx
    """
)


def detect_language(text: str, *, hint: str | None = None) -> str:
    """One of LANGUAGES for `text`; `hint` (a channel's or profile's language) breaks ties."""
    hint = normalise_hint(hint)
    view = NOISE_RE.sub(" ", analysis_view(text))
    hangul = len(HANGUL_RE.findall(view))
    kana = len(KANA_RE.findall(view))
    han = len(HAN_RE.findall(view))
    others = len(OTHER_SCRIPT_RE.findall(view))
    words = [w for w in LATIN_WORD_RE.findall(view) if w.lower() not in CRYPTO_TERMS]
    cjk = hangul + kana + han
    if others > 2 * (cjk + len(words)):
        return "other"
    if cjk and (cjk >= 4 or cjk >= len(words)):
        return _cjk_language(view=view, hangul=hangul, kana=kana, han=han, hint=hint)
    if not words:
        return hint or (DEFAULT_LANGUAGE if not others else "other")
    return _latin_language(words)


def normalise_hint(hint: str | None) -> str | None:
    """One of LANGUAGES for a channel's or browser's code ("zh-TW", "ja_JP", "en-us"), or None."""
    code = (hint or "").strip().lower().replace("_", "-")
    if code in LANGUAGES:
        return code
    if code.startswith(("zh-tw", "zh-hk", "zh-mo", "zh-hant")):
        return "zh-hant"
    if code.startswith("zh"):
        return "zh-hans"
    return next((lang for lang in ("en", "ko", "ja") if code.startswith(lang)), None)


def _cjk_language(*, view: str, hangul: int, kana: int, han: int, hint: str | None) -> str:
    if hangul >= 2 and hangul >= kana:
        return "ko"
    if kana >= 2 or (kana and kana * 10 >= han):
        return "ja"
    if hangul:
        return "ko"
    if hint in ("ja", "ko"):
        return hint  # kanji-only Japanese, hanja in Korean: the script cannot tell
    return chinese_variant(view, hint=hint)


def chinese_variant(text: str, *, hint: str | None = None) -> str:
    """zh-hant when more characters are traditional-only than simplified-only, else zh-hans."""
    simplified_only = _changed(text, _converter("s2t"))
    traditional_only = _changed(text, _converter("t2s"))
    if traditional_only > simplified_only:
        return "zh-hant"
    if traditional_only == simplified_only and hint == "zh-hant":
        return "zh-hant"
    return "zh-hans"


def to_simplified(text: str) -> str:
    """Fold traditional characters to simplified, so both variants share one vocabulary."""
    return _converter("t2s").convert(text)


def _latin_language(words: list[str]) -> str:
    # A Chinese, Korean or Japanese customer writing in English is answered in English.
    common = sum(1 for word in words if word.lower() in COMMON_ENGLISH)
    if common * 4 >= len(words) or len(words) < 3:
        return DEFAULT_LANGUAGE
    sample = " ".join(words[:DETECTOR_WORDS])
    confidences = _detector().compute_language_confidence_values(sample)
    best = confidences[0]
    if best.language.name != "ENGLISH" and best.value >= 0.6:
        return "other"
    return DEFAULT_LANGUAGE


def _changed(text: str, converter: object) -> int:
    converted = converter.convert(text)  # type: ignore[attr-defined]
    if len(converted) != len(text):
        return abs(len(converted) - len(text))
    return sum(1 for a, b in zip(text, converted, strict=True) if a != b)


@functools.cache
def _converter(config: str) -> object:
    import opencc

    return opencc.OpenCC(config)


@functools.cache
def _detector() -> object:
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.ENGLISH, Language.SPANISH, Language.FRENCH, Language.GERMAN,
        Language.PORTUGUESE, Language.ITALIAN, Language.DUTCH, Language.INDONESIAN,
        Language.VIETNAMESE, Language.TURKISH, Language.POLISH, Language.TAGALOG,
    ]  # fmt: skip
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
