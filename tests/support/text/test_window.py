"""Redaction across a sender's consecutive messages (support.text.window): a secret split over
two to four messages is removed from every part, and nothing else is."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from mnemonic import Mnemonic

from support.text import redact
from support.text.window import WINDOW_AGE, WINDOW_MESSAGES, Earlier, redact_window

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
MARKER = "[seed phrase removed]"


def phrase(seed: int, *, language: str = "english", words: int = 12) -> list[str]:
    """A real BIP39 phrase (valid checksum), the same for the same seed."""
    entropy = random.Random(seed).randbytes(words * 4 // 3)
    text = Mnemonic(language).to_mnemonic(entropy)
    return text.split("\u3000" if language == "japanese" else " ")


def judge(messages: list[str], *, lang: str = "en", gap: timedelta = timedelta(seconds=20)):
    """Send `messages` one after another; the last one is judged with the others before it."""
    earlier = [
        Earlier(key=number, text=text, sent_at=NOW - gap * (len(messages) - 1 - number))
        for number, text in enumerate(messages[:-1])
    ]
    result = redact_window(messages[-1], earlier=earlier, now=NOW, lang=lang)
    texts = [result.earlier.get(number, text) for number, text in enumerate(messages[:-1])]
    return result, texts + [result.text]


def leaked(words: list[str], texts: list[str]) -> list[str]:
    tokens = {token for text in texts for token in text.replace(",", " ").split()}
    return [word for word in words if word in tokens]


@pytest.mark.parametrize("seed", range(6))
def test_a_phrase_split_in_two_is_removed_from_both_parts(seed):
    words = phrase(seed)
    first, second = " ".join(words[:6]), " ".join(words[6:])

    result, texts = judge([first, second])

    assert texts == [MARKER, MARKER]
    assert result.secrets == ["seed_phrase", "seed_phrase"]
    assert result.earlier == {0: MARKER}


def test_a_24_word_phrase_in_three_messages_with_words_around_it():
    words = phrase(7, words=24)
    messages = [
        "ok here are my words: " + " ".join(words[:8]),
        " ".join(words[8:16]),
        " ".join(words[16:]) + " thanks",
    ]

    result, texts = judge(messages)

    assert texts == [f"ok here are my words: {MARKER}", MARKER, f"{MARKER} thanks"]
    assert set(result.earlier) == {0, 1}
    assert not leaked(words, texts)


@pytest.mark.parametrize(
    "layout",
    [
        lambda words, start: " ".join(f"{start + i}. {w}" for i, w in enumerate(words)),
        lambda words, start: ", ".join(words),
        lambda words, start: "\n".join(words),
    ],
    ids=["numbered", "comma-separated", "one-per-line"],
)
def test_list_layouts_split_over_messages_are_removed(layout):
    words = phrase(11)

    _result, texts = judge([layout(words[:5], 1), layout(words[5:], 6)])

    assert not leaked(words, texts)
    assert all(MARKER in text for text in texts)


def test_a_phrase_in_four_short_messages():
    words = phrase(12)

    _result, texts = judge([" ".join(words[i : i + 3]) for i in range(0, 12, 3)])

    assert WINDOW_MESSAGES >= 4
    assert texts == [MARKER] * 4


@pytest.mark.parametrize(
    ("language", "lang", "joiner"),
    [("chinese_simplified", "zh-hans", " "), ("japanese", "ja", "\u3000"), ("korean", "ko", " ")],
)
def test_phrases_of_other_wordlists_split_over_two_messages(language, lang, joiner):
    words = phrase(21, language=language)

    result, texts = judge([joiner.join(words[:6]), joiner.join(words[6:])], lang=lang)

    assert result.found
    assert all(word not in text for word in words for text in texts)


def test_messages_older_than_the_window_are_not_joined():
    words = phrase(3)
    old = WINDOW_AGE + timedelta(seconds=1)

    result, texts = judge([" ".join(words[:6]), " ".join(words[6:])], gap=old)

    assert not result.found
    assert texts == [" ".join(words[:6]), " ".join(words[6:])]


def test_only_the_last_few_messages_are_judged_together():
    words = phrase(4)
    chatter = ["ok", "one moment", "still there?", "sorry"][: WINDOW_MESSAGES - 1]

    result, _texts = judge([" ".join(words[:6]), *chatter, " ".join(words[6:])])

    assert not result.found


def test_an_ordinary_conversation_is_left_alone():
    """G7: ordinary sentences made of common words stay as written, even joined."""
    messages = [
        "hello I sent some money to my account yesterday",
        "it has not arrived and I am worried about it",
        "can you please check the status of the transfer for me",
        "the amount was around one hundred dollars thank you",
    ]

    result, texts = judge(messages)

    assert not result.found
    assert texts == messages
    assert result.earlier == {}


def test_a_phrase_in_one_message_is_removed_as_redact_alone_would():
    text = "my seed: " + " ".join(phrase(5))

    result, texts = judge(["hello", text])

    assert result.text == redact(text, lang="en").text
    assert result.earlier == {}
    assert texts[0] == "hello"


def test_words_after_an_earlier_marker_are_judged_without_the_markers_words():
    """The marker's own words ("seed", "phrase") never join a run; a marker is left as is."""
    words = phrase(6)
    earlier = f"my phrase is {MARKER}"

    result, texts = judge([earlier, " ".join(words[:6]), " ".join(words[6:])])

    assert texts == [earlier, MARKER, MARKER]
    assert 0 not in result.earlier


def test_the_rest_of_a_phrase_already_removed_is_removed_too():
    """16 words of 24 are a secret already: the parts that held them are markers when the
    last eight words arrive, which alone are too few to be found."""
    words = phrase(9, words=24)

    result, texts = judge([f"1. {MARKER}", MARKER, "\n".join(words[16:])])

    assert texts[-1] == MARKER
    assert result.secrets == ["seed_phrase"]
    assert result.earlier == {}


@pytest.mark.parametrize(
    "reply", ["sorry about that", "thank you", "wait one moment", "ok what now?", "yes"]
)
def test_a_reply_after_a_removed_phrase_is_left_alone(reply):
    result, texts = judge([f"my words: {MARKER}", reply])

    assert texts[-1] == reply
    assert not result.found
