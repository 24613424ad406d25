"""WSGI entry point: ``gunicorn loomlight.site.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loomlight.site.settings")
application = get_wsgi_application()
