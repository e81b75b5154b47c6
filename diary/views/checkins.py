from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from diary.dataversion import changes_diary
from diary.forms.checkins import CheckInForm, CheckInQuestionsForm
from diary.http import form_page, posted_data
from diary.insights import diary_first_day
from diary.limits import MAX_CUSTOM_FACTORS
from diary.models import CheckIn, CustomFactor, Episode
from diary.months import check_in_month, last_day_of_month, next_month, parse_month, previous_month
from diary.pagecache import cached_html, cached_part
from diary.signedin import SignedInRequest, User
from diary.vocabularies import CheckInQuestion


def _month_url(day: date) -> str:
    # isoformat, not strftime: "%Y" drops the leading zeros of years before 1000.
    return f"{reverse('diary:checkin_list')}?month={day.isoformat()[:7]}"


def _checkins_for_day(user: User, day: date) -> tuple[CheckIn, CheckIn | None]:
    """The owner's check-in for `day` (or a new unsaved one) and the day before's, in one query."""
    before = day - timedelta(days=1)
    found = {c.date: c for c in CheckIn.objects.for_user(user).filter(date__in=(day, before))}
    for checkin in found.values():
        checkin.user = user  # known already: the form reads it for the medications
    return found.get(day) or CheckIn(user=user, date=day), found.get(before)


def _get_checkin_for_user(request: SignedInRequest, day: date) -> CheckIn:
    return get_object_or_404(CheckIn.objects.for_user(request.user), date=day)


@require_safe
def checkin_list(request: SignedInRequest) -> HttpResponse:
    today = timezone.localdate()
    asked_for = request.GET.get("month")
    try:
        month = parse_month(asked_for) if asked_for else today.replace(day=1)
    except ValueError:
        raise Http404("No such month.") from None
    if month > today:
        raise Http404("That month hasn't started yet.")
    part = cached_html(
        request, "diary/checkins/_month.html", lambda: _month_context(request, month, today)
    )
    return render(request, "diary/checkins/list.html", {"month": month, "part": part})


def _month_context(request: SignedInRequest, month: date, today: date) -> dict[str, Any]:
    answers = dict(
        CheckIn.objects.for_user(request.user)
        .day_answered()
        .between(month, last_day_of_month(month))
        .values_list("date", "episodes_all_logged")
    )
    recorded = set(answers)
    calendar = check_in_month(
        month,
        recorded,
        diary_first_day(request.user, request.profile.zone),
        today,
        confirmed={day for day, all_logged in answers.items() if all_logged},
    )
    following = next_month(month)
    return {
        "calendar": calendar,
        "today": today,
        "today_recorded": today in recorded,
        "previous_month": previous_month(month),
        "next_month": following if following and following <= today else None,
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }


def _checkin_form(
    request: SignedInRequest, day: date, checkin: CheckIn, previous: CheckIn | None, copying: bool
) -> CheckInForm:
    return CheckInForm(
        posted_data(request),
        instance=checkin,
        hidden=request.profile.hidden_checkin_questions,
        copy_from=previous if copying else None,
        episode_count=Episode.objects.for_user(request.user).on_local_days(day, day).count(),
        custom_factors=list(CustomFactor.objects.for_user(request.user).filter(on_checkin=True)),
    )


def _checkin_part(
    form: CheckInForm, checkin: CheckIn, previous: CheckIn | None, copying: bool
) -> dict[str, Any]:
    """The day's page but for its CSRF token: the form's questions rendered, and what the
    page says of the check-in and the day before."""
    return {
        "questions": render_to_string("diary/checkins/_sections.html", {"form": form}),
        "saved": checkin.pk is not None,
        "previous_day": previous and previous.date,
        "copying": copying and previous is not None,
    }


def _blank_checkin_part(request: SignedInRequest, day: date) -> dict[str, Any]:
    checkin, previous = _checkins_for_day(request.user, day)
    copying = request.GET.get("fill") == "yesterday"
    form = _checkin_form(request, day, checkin, previous, copying)
    return _checkin_part(form, checkin, previous, copying)


@form_page
@changes_diary
def checkin_day(request: SignedInRequest, day: date) -> HttpResponse:
    today = timezone.localdate()
    if day > today:
        context: dict[str, Any] = {"day": day, "today": today}
        return render(request, "diary/checkins/future.html", context, status=404)
    if request.method == "POST":
        checkin, previous = _checkins_for_day(request.user, day)
        form = _checkin_form(request, day, checkin, previous, copying=False)
        if form.is_valid():
            return _save_checkin(request, day, form)
        part = _checkin_part(form, checkin, previous, copying=False)
    else:
        # The questions shown are a setting whose page moves the data version on; in the key
        # too, so a change made elsewhere (the admin, a script) shows at once all the same.
        hidden = request.profile.hidden_checkin_questions
        part = cached_part(
            request, "checkin_day", lambda: _blank_checkin_part(request, day), day, hidden
        )
    context = {
        **part,
        "day": day,
        "today": today,
    }
    return render(request, "diary/checkins/form.html", context)


def _save_checkin(request: SignedInRequest, day: date, form: CheckInForm) -> HttpResponse:
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError:
        # Two tabs saved the day's first check-in at once; the other one won.
        messages.error(
            request, "This day's check-in was just saved elsewhere. Check it and save again."
        )
        return redirect("diary:checkin_day", day=day)
    read_as = "".join(f" {reading}." for reading in form.readings)
    messages.success(request, f"Check-in for {day:%A %-d %B %Y} saved.{read_as}")
    if form.cleaned_data.get("episodes_all_logged") is False:
        messages.info(request, "Log the episodes you missed, then confirm them on the check-in.")
        return redirect("diary:episode_new")
    return redirect(_month_url(day))


@form_page
@changes_diary
def checkin_delete(request: SignedInRequest, day: date) -> HttpResponse:
    checkin = _get_checkin_for_user(request, day)
    if request.method == "POST":
        checkin.delete()
        messages.success(request, f"Check-in for {day:%A %-d %B %Y} deleted.")
        return redirect(_month_url(day))
    return render(request, "diary/checkins/delete.html", {"checkin": checkin})


@form_page
@changes_diary
def checkin_questions(request: SignedInRequest) -> HttpResponse:
    profile = request.profile
    hidden = set(profile.hidden_checkin_questions)
    factors = CustomFactor.objects.for_user(request.user)
    form = CheckInQuestionsForm(
        posted_data(request),
        initial={"shown": [q for q in CheckInQuestion.values if q not in hidden]},
        factors=factors,
    )
    if form.is_valid():  # changes_diary: one transaction
        profile.hidden_checkin_questions = form.hidden_questions()
        profile.save(update_fields=["hidden_checkin_questions", "updated_at"])
        form.save_shown_factors()
        messages.success(request, "Your check-in's questions are saved.")
        return redirect("diary:checkin_questions")
    context = {
        "form": form,
        "factors": factors,
        "max_factors": MAX_CUSTOM_FACTORS,
    }
    return render(request, "diary/checkins/questions.html", context)
