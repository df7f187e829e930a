"""Prepares the helpdesk database: migrations, then one queue open to public submission.

Run by bench/helpdesk_reference.py with var/bench-helpdesk-venv/bin/python; prints the
queue's id.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from helpdesk.models import Queue  # noqa: E402

call_command("migrate", verbosity=0)
queue, _ = Queue.objects.get_or_create(
    slug="bench",
    defaults={"title": "Exchange support", "allow_public_submission": True},
)
print(queue.id)
