"""Properties of redaction: no generated secret survives, and text without secrets is untouched."""

import base58
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from support.text import redact
from support.text.passwords import TRIGGER_RE

LANGUAGES = [
    "english", "spanish", "french", "italian", "czech", "portuguese",
    "chinese_simplified", "chinese_traditional", "japanese", "korean",
]  # fmt: skip
SEPARATORS = [" ", "\n", ", ", "\u3000", "  ", ",", "、"]
PREFIXES = [
    "my seed phrase: ", "助记词：", "助記詞 ", "시드 문구입니다\n", "シードフレーズ：", "",
    "please help, wallet won't import.\n", "恢复不了钱包，助记词是 ",
]  # fmt: skip
SUFFIXES = [
    "",
    " 谢谢",
    "\nit says invalid??",
    " 導入失敗",
    "。",
    " — please check",
    "\n\n감사합니다",
]
SENTENCES = [
    "my withdrawal is stuck since yesterday",
    "提币一直没到账，帮我查一下",
    "출금이 아직 안 됐어요. 확인 부탁드립니다",
    "出金がまだ反映されていません",
    "入金一直沒有入帳",
    "txid 47683404cb769bbc311902071ca445b571ca03327953409e6e3b40f8e0f2de0f is confirmed",
    "address TABcrApnXZMKT2bULWqMJJeVmRtCCtTMjt on TRC20",
    "0x276d13E60f6f0F7a6134f7621dF862c46a89259A is my wallet",
    "ATOM memo 532235",
    "order id 9751950016727415626",
    "sorry staff team please check deposit address network fee wrong again need help today",
    "I forgot my password and my 2FA, what should I do",
    "密码被改了",
    "hash 0x0391357830464167c05176e9784cb0b460e375932f93b3dbca58bbecb7b40ea9",
    "can you check this when you have time, thank you very much team",
]
entropies = st.sampled_from([16, 20, 24, 28, 32]).flatmap(
    lambda size: st.binary(min_size=size, max_size=size)
)


def layout(words: list[str], *, separator: str, numbering: str | None) -> str:
    if numbering is None:
        return separator.join(words)
    return separator.join(numbering.format(i) + word for i, word in enumerate(words, 1))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    language=st.sampled_from(LANGUAGES),
    entropy=entropies,
    separator=st.sampled_from(SEPARATORS),
    numbering=st.sampled_from([None, "{}. ", "{})", "{}.", "({}) "]),
    prefix=st.sampled_from(PREFIXES),
    suffix=st.sampled_from(SUFFIXES),
)
def test_generated_seed_phrase_never_survives(
    language, entropy, separator, numbering, prefix, suffix
):
    words = Mnemonic(language).to_mnemonic(entropy).split()
    phrase = layout(words, separator=separator, numbering=numbering)
    text = prefix + phrase + suffix

    result = redact(text, lang="en")

    assert "seed_phrase" in result.secrets
    assert phrase not in result.text
    surviving = [word for word in words if word in result.text.replace(prefix, "", 1)]
    assert len(surviving) <= 3  # at most a few words that also occur in the text around


# Sentences that go on after the phrase with words of the wordlist ("into", "then", "balance",
# "gone"): the sentence around must not make the phrase read as prose.
AROUND_PHRASE = [
    "My account was drained after I typed {} into a site.",
    "The support person asked me for my words: {} and then my balance was gone",
    "hi, is this safe to share? {} thanks",
    "I wrote {} on a card and lost the card",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entropy=entropies, sentence=st.sampled_from(AROUND_PHRASE))
def test_english_phrase_inside_a_sentence_never_survives(entropy, sentence):
    words = Mnemonic("english").to_mnemonic(entropy).split()
    text = sentence.format(" ".join(words))

    result = redact(text, lang="en")

    around = set(sentence.lower().replace("{}", " ").replace(",", " ").split())
    left = result.text.replace("[seed phrase removed]", " ").split()
    surviving = [word for word in words if word in left and word not in around]
    assert surviving == []


@settings(max_examples=100, deadline=None)
@given(
    key=st.binary(min_size=32, max_size=32),
    compressed=st.booleans(),
    sentence=st.sampled_from(SENTENCES),
)
def test_generated_wif_key_never_survives(key, compressed, sentence):
    candidate = base58.b58encode_check(b"\x80" + key + (b"\x01" if compressed else b"")).decode()
    text = f"{sentence} {candidate} {sentence}"

    result = redact(text, lang="en")

    assert candidate not in result.text
    assert result.text == f"{sentence} [private key removed] {sentence}"


@settings(max_examples=100, deadline=None)
@given(
    key=st.binary(min_size=32, max_size=32),
    context=st.sampled_from(["private key", "privkey:", "私钥", "私鑰是", "개인키", "秘密鍵"]),
    prefix_0x=st.booleans(),
)
def test_generated_hex_key_named_as_key_never_survives(key, context, prefix_0x):
    hex_key = ("0x" if prefix_0x else "") + key.hex()

    result = redact(f"{context} {hex_key} thanks", lang="en")

    assert result.text == f"{context} [private key removed] thanks"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=6), st.sampled_from(SEPARATORS))
def test_text_made_of_ordinary_support_sentences_is_unchanged(sentences, separator):
    text = separator.join(sentences)

    assert redact(text) == (text, [])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_without_password_words_is_unchanged(text):
    assume(not TRIGGER_RE.search(text))

    assert redact(text) == (text, [])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(sorted(Mnemonic("english").wordlist)), min_size=1, max_size=9))
def test_fewer_than_ten_wordlist_words_are_kept(words):
    text = "question: " + " ".join(words) + ". ok?"

    assert redact(text).text == text
