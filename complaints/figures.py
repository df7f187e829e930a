"""Complaint figures for supervisors: one function per figure (docs/metrics.md)."""


def complaint_figures() -> dict:
    return {"title": "", "figures": []}
