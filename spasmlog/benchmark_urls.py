"""The benchmark's URLs: the app's own, and a floor to measure them against (a view that
exists nowhere else). With spasmlog/benchmark_settings.py only, which also adds two response
headers: the queries each request made, and how many insights documents and charts this
server process has computed so far (the two-server test reads it to tell a render from a
cache hit)."""

from collections import Counter
from collections.abc import Callable
from functools import wraps

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from diary import insights
from diary.analysis import charts
from spasmlog.urls import urlpatterns as app_urlpatterns

QUERIES_HEADER = "X-Queries"
RENDERS_HEADER = "X-Renders"
RENDERS: Counter = Counter()


def _counted(kind: str, function: Callable) -> Callable:
    @wraps(function)
    def counted(*args, **kwargs):
        RENDERS[kind] += 1
        return function(*args, **kwargs)

    return counted


def count_renders() -> None:
    """From now on this process counts its insights documents and charts (see
    spasmlog/benchmark_wsgi.py: only a benchmark's server does). The views call both through
    their modules, so the counted ones are the ones they call."""
    insights.build_document = _counted("documents", insights.build_document)
    charts.render_svg = _counted("charts", charts.render_svg)


def floor(request: HttpRequest) -> HttpResponse:
    """The least a signed-in page costs here: the middleware, the session and the user."""
    return HttpResponse(f"floor {request.user.pk}", content_type="text/plain")


def count_queries(get_response):
    """Middleware: the number of database queries the request made, in a response header."""

    def middleware(request: HttpRequest) -> HttpResponse:
        queries = 0

        def counted(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = get_response(request)
        response[QUERIES_HEADER] = str(queries)
        response[RENDERS_HEADER] = f"documents={RENDERS['documents']} charts={RENDERS['charts']}"
        return response

    return middleware


urlpatterns = [path("_floor/", floor, name="benchmark_floor"), *app_urlpatterns]
