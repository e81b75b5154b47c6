from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from diary.insights import recent_red_flags
from diary.models import CheckIn, Episode
from diary.nights import morning_has_come
from diary.views.nights import night_answered

RECENT_EPISODES_ON_HOME = 5


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    recorded = set(
        CheckIn.objects.for_user(request.user)
        .day_answered()
        .between(yesterday, today)
        .values_list("date", flat=True)
    )
    missing_checkins = [day for day in (today, yesterday) if day not in recorded]
    return render(
        request,
        "diary/home.html",
        {
            "today": today,
            "night_answered": night_answered(request.user, today),
            "morning": morning_has_come(timezone.now(), request.profile.zone),
            "missing_checkins": missing_checkins,
            "recent_episodes": Episode.objects.for_user(request.user)[:RECENT_EPISODES_ON_HOME],
            "red_flags": recent_red_flags(request.user, request.profile),
        },
    )
