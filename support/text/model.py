"""Linear models exported as plain weights, loaded once per process and scored in pure Python.

Scikit-learn is needed to train (training.py), not to predict: a prediction is a sum of weights
over the features of one message, which keeps import time, memory and latency small.
"""

import functools
import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path

MODEL_PATH = Path(__file__).parent / "data" / "model.json.gz"


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def probabilities(self, features: list[str]) -> dict[str, float]:
        """Softmax over the classes, features binary and L2-normalised as in training.

        Each class's score is its intercept plus its weights times the scale, added in the
        order of the features: the sums run in C (a column of the known features' weights per
        class), where a loop over features and classes in Python cost a third of a message's
        classification."""
        scale = 1 / math.sqrt(len(features)) if features else 0.0
        known = [weights for weights in map(self.weights.get, features) if weights]
        scores = list(self.intercepts)
        if known:
            columns = zip(*known, strict=True)  # every feature has a weight for each class
            scores = [
                sum([weight * scale for weight in column], start)
                for start, column in zip(self.intercepts, columns, strict=True)
            ]
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {label: exp / total for label, exp in zip(self.classes, exps, strict=True)}


@dataclass(frozen=True)
class Models:
    category: LinearModel
    sentiment: LinearModel
    triage_threshold: float


@functools.cache
def load_models() -> Models:
    """The trained models: from MODEL_PATH, or trained now if the file is missing."""
    if not MODEL_PATH.exists():
        from support.text.training import train_and_save

        train_and_save()
    data = read_document(MODEL_PATH)
    return Models(
        category=linear_model(data["category"]),
        sentiment=linear_model(data["sentiment"]),
        triage_threshold=data["triage_threshold"],
    )


def read_document(path: Path) -> dict:
    """A model file's JSON document (training.write_document writes it)."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return json.load(stream)


def linear_model(data: dict) -> LinearModel:
    """One model of a document: its classes, intercepts and weights as `fit` exported them."""
    return LinearModel(
        classes=tuple(data["classes"]),
        intercepts=tuple(data["intercepts"]),
        weights={feature: tuple(values) for feature, values in data["weights"].items()},
    )
