"""Handing Celery tasks to the broker after a commit, without letting a broker outage undo a
request whose rows are already saved.

Every task queued this way acts on rows committed first (an outbox email, a ticket's follow-up
mark), and a periodic sweep runs whatever those rows still wait for. So when Redis (the broker)
is down the publish is logged once and dropped; the sweep does the work once the broker is back.
"""

import logging

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def task_queue(task: Task, *args: object) -> bool:
    """Queue `task` now; False (and one warning) when the broker cannot take it."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - kombu and redis raise many classes; none may undo a save
        logger.warning(
            "task not queued; its sweep will run it", extra={"task": task.name, "task_args": args}
        )
        return False
    return True


def task_queue_after_commit(task: Task, *args: object) -> None:
    """Queue `task` once the caller's transaction commits (never if it rolls back)."""
    transaction.on_commit(lambda: task_queue(task, *args))
