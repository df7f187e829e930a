"""Schedule this quarter's relationship (NPS) survey for a random sample of active customers.

Run monthly (cron or an operator): each customer is asked at most once a quarter, so running
it again only adds customers not yet asked. The survey sweep sends the emails.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tickets.surveys.nps import nps_sample


class Command(BaseCommand):
    help = "Schedule NPS surveys for a random sample of customers active in the last 90 days."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", type=int, default=500, help="customers to sample")

    def handle(self, *args, size: int, **options) -> None:
        scheduled = nps_sample(now=timezone.now(), size=size)
        self.stdout.write(f"{scheduled} NPS surveys scheduled")
