"""The HTTP methods spasmlog's pages answer.

The app is links and HTML forms, so a request is GET, HEAD (what a GET would send, without the
body) or POST. A read-only page takes Django's `require_safe`; a page whose form posts to
itself takes `form_page`; `OnlyFormMethodsMiddleware` refuses every other method everywhere,
Django's own auth views included (a form view there treats PUT as POST). A POST-only action
(a button in another page's form) takes Django's `require_POST`.

A form page binds its form to `posted_data(request)` (and `posted_files(request)` when it
takes a file): the POST's fields, or None for a GET or HEAD, which shows the form unbound. A
POST-only action, which has no unbound form to show, binds to `request.POST`.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods

FORM_METHODS = ["GET", "HEAD", "POST"]

form_page = require_http_methods(FORM_METHODS)


def posted_data(request: HttpRequest) -> QueryDict | None:
    # Not `request.POST or None`, which takes a POST without fields for a GET.
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> MultiValueDict | None:
    return request.FILES if request.method == "POST" else None


class OnlyFormMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in FORM_METHODS:
            return HttpResponseNotAllowed(FORM_METHODS)
        return self.get_response(request)
