from django.core.management.base import BaseCommand

from helpcenter.models import CommunityDocument
from helpcenter.search.index import reindex_all


class Command(BaseCommand):
    help = "Rebuild the help-center search index, articles and community topics."

    def handle(self, *args, **options) -> None:
        count = reindex_all()
        topics = CommunityDocument.objects.count()
        self.stdout.write(f"Reindexed {count} articles and {topics} community topics.")
