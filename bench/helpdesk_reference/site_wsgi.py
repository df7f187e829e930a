"""WSGI entry of the throwaway django-helpdesk site (gunicorn runs it from this folder)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_settings")
application = get_wsgi_application()
