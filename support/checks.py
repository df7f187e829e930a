"""Start-up checks of a deployment (Django system checks).

They run in `manage.py check`, in `migrate` (the step every server of docker-compose.yml and of
the launcher waits for) and in every other management command; an error stops the command with
one line naming the fix.
"""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

TAG = "deployment"
BACKENDS = ("", "demo")  # unset: the back office at EXCHANGE_API_URL (or the demo one in DEBUG)


@register(TAG)
def check_exchange_backend(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """Production must not quietly run on the demo back office (made-up balances, actions that
    change nothing): with DEBUG off it needs EXCHANGE_API_URL, or the demo chosen by name."""
    backend, url = settings.EXCHANGE_BACKEND, settings.EXCHANGE_API_URL
    if backend not in BACKENDS:
        return [
            Error(
                f"EXCHANGE_BACKEND={backend!r} is not known: leave it unset to use the back "
                "office at EXCHANGE_API_URL, or set EXCHANGE_BACKEND=demo for the demo one.",
                id="support.E001",
            )
        ]
    if backend == "demo" and url:
        return [
            Warning(
                "EXCHANGE_BACKEND=demo is ignored: EXCHANGE_API_URL is set, so the real back "
                "office is used.",
                id="support.W001",
            )
        ]
    if url or backend == "demo" or settings.DEBUG:
        return []
    return [
        Error(
            "No exchange back office: set EXCHANGE_API_URL (and EXCHANGE_API_TOKEN), or "
            "EXCHANGE_BACKEND=demo to run on the demo back office on purpose.",
            id="support.E002",
        )
    ]
