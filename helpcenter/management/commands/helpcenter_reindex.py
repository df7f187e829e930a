from django.core.management.base import BaseCommand

from helpcenter.search.index import reindex_all


class Command(BaseCommand):
    help = "Rebuild the help-center search index (after changing the analysers)."

    def handle(self, *args, **options) -> None:
        count = reindex_all()
        self.stdout.write(f"Reindexed {count} articles.")
