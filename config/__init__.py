"""Project configuration: settings, URLs, ASGI/WSGI entry points, Celery, local services."""

# Every process that loads the project (web, management commands such as the demo loader,
# scripts) sends its tasks through the project's Celery app and broker, not Celery's default.
from config.celery import app as celery_app

__all__ = ("celery_app",)
