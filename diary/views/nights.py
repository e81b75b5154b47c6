from datetime import date

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from diary.analysis.nights import NightAnswer, morning_has_come, night_episodes
from diary.dataversion import changes_diary
from diary.forms.nights import LastNightForm
from diary.http import form_page, posted_data
from diary.models import CheckIn, Episode
from diary.signedin import SignedInRequest, User
from diary.views.episodes import recent_muscles_and_side


def night_answered(user: User, morning: date) -> bool:
    """Whether the night that ended on `morning` has its answer (the check-in's disturbance)."""
    return (
        CheckIn.objects.for_user(user)
        .filter(date=morning, sleep_disturbance__isnull=False)
        .exists()
    )


def _save_night(user: User, morning: date, answer: NightAnswer) -> bool:
    """Save the night's answer once: False when it was already saved (another tab, a double
    tap), in which case nothing changes."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                checkin, _ = CheckIn.objects.get_or_create(user=user, date=morning)
        except IntegrityError:  # created meanwhile by another request
            checkin = CheckIn.objects.get(user=user, date=morning)
        # One conditional update decides which of two simultaneous requests saves the night.
        claimed = (
            CheckIn.objects.filter(pk=checkin.pk, sleep_disturbance__isnull=True).update(
                sleep_disturbance=answer.sleep_disturbance, updated_at=timezone.now()
            )
            == 1
        )
        if claimed:
            Episode.objects.bulk_create(
                Episode(user=user, **fields)
                for fields in night_episodes(answer, morning, timezone.get_current_timezone())
            )
        return claimed


@form_page
@changes_diary
def last_night(request: SignedInRequest) -> HttpResponse:
    morning = timezone.localdate()
    if not morning_has_come(timezone.now(), timezone.get_current_timezone()):
        return render(
            request, "diary/nights/unavailable.html", {"night_over": False, "today": morning}
        )
    if night_answered(request.user, morning):
        return render(
            request, "diary/nights/unavailable.html", {"night_over": True, "today": morning}
        )
    muscles, side = recent_muscles_and_side(request.user)
    form = LastNightForm(
        posted_data(request), recent_muscles=muscles, recent_side=side, user=request.user
    )
    if form.is_valid():
        answer = form.answer()
        if not _save_night(request.user, morning, answer):
            messages.info(request, "Last night was already recorded.")
        elif answer.episodes:
            messages.success(
                request,
                f"Saved {answer.episodes} night cramp{'s' if answer.episodes > 1 else ''}, "
                "with the time marked as estimated.",
            )
        else:
            messages.success(request, "Saved: no cramps last night.")
        return redirect("diary:home")
    return render(request, "diary/nights/last_night.html", {"form": form})
