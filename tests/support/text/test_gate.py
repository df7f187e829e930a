"""The redaction gate: one function every customer-controlled text passes before storage."""

import random

import pytest
from mnemonic import Mnemonic

from support.text import (
    clean_customer_text,
    cut_customer_text,
    redact_customer_data,
    redact_customer_file_name,
    redact_customer_text,
)
from support.text.seed_phrases import find_seed_phrases

ENGLISH = Mnemonic("english")
SENTENCE = "I want to buy a little more bitcoin this month for my family"


def phrase_with_a_lucky_word_before(strength: int = 128, seed: int = 7) -> tuple[str, str]:
    """A real phrase, and a wordlist word that, put before it, makes the word and the phrase's
    first words a valid phrase too (1 chance in 16 per word for 12 words)."""
    chance = random.Random(seed)
    while True:
        phrase = ENGLISH.to_mnemonic(chance.randbytes(strength // 8))
        words = phrase.split()
        for before in chance.sample(ENGLISH.wordlist, 400):
            if before not in words and ENGLISH.check(" ".join([before, *words[:-1]])):
                return phrase, before


@pytest.mark.parametrize("strength", [128, 256])
@pytest.mark.parametrize("layout", ["{before} {phrase} thanks", "my wallet: {before}, {phrase}"])
def test_a_phrase_after_a_wordlist_word_is_removed_to_its_last_word(strength, layout):
    """G1: "[seed phrase removed] physical" — the word before the phrase made a valid checksum
    window with all but the phrase's last word, and only that window was removed."""
    phrase, before = phrase_with_a_lucky_word_before(strength)
    if "," in layout:
        phrase = ", ".join(phrase.split())
    text = layout.format(before=before, phrase=phrase)
    redacted = redact_customer_text(text, lang="en")
    assert redacted.secrets == ["seed_phrase"]
    left = set(redacted.text.replace(",", " ").split())
    assert not left & set(phrase.replace(",", "").split()), redacted.text


def test_random_phrases_between_wordlist_words_never_leave_a_word():
    """G1: whatever wordlist words stand around a real phrase, all of the phrase goes."""
    chance = random.Random(11)
    for _ in range(200):
        phrase = ENGLISH.to_mnemonic(chance.randbytes(chance.choice([16, 20, 24, 28, 32])))
        before, after = chance.sample(ENGLISH.wordlist, 2)
        text = f"{before} {phrase} {after}"
        start = len(before) + 1
        spans = find_seed_phrases(text)
        assert any(s <= start and e >= start + len(phrase) for s, e in spans), text


def test_ordinary_sentence_of_wordlist_words_passes_unchanged():
    """G7: twelve-plus English words that are all in the BIP39 list are not a phrase."""
    assert redact_customer_text(SENTENCE) == (SENTENCE, [])


def test_gate_removes_what_no_store_accepts():
    redacted = redact_customer_text(b"order\x00 42\x07 is late\r\n\tthanks")
    assert redacted.text == "order 42 is late\r\n\tthanks"
    assert clean_customer_text(None) == ""
    assert clean_customer_text("\ud800x") == "\ufffdx"


def test_gate_writes_markers_in_the_language_asked():
    phrase = ENGLISH.generate(128)
    redacted = redact_customer_text(f"니모닉: {phrase}", lang="ko")
    assert phrase.split()[0] not in redacted.text
    assert redacted.secrets == ["seed_phrase"]
    assert redact_customer_text("my password is Hunter2Hunter2", lang="en").text == (
        "my password is [password removed]"
    )


def test_form_fields_are_gated_keys_and_values_alike():
    phrase = ENGLISH.generate(128)
    data, secrets = redact_customer_data(
        {"article": phrase, phrase: 1, "list": ["ok", "my password is Qz9Qz9Qz9x"], "n": 3}
    )
    assert secrets == ["seed_phrase", "seed_phrase", "password"]
    # Three words in a row (one alone may be part of another: "sword" in "password").
    assert " ".join(phrase.split()[:3]) not in str(data)
    assert data["n"] == 3 and data["list"][0] == "ok"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\x.txt", "x.txt"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("a\x00b.png", "ab.png"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("re\u200bport\u2066.pdf", "report.pdf"),
        ("", "file"),
        ("../..", "file"),
        (".hidden.txt", "hidden.txt"),
    ],
)
def test_file_names_are_shown_without_paths_controls_or_bidi(name, shown):
    """D1, D5: path parts, NUL and bidi or zero-width characters never reach the shown name."""
    assert redact_customer_file_name(name).text == shown


def test_long_file_names_keep_their_extension():
    """D1: a 300-character name is cut, its extension kept."""
    name = redact_customer_file_name("n" * 300 + ".pdf").text
    assert len(name) == 120
    assert name.endswith("n.pdf")


def test_a_phrase_spelled_into_a_file_name_is_removed():
    """G1, G5: words joined by underscores or dots are still a phrase."""
    phrase = ENGLISH.generate(128)
    gated = redact_customer_file_name(phrase.replace(" ", "_") + ".txt", lang="en")
    assert gated == ("[seed phrase removed].txt", ["seed_phrase"])
    assert redact_customer_file_name(phrase.replace(" ", ".") + ".png").text.endswith(".png")


def test_a_cut_never_ends_inside_a_secret():
    """G1: cutting at a length leaves none of a phrase the cut would split."""
    phrase = ENGLISH.generate(128)
    text = "Please look. " * 1535 + phrase + " thanks"
    cut = cut_customer_text(text, 20_000)
    assert len(cut) <= 20_000
    assert not set(cut.split()) & set(phrase.split())
    assert cut_customer_text("short\x00 text", 200) == "short text"
    assert cut_customer_text("a" * 300, 200) == "a" * 200
