"""Linear models exported as plain weights, loaded once per process and scored with NumPy.

Scikit-learn is needed to train (training.py), not to predict: a prediction is a sum of weights
over the features of one message, which keeps import time, memory and latency small.
"""

import functools
import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).parent / "data" / "model.json.gz"


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    rows: dict[str, int]  # feature → its row of `matrix`
    matrix: np.ndarray  # a row per feature, a column per class

    def probabilities(self, features: list[str]) -> dict[str, float]:
        """Softmax over the classes, features binary and L2-normalised as in training.

        Each class's score is its intercept plus the sum of the known features' weights times
        the scale, summed by NumPy over the rows of those features: a message has hundreds of
        features, and the sums in Python were a twentieth of an email's intake."""
        scores = np.array(self.intercepts, dtype=np.float64)
        known = [row for row in map(self.rows.get, features) if row is not None]
        if known:
            scores += self.matrix[known].sum(axis=0) / math.sqrt(len(features))
        exps = np.exp(scores - scores.max())
        shares = (exps / exps.sum()).tolist()
        return dict(zip(self.classes, shares, strict=True))


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
    weights = data["weights"]
    classes = tuple(data["classes"])
    matrix = np.array(list(weights.values()), dtype=np.float64).reshape(len(weights), len(classes))
    return LinearModel(
        classes=classes,
        intercepts=tuple(data["intercepts"]),
        rows={feature: number for number, feature in enumerate(weights)},
        matrix=matrix,
    )
