"""A pytest plugin (pyproject's addopts: `-p tests.workers`) for runs split over processes
(pytest-xdist, `-n`): each worker gets its own Redis database and channel-layer prefix before
Django reads its settings, as pytest-django gives each its own test database. The tests empty
their Redis database between tests, so workers sharing one would empty each other's."""

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDIS_DATABASES = 16


def worker_redis_url(url: str, index: int) -> str:
    """`url` moved `index` databases on (wrapping at 16): redis://host/15 → redis://host/0 for
    the second worker; a Unix socket's database is its `db` parameter."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.scheme == "unix":
        query["db"] = str((int(query.get("db", 0)) + index) % REDIS_DATABASES)
        return f"{url.partition('?')[0]}?{urlencode(query)}"
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + index) % REDIS_DATABASES}"))


def _isolate_worker() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", … in a worker only
    if not worker or not os.environ.get("REDIS_URL"):
        return
    index = int(worker.removeprefix("gw"))
    os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"], index)
    prefix = os.environ.get("CHANNEL_LAYER_PREFIX", "support")
    os.environ["CHANNEL_LAYER_PREFIX"] = f"{prefix}-{worker}"


_isolate_worker()
