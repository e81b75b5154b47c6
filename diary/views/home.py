from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from diary.insights import diary_first_day, recent_red_flags
from diary.models import CheckIn, Episode

RECENT_EPISODES_ON_HOME = 5


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    recorded = set(
        CheckIn.objects.for_user(request.user)
        .between(yesterday, today)
        .values_list("date", flat=True)
    )
    # Before the diary began (the day of sign-up, unless backfilled) nothing was missed.
    first_day = diary_first_day(request.user, request.profile.zone)
    missing_checkins = [
        day for day in (today, yesterday) if day >= first_day and day not in recorded
    ]
    return render(
        request,
        "diary/home.html",
        {
            "today": today,
            "missing_checkins": missing_checkins,
            "recent_episodes": Episode.objects.for_user(request.user)[:RECENT_EPISODES_ON_HOME],
            "red_flags": recent_red_flags(request.user, request.profile),
        },
    )
