"""Share links: made from /report/, opened without an account, revoked on the account page."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from diary import sharing
from diary.days import local_date
from diary.forms.report import ShareForm
from diary.http import form_page
from diary.models import ShareLink, ShareLinkOpening
from diary.reportdata import shared_report
from diary.signedin import SignedInRequest
from diary.throttling import client_address
from diary.views.report import chart_response, pdf_response

# Expired, revoked and unknown links get this same answer: nobody can tell which it was.
NOT_FOUND_TEXT = "This link doesn't exist or no longer works."


def _get_share_link_for_user(request: SignedInRequest, pk: int) -> ShareLink:
    return get_object_or_404(ShareLink.objects.for_user(request.user), pk=pk)


@never_cache
@require_POST
def share_create(request: SignedInRequest) -> HttpResponse:
    today = local_date(timezone.now(), request.profile.zone)
    form = ShareForm(request.POST, today=today)
    if not form.is_valid():
        return render(request, "diary/report/share.html", {"form": form}, status=400)
    first_day, last_day = form.window(lambda: None)
    token = sharing.new_token()
    link = ShareLink.objects.create(
        user=request.user,
        token_hash=sharing.token_hash(token),
        first_day=first_day,
        last_day=last_day,
        paper=form.cleaned_data["paper"],
        sections=form.cleaned_data["sections"],
        expires_at=timezone.now() + timedelta(days=form.cleaned_data["days"]),
    )
    url = request.build_absolute_uri(reverse("diary:shared_report", args=[token]))
    return render(request, "diary/report/share.html", {"link": link, "url": url})


@form_page
def share_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    link = _get_share_link_for_user(request, pk)
    if request.method == "POST":
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
        messages.success(request, "The link is revoked: it no longer opens.")
        return redirect("diary:account")
    return render(request, "diary/report/share_revoke.html", {"link": link})


def _shared(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view of a shared link: no account needed, GET only, a limit per address, the
    link looked up by its token's hash, and headers that keep the page out of caches, search
    engines and other sites' referrer logs."""

    @login_not_required
    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, share_token: str, *args, **kwargs) -> HttpResponse:
        if not sharing.allow_opening(client_address(request)):
            response = HttpResponse("Too many requests; try again in a few minutes.", status=429)
        else:
            link = (
                ShareLink.objects.usable(timezone.now())
                .filter(token_hash=sharing.token_hash(share_token))
                .select_related("user")
                .first()
            )
            try:
                if link is None:
                    raise Http404
                response = view(request, link, share_token, *args, **kwargs)
            except Http404:
                response = HttpResponseNotFound(NOT_FOUND_TEXT, content_type="text/plain")
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapper


@_shared
def shared_page(request: HttpRequest, link: ShareLink, share_token: str) -> HttpResponse:
    built = shared_report(link)
    ShareLinkOpening.objects.create(link=link)
    context = {
        "report": built,
        "link": link,
        "pdf_url": reverse("diary:shared_report_pdf", args=[share_token]),
        "chart_route": "diary:shared_report_chart",
        "chart_args": share_token,
        "query": "",
    }
    return render(request, "diary/report/shared.html", context)


@_shared
def shared_pdf(request: HttpRequest, link: ShareLink, share_token: str) -> HttpResponse:
    ShareLinkOpening.objects.create(link=link, pdf=True)
    return pdf_response(shared_report(link))


# Inside _shared, so that a link that doesn't open gets the same answer as on the other URLs.
@_shared  # type: ignore[arg-type]  # what csp_replace gives back, as typed
@csp_replace({"default-src": [NONE], "script-src": [NONE], "style-src": [UNSAFE_INLINE]})  # type: ignore[arg-type]  # django-csp types a view as taking the request alone
def shared_chart(request: HttpRequest, link: ShareLink, share_token: str, name: str):
    if "charts" not in link.sections:
        raise Http404
    return chart_response(shared_report(link, sections=["charts"]), name)
