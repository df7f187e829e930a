import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

import config.celery  # noqa: E402,F401  (tasks sent from web requests use the project's broker)
