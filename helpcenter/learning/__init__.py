"""Learning from the help center's own records: which article answered which query.

A reader who searched, opened an article and did not write to us within a day found their
answer there; one who wrote to us anyway (or said "not helpful") did not. The records of
searches (`SearchRecord`, with a hashed visitor), the contact form's outcomes
(`DeflectionRecord`) and article feedback (`ArticleFeedback`) are read by a periodic task
into `LearnedAnswer` rows: per language, normalised query and article, a bounded boost that
the search adds to the lexical coverage (`helpcenter.search.learned`).

- `models`: `LearnedAnswer` (what was learned) and `LearningReset` (what an admin told it to
  forget).
- `visitors`: the hashed visitor of a request.
- `evidence`: each visitor's latest outcome per (language, query, article).
- `services`: `learned_answers_refresh` (the periodic aggregation) and `learning_reset`.

docs/helpcenter.md, "Learning from searches", says what counts, the window, the caps and the
decay.
"""
