"""The answer confidence: how sure the search is that its best article answers the query.

The coverage score alone (the idf-weighted share of the query found in an article) could not
tell a question we have no article for from one we answer: "will bitcoin go up" covers words
that every trading article has. Two things separate them on the self-service queries' tune
half (docs/helpcenter.md, "Questions this answers and the confidence"):

- how much of the query the index knows at all (its idf-weighted share of concepts with any
  posting): a question about staking or NFTs carries words no article has;
- how far the best article stands out from the second: with no answer, several articles
  cover the same general words about equally.

Every score a search returns is the coverage times this one factor for the query, so the
order of the results is unchanged and the first result's score is the confidence that the
search page, search as you type, the contact form's suggestions and the chat bot compare
with `ANSWER_THRESHOLD`.
"""

MARGIN_SHARE = 0.5  # the share of the factor that depends on the lead over the second article


def confidence_factor(*, known: float, best: float, second: float) -> float:
    """In [0, 1]: `known` the share of the query the index knows, `best` and `second` the
    coverage of the two best articles (0 when there is no second)."""
    lead = (best - second) / best if best > 0 else 0.0
    return known * (1 - MARGIN_SHARE + MARGIN_SHARE * lead)
