"""What makes the diary an installable app: the web app manifest, the service worker (served
from the site root so its scope is the whole app) and the page it shows without a connection."""

import hashlib
import json
from functools import cache

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

# Kept by the service worker so the quick log opens and saves with no connection.
APP_SHELL = [
    "vendor/bootstrap-5.3.9/css/bootstrap.min.css",
    "vendor/bootstrap-5.3.9/js/bootstrap.bundle.min.js",
    "css/spasmlog.css",
    "js/theme.js",
    "js/spasmlog.js",
    "js/queue.js",
    "js/offline.js",
    "img/icon.svg",
    "img/icon-192.png",
]
# The colours of the app's frame before a page has painted: Bootstrap's page backgrounds.
LIGHT_BACKGROUND = "#ffffff"
DARK_BACKGROUND = "#212529"


def manifest_document() -> dict:
    quick_log = reverse("diary:quick_log")
    icons = [
        {"src": static(f"img/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    maskable = [
        {
            "src": static(f"img/icon-maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    return {
        "id": "/",
        "name": "Spasmlog",
        "short_name": "Spasmlog",
        "description": "A private diary for muscle spasms and cramps.",
        # From the home screen straight to the quick log: most cramps come at night, in bed.
        "start_url": quick_log,
        "scope": "/",
        "display": "standalone",
        "theme_color": DARK_BACKGROUND,
        "background_color": DARK_BACKGROUND,
        "icons": icons + maskable,
        "shortcuts": [
            {
                "name": "Log a spasm now",
                "short_name": "Log a spasm",
                "url": quick_log,
                "icons": icons[:1],
            }
        ],
    }


@login_not_required  # browsers fetch the manifest without cookies
@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        json.dumps(manifest_document(), indent=2), content_type="application/manifest+json"
    )


@cache
def _shell_version() -> str:
    """Changes whenever a shell file does, so the service worker then replaces its copies."""
    digest = hashlib.sha256()
    for name in APP_SHELL:
        path = finders.find(name)
        assert path is not None, f"{name} is in APP_SHELL but not among the static files"
        with open(path, "rb") as file:
            digest.update(file.read())
        digest.update(static(name).encode())  # a new storage (hashed names) is a new shell too
    return digest.hexdigest()[:16]


@login_not_required
@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "sw.js",
        {
            "version": _shell_version(),
            "shell": json.dumps([static(name) for name in APP_SHELL] + [reverse("offline")]),
            "queue_script": static("js/queue.js"),
            "offline_page": reverse("offline"),
            "quick_log": reverse("diary:quick_log"),
        },
        content_type="text/javascript",
    )
    # The browser checks for a new worker on every visit rather than keeping this one.
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "offline.html")
