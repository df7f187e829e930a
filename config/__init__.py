"""Project configuration: settings, URLs, ASGI/WSGI entry points, Celery, local services."""
