"""The benchmark's URLs: the app's own, and a floor to measure them against (a view that
exists nowhere else). With spasmlog/benchmark_settings.py only."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from spasmlog.urls import urlpatterns as app_urlpatterns

QUERIES_HEADER = "X-Queries"


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
        return response

    return middleware


urlpatterns = [path("_floor/", floor, name="benchmark_floor"), *app_urlpatterns]
