from typing import Any

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from diary.days import local_date
from diary.forms.report import ReportForm, ShareForm
from diary.pdf import report
from diary.reportdata import chosen_report
from diary.signedin import SignedInRequest


def _form(request: SignedInRequest) -> ReportForm:
    return ReportForm(request.GET, today=local_date(timezone.now(), request.profile.zone))


def _build(request: SignedInRequest, form: ReportForm, sections: list[str] | None = None):
    return chosen_report(request.user, request.profile, form, sections)


def report_query(form: ReportForm) -> str:
    """The chosen report as URL parameters: dates, paper and sections."""
    first_day, last_day = form.window(lambda: None)
    return urlencode(
        {
            "start": first_day,
            "end": last_day,
            "paper": form.cleaned_data["paper"],
            "sections": ["", *form.cleaned_data["sections"]],
        },
        doseq=True,
    )


@never_cache
@require_safe
def report_page(request: SignedInRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {"form": form, "report": None}
    if form.is_valid():
        query = report_query(form)
        context |= {
            "report": _build(request, form),
            "share_form": ShareForm(QueryDict(), today=form.today),
            "pdf_url": f"{reverse('diary:report_pdf')}?{query}",
            "chart_route": "diary:report_chart",
            "query": query,
        }
    return render(request, "diary/report/report.html", context)


def pdf_response(built: report.Report) -> HttpResponse:
    response = HttpResponse(report.build_pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename(built)}"'
    return response


@never_cache
@require_safe
def report_pdf(request: SignedInRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(form.error_text(), status=400, content_type="text/plain")
    return pdf_response(_build(request, form))


def chart_response(built: report.Report, name: str) -> HttpResponse:
    if name not in built.chart_documents:
        raise Http404("No such chart in this report.")
    return HttpResponse(report.render_chart(built, name), content_type="image/svg+xml")


# As the insights charts: an SVG shown through <img> runs no script and loads nothing.
@csp_replace({"default-src": [NONE], "script-src": [NONE], "style-src": [UNSAFE_INLINE]})  # type: ignore[arg-type]  # django-csp types a view as taking the request alone
@never_cache
@require_safe
def report_chart(request: SignedInRequest, name: str) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        raise Http404("No such report.")
    # The charts need none of the other sections' rows.
    return chart_response(_build(request, form, sections=["charts"]), name)
