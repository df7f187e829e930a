"""Quality reviews: supervisors sample solved tickets and ended chats of their teams' agents,
mark them against the scorecard (ReviewCriterion rows per language), and agents read and
answer their reviews. services.py writes, selectors.py reads (and decides who sees what)."""
