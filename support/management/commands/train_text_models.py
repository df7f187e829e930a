"""Retrain the category and sentiment models from support/text/data/corpus.jsonl."""

from django.core.management.base import BaseCommand

from support.text.training import cross_validate, train_and_save


class Command(BaseCommand):
    help = "Retrain the text classifiers from the labelled corpus (deterministic)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--cross-validate", action="store_true", help="Also report 5-fold accuracy."
        )

    def handle(self, *args, **options) -> None:
        counts = train_and_save()
        self.stdout.write(f"Trained on {counts}.")
        if options["cross_validate"]:
            self.stdout.write(f"Cross-validation: {cross_validate()}")
