from django.core.management.base import BaseCommand

from support.demo import load_people
from support.registry import demo_loaders


class Command(BaseCommand):
    help = "Load the demo people, teams, exchange accounts and every app's demo data (idempotent)."

    def handle(self, *args, **options) -> None:
        load_people(self.stdout)
        for loader in demo_loaders():
            loader(self.stdout)
