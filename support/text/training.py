"""Train the category and sentiment models on the project's own corpus and save their weights.

Deterministic: the corpus is sorted, the solver (lbfgs) has no randomness, cross-validation folds
are fixed by a seed, and the gzip file carries no timestamp, so the same corpus gives the same
file. `train_and_save()` is what `manage.py train_text_models` calls.
"""

import gzip
import json
from pathlib import Path

from support.text.features import features
from support.text.model import MODEL_PATH

CORPUS_PATH = Path(__file__).parent / "data" / "corpus.jsonl"
CATEGORY_C = 32.0
SENTIMENT_C = 4.0
# Below this top probability a message goes to a human for triage instead of a team's queue.
TRIAGE_THRESHOLD = 0.15
MIN_WEIGHT = 0.002
SEED = 20240601


def load_corpus(path: Path = CORPUS_PATH) -> list[dict]:
    rows = read_jsonl(path)
    return sorted(rows, key=lambda row: (row["category"], row["lang"], row["text"]))


def read_jsonl(path: Path) -> list[dict]:
    """A corpus file: one JSON object a line, in the file's order."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def fit(rows: list[dict], *, label: str, c: float, balanced: bool = True) -> dict:
    """A multinomial logistic regression on binary, L2-normalised features, as plain weights.
    `balanced` weighs each class by the inverse of its share of the rows."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform([_feature_dict(row["text"]) for row in rows])
    labels = [row[label] for row in rows]
    class_weight = "balanced" if balanced else None
    classifier = LogisticRegression(C=c, max_iter=5000, class_weight=class_weight)
    classifier.fit(matrix, labels)
    coefficients = classifier.coef_
    if len(classifier.classes_) == 2:  # sklearn keeps one row for two classes
        coefficients = [-coefficients[0] / 2, coefficients[0] / 2]
        intercepts = [-classifier.intercept_[0] / 2, classifier.intercept_[0] / 2]
    else:
        intercepts = list(classifier.intercept_)
    weights = {}
    for column, name in enumerate(vectorizer.get_feature_names_out()):
        values = [round(float(row[column]), 4) for row in coefficients]
        if max(abs(value) for value in values) >= MIN_WEIGHT:
            weights[name] = values
    return {
        "classes": [str(name) for name in classifier.classes_],
        "intercepts": [round(float(value), 4) for value in intercepts],
        "weights": weights,
    }


def train(corpus_path: Path = CORPUS_PATH) -> dict:
    """Both models fitted on the whole corpus, as the JSON document the runtime loads."""
    rows = load_corpus(corpus_path)
    return {
        "corpus_rows": len(rows),
        "triage_threshold": TRIAGE_THRESHOLD,
        "category": fit(rows, label="category", c=CATEGORY_C),
        "sentiment": fit(rows, label="sentiment", c=SENTIMENT_C),
    }


def train_and_save(
    *, corpus_path: Path = CORPUS_PATH, model_path: Path = MODEL_PATH
) -> dict[str, int]:
    """Train on the corpus and write the model file; returns a summary for the command's output."""
    document = train(corpus_path)
    write_document(document, model_path)
    from support.text.model import load_models

    load_models.cache_clear()
    return {
        "corpus_rows": document["corpus_rows"],
        "category_features": len(document["category"]["weights"]),
        "sentiment_features": len(document["sentiment"]["weights"]),
    }


def write_document(document: dict, path: Path) -> None:
    """A model file (model.read_document reads it): the same document gives the same bytes
    (keys sorted, no timestamp in the gzip header)."""
    payload = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as stream:
        stream.write(payload.encode("utf-8"))


def cross_validate(*, folds: int = 5, corpus_path: Path = CORPUS_PATH) -> dict[str, float]:
    """Accuracy of each model on held-out folds of the corpus (for tuning; not used at runtime)."""
    import random

    from support.text.model import linear_model

    rows = load_corpus(corpus_path)
    order = list(range(len(rows)))
    random.Random(SEED).shuffle(order)
    hits = {"category": 0, "sentiment": 0}
    for fold in range(folds):
        test = [rows[i] for i in order[fold::folds]]
        train_rows = [rows[i] for n, i in enumerate(order) if n % folds != fold]
        for label, c in (("category", CATEGORY_C), ("sentiment", SENTIMENT_C)):
            model = linear_model(fit(train_rows, label=label, c=c))
            for row in test:
                probabilities = model.probabilities(features(row["text"]))
                hits[label] += max(probabilities, key=probabilities.get) == row[label]
    return {label: count / len(rows) for label, count in hits.items()}


def _feature_dict(text: str) -> dict[str, float]:
    names = features(text)
    value = 1 / len(names) ** 0.5 if names else 0.0
    return dict.fromkeys(names, value)
