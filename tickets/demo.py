"""Demo SLA policies, calendars, routing rules, macros and a few tickets (idempotent)."""


def load_demo(stdout=None) -> None:
    pass
