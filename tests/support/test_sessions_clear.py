"""Expired sessions are deleted by a daily beat task (sessions live in PostgreSQL)."""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app
from support.tasks import sessions_clear_task


def test_expired_sessions_are_deleted_and_live_ones_kept(db):
    live = SessionStore()
    live["visitor"] = "still here"
    live.create()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )

    sessions_clear_task()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_the_sweep_runs_daily():
    entry = app.conf.beat_schedule["sessions-clear"]
    assert entry == {"task": "support.tasks.sessions_clear_task", "schedule": 86400.0}
