"""Training is deterministic and the shipped model predicts our taxonomy."""

import gzip
import json

from support.text.analysis import CATEGORIES
from support.text.model import MODEL_PATH, load_models
from support.text.training import CORPUS_PATH, load_corpus, train_and_save


def small_corpus(tmp_path):
    rows = load_corpus()
    picked = [row for i, row in enumerate(rows) if i % 8 == 0]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in picked[::-1]))
    return path


def test_training_twice_writes_identical_files(tmp_path):
    corpus = small_corpus(tmp_path)

    summary = train_and_save(corpus_path=corpus, model_path=tmp_path / "a.json.gz")
    train_and_save(corpus_path=corpus, model_path=tmp_path / "b.json.gz")

    assert (tmp_path / "a.json.gz").read_bytes() == (tmp_path / "b.json.gz").read_bytes()
    assert summary["corpus_rows"] == len(corpus.read_text().splitlines())


def test_shipped_model_covers_every_category_and_sentiment():
    models = load_models()

    assert sorted(models.category.classes) == sorted(CATEGORIES)
    assert sorted(models.sentiment.classes) == ["negative", "neutral", "positive"]
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as stream:
        assert json.load(stream)["corpus_rows"] == len(load_corpus())


def test_corpus_has_forty_messages_per_category_in_all_five_languages():
    rows = load_corpus(CORPUS_PATH)

    for category in CATEGORIES:
        in_category = [row for row in rows if row["category"] == category]
        assert len(in_category) >= 40
        assert {row["lang"] for row in in_category} == {"en", "zh-hans", "zh-hant", "ko", "ja"}
    assert {row["sentiment"] for row in rows} == {"negative", "neutral", "positive"}
