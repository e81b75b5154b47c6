"""The production settings as `manage.py benchmark` runs them: its own URLs (with the floor
view), a header telling the queries each request made, static files collected in its
throwaway DATA_DIR. Never used to serve anyone."""

from spasmlog.settings import *  # noqa: F403
from spasmlog.settings import DATA_DIR, MIDDLEWARE

BENCHMARK = True
ROOT_URLCONF = "spasmlog.benchmark_urls"
# First, so it counts every query of the request, the session's and the user's included.
MIDDLEWARE = ["spasmlog.benchmark_urls.count_queries", *MIDDLEWARE]
STATIC_ROOT = DATA_DIR / "static"
