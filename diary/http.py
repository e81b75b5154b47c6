"""The HTTP methods spasmlog's pages answer.

The app is links and HTML forms, so a request is GET, HEAD (what a GET would send, without the
body) or POST. A read-only page takes Django's `require_safe`; a page whose form posts to
itself takes `form_page`; `OnlyFormMethodsMiddleware` refuses every other method everywhere,
Django's own auth views included (a form view there treats PUT as POST).
"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.http import require_http_methods

FORM_METHODS = ["GET", "HEAD", "POST"]

form_page = require_http_methods(FORM_METHODS)


class OnlyFormMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in FORM_METHODS:
            return HttpResponseNotAllowed(FORM_METHODS)
        return self.get_response(request)
