import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.forms import ModelForm
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from diary.dataversion import changes_diary
from diary.forms.episodes import EpisodeFilterForm, EpisodeForm, QuickLogForm
from diary.http import form_page, posted_data
from diary.models import Episode
from diary.pagecache import cached_html
from diary.quantities import format_duration
from diary.signedin import SignedInRequest, User

EPISODES_PER_PAGE = 25
RECENT_EPISODES_FOR_DEFAULTS = 30


def _get_episode_for_user(request: SignedInRequest, pk: int) -> Episode:
    """The one place an episode is fetched: another person's id is a 404."""
    return get_object_or_404(Episode.objects.for_user(request.user), pk=pk)


def _episode_sent_before(request: SignedInRequest) -> Episode | None:
    """The episode an earlier POST with this page-made id saved, if any."""
    try:
        client_id = uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        return None
    return Episode.objects.for_user(request.user).filter(client_id=client_id).first()


def _save_once(request: SignedInRequest, form: ModelForm) -> Episode:
    """Save the form's new episode; if a twin POST with its id won the race, that one."""
    episode = form.save(commit=False)
    episode.user = request.user
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError:
        if episode.client_id is None:
            raise
        return Episode.objects.for_user(request.user).get(client_id=episode.client_id)
    return episode


def _saved_episode(request: SignedInRequest, form: ModelForm) -> Episode | None:
    """The posted episode: saved now, or found saved by an earlier POST with its page-made id;
    None when the form refuses it. A valid form looks for no earlier one first: _save_once's
    unique id finds it (a resend, or a double tap, is rare), so a save costs no extra query."""
    if form.is_valid():
        return _save_once(request, form)
    # Refused now, it may have been accepted before (the diary has filled up since).
    return _episode_sent_before(request)


def _wants_json(request: SignedInRequest) -> bool:
    # The phone's offline queue asks for JSON; a form in a page gets the usual redirect.
    return request.accepts("application/json") and not request.accepts("text/html")


def recent_muscles_and_side(user: User) -> tuple[list[str], str]:
    """The muscles of the person's latest episodes, newest first, and the latest side: the
    defaults of the forms that log in a few taps."""
    recent = list(
        Episode.objects.for_user(user).values("muscle", "side")[:RECENT_EPISODES_FOR_DEFAULTS]
    )
    return [row["muscle"] for row in recent], recent[0]["side"] if recent else ""


@form_page
@changes_diary
def quick_log(request: SignedInRequest) -> HttpResponse:
    posted = request.method == "POST"
    # A save reads no defaults: the recent muscles are read only for a page to show.
    muscles, side = ([], "") if posted else recent_muscles_and_side(request.user)
    form = QuickLogForm(
        posted_data(request), recent_muscles=muscles, recent_side=side, user=request.user
    )
    if posted:
        episode = _saved_episode(request, form)
        if episode is None and _wants_json(request):
            return JsonResponse({"errors": form.errors}, status=400)
        if episode is not None:
            # Also for the phone's queue: the next page then says that its entry got through.
            messages.success(request, f"Logged at {timezone.localtime(episode.started_at):%H:%M}.")
            if _wants_json(request):
                return JsonResponse({"episode": episode.pk, "url": episode.get_absolute_url()})
            return redirect(episode)
        form.start_from_recent(*recent_muscles_and_side(request.user))
    return render(request, "diary/episodes/quick_log.html", {"form": form})


def _episode_list_context(request: SignedInRequest) -> dict[str, Any]:
    episodes = Episode.objects.for_user(request.user)
    filters = EpisodeFilterForm(request.GET or None)
    if filters.is_valid():
        episodes = episodes.on_local_days(
            filters.cleaned_data["start"], filters.cleaned_data["end"]
        )
        if muscle := filters.cleaned_data["muscle"]:
            episodes = episodes.filter(muscle=muscle)
    page = Paginator(episodes, EPISODES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "filters": filters, "filter_query": query.urlencode()}


@require_safe
def episode_list(request: SignedInRequest) -> HttpResponse:
    part = cached_html(request, "diary/episodes/_list.html", lambda: _episode_list_context(request))
    return render(request, "diary/episodes/list.html", {"part": part})


@form_page
@changes_diary
def episode_new(request: SignedInRequest) -> HttpResponse:
    muscles, side = recent_muscles_and_side(request.user)
    form = EpisodeForm(
        posted_data(request),
        instance=Episode(user=request.user),
        recent_muscles=muscles,
        recent_side=side,
    )
    if request.method == "POST":
        episode = _saved_episode(request, form)
        if episode is not None:
            messages.success(request, "Episode saved.")
            return redirect(episode)
    return render(request, "diary/episodes/form.html", {"form": form, "episode": None})


@require_safe
def episode_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    episode = _get_episode_for_user(request, pk)
    context = {"episode": episode, "may_end_now": episode.may_end_now(timezone.now())}
    return render(request, "diary/episodes/detail.html", context)


@require_POST
@changes_diary
def episode_over(request: SignedInRequest, pk: int) -> HttpResponse:
    """ "It's over": the duration is the time elapsed since the episode started."""
    episode = _get_episode_for_user(request, pk)
    now = timezone.now()
    if episode.may_end_now(now):
        episode.duration_seconds = int((now - episode.started_at).total_seconds())
        episode.save(update_fields=["duration_seconds", "updated_at"])
        messages.success(request, f"Saved: it lasted {format_duration(episode.duration_seconds)}.")
    elif episode.duration_seconds is not None:
        messages.info(request, "This episode already has a duration: edit it to change it.")
    else:
        messages.info(
            request, "Too long ago to time it from now: edit it to say how long it lasted."
        )
    return redirect(episode)


@form_page
@changes_diary
def episode_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    episode = _get_episode_for_user(request, pk)
    form = EpisodeForm(posted_data(request), instance=episode)
    if form.is_valid():
        form.save()
        messages.success(request, "Episode updated.")
        return redirect("diary:episode_detail", pk=episode.pk)
    return render(request, "diary/episodes/form.html", {"form": form, "episode": episode})


@form_page
@changes_diary
def episode_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    episode = _get_episode_for_user(request, pk)
    if request.method == "POST":
        episode.delete()
        messages.success(request, "Episode deleted.")
        return redirect("diary:episode_list")
    return render(request, "diary/episodes/confirm_delete.html", {"episode": episode})
