"""The Celery app and the beat schedule (periodic sweeps)."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("support")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def announce_worker(**kwargs: object) -> None:
    """A new worker is seen by /healthz as soon as it consumes, not at beat's next tick."""
    from support.tasks import heartbeat_task

    heartbeat_task.delay()


app.conf.beat_schedule = {
    "heartbeat": {"task": "support.tasks.heartbeat_task", "schedule": 30.0},
    "outbox-retry": {"task": "support.tasks.outbox_retry_task", "schedule": 60.0},
    "sla-sweep": {"task": "tickets.tasks.sla_sweep_task", "schedule": 60.0},
    "complaint-deadline-sweep": {
        "task": "complaints.tasks.complaint_deadline_sweep_task",
        "schedule": 60.0,
    },
    "intake-follow-up-sweep": {
        "task": "tickets.tasks.ticket_follow_up_sweep_task",
        "schedule": 60.0,
    },
    "raw-inbound-purge": {"task": "tickets.tasks.raw_inbound_purge_task", "schedule": 3600.0},
    "mailboxes-poll": {"task": "tickets.tasks.mailboxes_poll_task", "schedule": 60.0},
    "emails-waiting-sweep": {"task": "tickets.tasks.emails_waiting_sweep_task", "schedule": 60.0},
    "webhooks-waiting-sweep": {
        "task": "tickets.tasks.webhooks_waiting_sweep_task",
        "schedule": 60.0,
    },
    "channel-chats-relay": {"task": "livechat.tasks.channel_chats_relay_task", "schedule": 5.0},
    "telegram-outbox-sweep": {
        "task": "tickets.tasks.telegram_outbox_sweep_task",
        "schedule": 15.0,
    },
    "social-outbox-sweep": {"task": "tickets.tasks.social_outbox_sweep_task", "schedule": 15.0},
    "sessions-clear": {"task": "support.tasks.sessions_clear_task", "schedule": 86400.0},
    "audit-purge": {"task": "support.tasks.audit_purge_task", "schedule": 86400.0},
    "webhook-sweep": {"task": "support.webhooks.tasks.webhook_sweep_task", "schedule": 30.0},
    "data-rights-sweep": {
        "task": "support.data_rights.tasks.data_rights_sweep_task",
        "schedule": 300.0,
    },
    "retention-sweep": {
        "task": "support.data_rights.tasks.retention_sweep_task",
        "schedule": 3600.0,
    },
    "phone-sweep": {"task": "tickets.tasks.phone_sweep_task", "schedule": 60.0},
    "chat-offer-expiry": {
        "task": "livechat.tasks.conversation_expire_offers_task",
        "schedule": 10.0,
    },
    "chat-record-sweep": {
        "task": "livechat.tasks.conversation_record_sweep_task",
        "schedule": 60.0,
    },
    "survey-sweep": {"task": "tickets.tasks.survey_sweep_task", "schedule": 60.0},
    "figures-refresh": {"task": "tickets.tasks.figures_refresh_task", "schedule": 60.0},
    "learned-answers-refresh": {
        "task": "helpcenter.tasks.learned_answers_refresh_task",
        "schedule": 3600.0,
    },
}
