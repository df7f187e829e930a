"""Retrain the chat bot's person-request model from livechat/data/handoff_corpus.jsonl."""

from django.core.management.base import BaseCommand

from livechat.person_model import train_and_save


class Command(BaseCommand):
    help = "Retrain the model that reads a request for a person in a chat (deterministic)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Trained on {train_and_save()}.")
