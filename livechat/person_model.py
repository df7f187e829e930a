"""Whether a chat message wants a person: a linear model next to the phrase patterns.

The patterns (livechat.person_requests, livechat.casework) read the shapes customers use, but a
customer can ask in words no pattern holds. The model reads the same features as the text
analysis (support.text.features: words, character n-grams of every script, written Cantonese as
Mandarin) and was trained on messages written for it from what a handoff is — a person asked
for in every way (repeated, rhetorical, dismissing the bot, sarcastic, angry, polite), and cases
only a person can handle (disputed trades and P2P orders, refunds, compensation, complaints and
appeals, a deceased customer, the police and the courts, a guardian or power of attorney, the
press) — in the five languages (`data/handoff_corpus.jsonl`, labelled `person`), against
questions the help center answers, mentions of people included ("how do I contact support",
"will a person check my documents", "how do I file an appeal").

The analysis corpus (support/text/data/corpus.jsonl) adds what customers write about their
issues as messages that want no person by themselves: every line but the security incidents
(the urgent rule comes first) and the ones the patterns already read as a request.

Trained like the text models: deterministic (sorted rows, lbfgs), exported as plain weights and
scored in pure Python. `train_and_save()` (`manage.py train_handoff_model`) writes
`data/handoff_model.json.gz`; run it after the text corpus or the patterns change, since both
decide its negative examples.
"""

import functools
import re
from pathlib import Path

DATA = Path(__file__).parent / "data"
CORPUS_PATH = DATA / "handoff_corpus.jsonl"
MODEL_PATH = DATA / "handoff_model.json.gz"
C = 8.0
# A message is a request for a person at this probability. C and the threshold were chosen on
# the tune half of bench/data/chat-fresh.jsonl with the model alone (no patterns): 60 of 73
# requests for a person at 0.45 and none of the 96 how-to questions, and on our own test
# sentences (mentions of our staff stay with the help center). With the analysis corpus of
# 2026-12-07 (5,052 lines) and twelve more turned-down bots in the handoff corpus ("자동응답으로
# 풀릴 일이 아니에요"), 58 of the 73 at 0.45 (53 at 0.5) and still no how-to question.
THRESHOLD = 0.45
SECURITY = "security_incident"
# A trading bot is a product the help center explains, not the chat bot the customer turns down:
# it is one word to the model, so "추천해 주세요" next to it is no request for a person.
TRADING_BOT = re.compile(
    r"(?:trading|grid|dca|arbitrage|copy[- ]?trading|quant)\s*bots?"
    r"|(?:网格|網格|量化|交易|定投|套利)(?:机器人|機器人)"
    r"|(?:그리드|자동\s*매매|매매|트레이딩|퀀트)\s*봇|(?:グリッド|自動売買|売買|トレード|取引)\s*ボット",
    re.IGNORECASE,
)


def wants_person(text: str) -> bool:
    return person_probability(text) >= THRESHOLD


def person_probability(text: str) -> float:
    return _model().probabilities(_features(text)).get("True", 0.0)


def _features(text: str) -> list[str]:
    """The text analysis's features, a trading bot as one word (as in training_rows)."""
    from support.text.features import features

    return features(TRADING_BOT.sub(" tradingbot ", text))


@functools.cache
def _model():
    from support.text.model import linear_model, read_document

    if not MODEL_PATH.exists():
        train_and_save()
    return linear_model(read_document(MODEL_PATH))


def training_rows() -> list[dict]:
    """The handoff corpus, then the analysis corpus's lines that want no person, with trading
    bots as one word (as the model reads them)."""
    from livechat import casework, intents
    from support.text.training import load_corpus, read_jsonl

    rows = [{"text": row["text"], "person": row["person"]} for row in read_jsonl(CORPUS_PATH)]
    for row in load_corpus():
        text = row["text"]
        if row["category"] == SECURITY:
            continue
        if intents.asks_for_human(text) or casework.needs_person(text):
            continue
        rows.append({"text": text, "person": False})
    rows = [{**row, "text": TRADING_BOT.sub(" tradingbot ", row["text"])} for row in rows]
    return sorted(rows, key=lambda row: (row["person"], row["text"]))


def train_and_save(*, model_path: Path = MODEL_PATH) -> dict[str, int]:
    from support.text.training import fit, write_document

    rows = training_rows()
    document = {**fit(rows, label="person", c=C), "rows": len(rows)}
    write_document(document, model_path)
    _model.cache_clear()
    return {"handoff_rows": len(rows), "handoff_features": len(document["weights"])}
