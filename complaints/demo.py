"""Demo complaints, in every stage and language (filled in by the demo loader)."""


def load_demo_complaints(stdout) -> None:
    return None
