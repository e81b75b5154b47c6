from datetime import date
from typing import Any

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from diary.analysis import charts
from diary.analysis.patterns import RELIEF_COLUMNS
from diary.days import local_date
from diary.forms.insights import PERIOD_CHOICES, InsightsWindowForm
from diary.insights import (
    DEFAULT_PRESET,
    cached_chart,
    cached_document,
    data_version,
    diary_first_day,
    earliest_entries,
    entry_to_question,
    window_for_preset,
)
from diary.pagecache import cached_html
from diary.signedin import SignedInRequest

CHART_WIDTH_PX = 640
PATTERN_CHARTS = ("weekly", "medications", "hours", "muscles", "intensity", "duration", "calendar")
# Charts with long labels that scroll sideways on a phone rather than shrink.
SCROLLING_CHARTS = ("triggers",)


def _window(request: SignedInRequest) -> tuple[InsightsWindowForm, date, date, bool]:
    """The form, the window's first and last day, and whether the triggers are judged on
    exactly that window."""
    zone = request.profile.zone
    today = local_date(timezone.now(), zone)
    form = InsightsWindowForm(request.GET, today=today)
    if form.is_valid():
        window = form.window(lambda: diary_first_day(request.user, zone))
        return form, *window, form.judges_on_window()
    return form, *window_for_preset(DEFAULT_PRESET, today, None), False


def _current_preset(form: InsightsWindowForm) -> str | None:
    if not form.is_valid():
        return DEFAULT_PRESET
    if form.cleaned_data["start"] or form.cleaned_data["end"]:
        return None
    return form.cleaned_data["period"] or DEFAULT_PRESET


def _chart(name: str, document: dict, query: str) -> dict:
    chart = charts.CHARTS[name]
    width, height = chart.size
    return {
        "name": name,
        "title": chart.title,
        "url": f"{reverse('diary:insights_chart', args=[name])}?{query}",
        "text": charts.describe(name, document),
        "width": CHART_WIDTH_PX,
        "height": round(CHART_WIDTH_PX * height / width),
        "scrolls": name in SCROLLING_CHARTS,
    }


def _judged_factors(document: dict) -> list[dict]:
    """The factors with enough data to judge, the significant ones first, then by q-value."""
    judged = [factor for factor in document["factors"] if factor["enough_data"]]
    return sorted(judged, key=lambda factor: (not factor["significant"], factor["q_value"]))


def _entry_question(request: SignedInRequest) -> dict | None:
    """The entry to ask about: one dated before 1900, or a far-back first one ("Is the entry
    on … a typo?"), with the page that corrects or deletes it."""
    found = entry_to_question(earliest_entries(request.user, request.profile.zone))
    if found is None:
        return None
    entry, before_floor = found
    if entry.kind == "episode":
        url, what = reverse("diary:episode_detail", args=[entry.row_id]), "episode"
    elif entry.kind == "medication":
        url, what = reverse("diary:medication_edit", args=[entry.row_id]), "medication"
    elif before_floor:  # a check-in's page refuses a day before 1900; its deletion doesn't
        url, what = reverse("diary:checkin_delete", args=[entry.day]), "check-in"
    else:
        url, what = reverse("diary:checkin_day", args=[entry.day]), "check-in"
    return {"day": entry.day, "url": url, "what": what, "before_floor": before_floor}


def _dashboard_context(request: SignedInRequest) -> dict[str, Any]:
    form, first_day, last_day, on_window = _window(request)
    version = data_version(request.user, request.profile)
    document = cached_document(
        request.user, request.profile, first_day, last_day, version, on_window
    )
    dates = urlencode(
        {
            "start": first_day.isoformat(),
            "end": last_day.isoformat(),
            "triggers": "window" if on_window else "longer",
        }
    )
    return {
        "form": form,
        "presets": [
            {"value": value, "label": label, "current": value == _current_preset(form)}
            for value, label in PERIOD_CHOICES
        ],
        "first_day": first_day,
        "last_day": last_day,
        "document": document,
        "triggers_chart": _chart("triggers", document, dates),
        "judged_factors": _judged_factors(document),
        "amounts_chart": _chart("amounts", document, dates),
        "pattern_charts": [_chart(name, document, dates) for name in PATTERN_CHARTS],
        "relief_columns": RELIEF_COLUMNS,
        "relief_rows": [
            (r["label"], r["uses"], r["helped"], f"{r['share_helped']:.0%}")
            for r in document["patterns"]["relief"]
        ],
        "json_url": reverse("diary:insights_json") + "?" + dates,
        "entry_question": _entry_question(request),
    }


@require_safe
def dashboard(request: SignedInRequest) -> HttpResponse:
    part = cached_html(
        request, "diary/insights/_dashboard.html", lambda: _dashboard_context(request)
    )
    return render(request, "diary/insights/dashboard.html", {"part": part})


@require_safe
def document_json(request: SignedInRequest) -> JsonResponse:
    form, first_day, last_day, on_window = _window(request)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    document = cached_document(
        request.user, request.profile, first_day, last_day, judge_on_window=on_window
    )
    return JsonResponse(document, json_dumps_params={"allow_nan": False, "ensure_ascii": False})


# An SVG shown through <img> is its own document; its inline styles need this policy in the
# browsers that apply an image's own CSP header to it. It runs no script and loads nothing.
@csp_replace({"default-src": [NONE], "script-src": [NONE], "style-src": [UNSAFE_INLINE]})  # type: ignore[arg-type]  # django-csp types a view as taking the request alone
@require_safe
def chart(request: SignedInRequest, name: str) -> HttpResponse:
    if name not in charts.CHARTS:
        raise Http404("No such chart.")
    _, first_day, last_day, on_window = _window(request)
    version = data_version(request.user, request.profile)
    svg = cached_chart(request.user, request.profile, name, first_day, last_day, version, on_window)
    # Like every signed-in response it is not stored by the browser (diary/middleware.py):
    # the server's cache is what makes showing it again cheap.
    return HttpResponse(svg, content_type="image/svg+xml")
