"""WSGI entry point (gunicorn consultteam.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consultteam.settings")
application = get_wsgi_application()
