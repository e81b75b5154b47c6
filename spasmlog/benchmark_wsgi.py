"""The WSGI application as `manage.py benchmark` and the two-server test serve it: the app with
spasmlog/benchmark_settings.py, counting the documents and charts it computes."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmlog.benchmark_settings")

application = get_wsgi_application()

from spasmlog.benchmark_urls import count_renders  # noqa: E402 (needs the apps loaded)

count_renders()
