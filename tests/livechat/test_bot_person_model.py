"""The bot's person-request model (livechat.person_model): a request for a person in words no
pattern holds still reaches one, in every language; questions about our staff stay with the
help center; training is deterministic and the shipped model is trained on today's rows."""

import gzip
import json

import pytest

from livechat import bot, person_model
from support.text.training import read_jsonl

pytestmark = pytest.mark.django_db

KEPT = (bot.ANSWER, bot.CLARIFY)

IN_OTHER_WORDS = [
    ("en", "i want this looked at by your team properly, not a search result"),
    ("zh-hans", "我这个情况比较复杂，需要你们的人来跟进"),
    ("zh-hant", "這個情況比較複雜，要你們的同事幫我跟進"),
    ("ko", "이건 자동 답변으로 해결될 문제가 아니에요 직원 확인 필요합니다"),
    ("ja", "状況が複雑なので スタッフの方に個別に確認していただきたいです"),
]

ABOUT_OUR_STAFF = [
    ("en", "how do I contact your team about a complaint"),
    ("zh-hans", "你们客服电话是多少"),
    ("zh-hant", "客服的服務時間到幾點"),
    ("ko", "직원분들 근무 시간이 어떻게 돼요"),
    ("ja", "スタッフの方は土日もいますか"),
]


@pytest.mark.parametrize(("lang", "text"), IN_OTHER_WORDS)
def test_a_request_in_words_no_pattern_holds_reaches_a_person(lang, text):
    decision = bot.decide(text, lang=lang, history=[])

    assert decision.action == bot.HANDOFF
    assert decision.reason == bot.ASKED_FOR_HUMAN


@pytest.mark.parametrize(("lang", "text"), ABOUT_OUR_STAFF)
def test_a_question_about_our_staff_stays_with_the_help_center(lang, text):
    assert not person_model.wants_person(text)
    assert bot.decide(text, lang=lang, history=[]).action in KEPT


def test_training_twice_writes_identical_files(tmp_path):
    person_model.train_and_save(model_path=tmp_path / "a.json.gz")
    person_model.train_and_save(model_path=tmp_path / "b.json.gz")

    assert (tmp_path / "a.json.gz").read_bytes() == (tmp_path / "b.json.gz").read_bytes()


def test_the_shipped_model_is_trained_on_todays_rows():
    """Retrain (manage.py train_handoff_model) when the corpora or the patterns change."""
    with gzip.open(person_model.MODEL_PATH, "rt", encoding="utf-8") as stream:
        assert json.load(stream)["rows"] == len(person_model.training_rows())


def test_the_corpus_asks_and_answers_in_all_five_languages():
    rows = read_jsonl(person_model.CORPUS_PATH)

    for wanted in (True, False):
        langs = {row["lang"] for row in rows if row["person"] is wanted}
        assert langs == {"en", "zh-hans", "zh-hant", "ko", "ja"}
