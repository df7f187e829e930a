from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpcenter.learning.services import learning_reset
from helpcenter.models import Article
from helpcenter.text import LANGUAGES


class Command(BaseCommand):
    help = (
        "Make search forget what it learned from its readers: everything, one article's "
        "(--article), or one query's (--query with --language). Searches made before now no "
        "longer count; later ones teach it again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--article", help="the article's slug")
        parser.add_argument("--query", help="the query, as a reader typed it")
        parser.add_argument("--language", choices=LANGUAGES, help="the query's language")

    def handle(
        self, *args, article: str | None, query: str | None, language: str | None, **options
    ) -> None:
        if query and not language:
            raise CommandError("--query needs --language.")
        found = None
        if article:
            found = Article.objects.filter(slug=article).first()
            if found is None:
                raise CommandError(f"No article with the slug {article!r}.")
        reset = learning_reset(by=None, article=found, language=language or "", query=query or "")
        self.stdout.write(f"Forgotten: {reset}.")
