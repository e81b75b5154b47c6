from datetime import date, timedelta
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from diary.analysis.nights import morning_has_come
from diary.days import local_date
from diary.insights import diary_first_day, recent_red_flags
from diary.models import CheckIn, Episode, Profile
from diary.pagecache import cached_part
from diary.signedin import SignedInRequest

RECENT_EPISODES_ON_HOME = 5


def new_red_flag_codes(codes: list[str], seen: list[str]) -> list[str]:
    """The flags not shown before: each is marked new on one visit only."""
    return [code for code in codes if code not in seen]


def _remember_shown_flags(profile: Profile, codes: list[str]) -> None:
    # update(), not save(): what the page has shown is not diary data, and must not change the
    # insights' data version. No query when the profile read for this request already holds
    # them (every visit but the first after a change); else one, writing only if they changed.
    if profile.seen_red_flags == codes:
        return
    Profile.objects.filter(pk=profile.pk).exclude(seen_red_flags=codes).update(seen_red_flags=codes)


def _home_part(request: SignedInRequest, today: date) -> dict[str, Any]:
    """What home shows of the diary: last night, the missing check-ins, the red flags and the
    recent episodes (rendered)."""
    yesterday = today - timedelta(days=1)
    checkins = CheckIn.objects.for_user(request.user)
    recorded = set(checkins.day_answered().between(yesterday, today).values_list("date", flat=True))
    night = (
        checkins.filter(date=today, sleep_disturbance__isnull=False)
        .values_list("sleep_disturbance", flat=True)
        .first()
    )
    night_cramps = (
        Episode.objects.for_user(request.user)
        .on_local_days(today, today)
        .filter(time_estimated=True)
        .count()
        if night is not None
        else None
    )
    # Before the diary began (the day of sign-up, unless backfilled) nothing was missed. It
    # begins on the day of sign-up or earlier: only someone who signed up today needs the query.
    joined = local_date(request.user.date_joined, request.profile.zone)
    first_day = (
        joined if joined <= yesterday else diary_first_day(request.user, request.profile.zone)
    )
    recent = Episode.objects.for_user(request.user)[:RECENT_EPISODES_ON_HOME]
    return {
        "night_disturbance": night,
        "night_cramps": night_cramps,
        "missing_checkins": [
            day for day in (today, yesterday) if day >= first_day and day not in recorded
        ],
        "red_flags": recent_red_flags(request.user, request.profile),
        "recent_episodes": render_to_string(
            "diary/episodes/_rows.html", {"episodes": recent, "empty": "Nothing logged yet."}
        ),
    }


@require_safe
def home(request: SignedInRequest) -> HttpResponse:
    today = timezone.localdate()
    part = cached_part(request, "home", lambda: _home_part(request, today))
    codes = [flag["code"] for flag in part["red_flags"]]
    _remember_shown_flags(request.profile, codes)
    return render(
        request,
        "diary/home.html",
        {
            **part,
            "today": today,
            "morning": morning_has_come(timezone.now(), request.profile.zone),
            "new_red_flags": len(new_red_flag_codes(codes, request.profile.seen_red_flags)),
        },
    )
