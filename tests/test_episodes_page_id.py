"""One tap, one episode: the id a page sends with a new episode makes a repeat harmless, and the
offline queue's time of the tap is accepted within QUEUED_LOG_MAX_AGE, never in the future."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from diary.forms.episodes import QUEUED_LOG_MAX_AGE, QuickLogForm
from diary.models import Episode
from diary.views.episodes import _save_once
from tests.factories import make_episode

QUICK = {"muscle": "calf", "side": "left", "intensity": "5"}
JSON = {"HTTP_ACCEPT": "application/json"}


def page_id(response) -> str:
    return re.search(rb'name="client_id" value="([0-9a-f-]{36})"', response.content)[1].decode()


def test_the_quick_log_page_carries_a_new_id_each_time(auth_client):
    first = page_id(auth_client.get(reverse("diary:quick_log")))
    second = page_id(auth_client.get(reverse("diary:quick_log")))
    assert uuid.UUID(first) != uuid.UUID(second)


def test_a_double_tap_on_the_quick_log_saves_one_episode_and_answers_alike(auth_client, user):
    sent = QUICK | {"client_id": page_id(auth_client.get(reverse("diary:quick_log")))}
    first = auth_client.post(reverse("diary:quick_log"), sent)
    second = auth_client.post(reverse("diary:quick_log"), sent, follow=True)
    episode = Episode.objects.for_user(user).get()
    assert first.status_code == 302
    assert first["Location"] == reverse("diary:episode_detail", args=[episode.pk])
    assert second.redirect_chain == [(first["Location"], 302)]
    local = timezone.localtime(episode.started_at, episode.user.profile.zone)
    assert f"Logged at {local:%H:%M}." in second.content.decode()
    assert str(episode.client_id) == sent["client_id"]


def test_a_repeat_answers_with_the_first_episode_even_if_its_fields_differ(auth_client, user):
    client_id = str(uuid.uuid4())
    auth_client.post(reverse("diary:quick_log"), QUICK | {"client_id": client_id})
    auth_client.post(
        reverse("diary:quick_log"),
        {"muscle": "foot", "side": "right", "intensity": "9"} | {"client_id": client_id},
    )
    assert list(Episode.objects.for_user(user).values_list("muscle", "intensity")) == [("calf", 5)]


def test_a_bare_quick_log_post_without_an_id_still_saves_each_time(auth_client, user):
    auth_client.post(reverse("diary:quick_log"), QUICK)
    auth_client.post(reverse("diary:quick_log"), QUICK)
    assert Episode.objects.for_user(user).filter(client_id=None).count() == 2


def test_the_same_id_from_two_people_saves_an_episode_for_each(client, user, other_user):
    client_id = str(uuid.uuid4())
    for person in (user, other_user):
        client.force_login(person)
        client.post(reverse("diary:quick_log"), QUICK | {"client_id": client_id})
    assert Episode.objects.filter(client_id=client_id).count() == 2
    assert Episode.objects.for_user(other_user).get().client_id == uuid.UUID(client_id)


def test_an_id_that_is_not_a_uuid_is_refused_and_nothing_saved(auth_client):
    response = auth_client.post(reverse("diary:quick_log"), QUICK | {"client_id": "1; drop"})
    assert response.status_code == 200
    assert response.context["form"].errors["client_id"] == ["Enter a valid UUID."]
    assert not Episode.objects.exists()


def test_a_double_submit_of_the_full_form_saves_one_episode(auth_client, user):
    page = auth_client.get(reverse("diary:episode_new"))
    sent = QUICK | {"client_id": page_id(page), "started_at": "2026-01-10T03:15", "kind": "cramp"}
    first = auth_client.post(reverse("diary:episode_new"), sent)
    second = auth_client.post(reverse("diary:episode_new"), sent)
    episode = Episode.objects.for_user(user).get()
    assert first["Location"] == second["Location"] == episode.get_absolute_url()
    assert episode.started_at == datetime(2026, 1, 10, 2, 15, tzinfo=UTC)


def test_editing_an_episode_neither_shows_nor_changes_its_id(auth_client, user):
    client_id = uuid.uuid4()
    episode = make_episode(user, client_id=client_id)
    page = auth_client.get(reverse("diary:episode_edit", args=[episode.pk]))
    assert b'name="client_id"' not in page.content
    sent = QUICK | {
        "started_at": "2026-01-10T03:15",
        "kind": "cramp",
        "client_id": str(uuid.uuid4()),
    }
    auth_client.post(reverse("diary:episode_edit", args=[episode.pk]), sent)
    episode.refresh_from_db()
    assert (episode.client_id, episode.started_at.year) == (client_id, 2026)


def test_a_queued_quick_log_is_saved_at_the_moment_it_was_tapped(auth_client, user):
    tapped = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    sent = QUICK | {"client_id": str(uuid.uuid4()), "tapped_at": tapped.isoformat()}
    response = auth_client.post(reverse("diary:quick_log"), sent, **JSON)
    episode = Episode.objects.for_user(user).get()
    assert response.status_code == 200
    assert response.json() == {"episode": episode.pk, "url": episode.get_absolute_url()}
    assert episode.started_at == tapped


def test_the_queue_sending_twice_gets_the_same_answer_and_one_episode(auth_client, user):
    sent = QUICK | {"client_id": str(uuid.uuid4()), "tapped_at": "2026-12-01T22:10:00Z"}
    answers = [auth_client.post(reverse("diary:quick_log"), sent, **JSON).json() for _ in "ab"]
    assert answers[0] == answers[1]
    assert Episode.objects.for_user(user).count() == 1


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (timedelta(minutes=5), "This is in the future."),
        (-QUEUED_LOG_MAX_AGE - timedelta(minutes=1), "more than 30 days ago"),
    ],
)
def test_a_tap_time_in_the_future_or_too_far_back_is_refused(auth_client, offset, message):
    sent = QUICK | {"tapped_at": (timezone.now() + offset).isoformat()}
    response = auth_client.post(reverse("diary:quick_log"), sent, **JSON)
    assert response.status_code == 400
    assert message in response.json()["errors"]["tapped_at"][0]
    assert not Episode.objects.exists()


def test_a_tap_time_just_inside_the_limit_is_accepted(auth_client, user):
    tapped = timezone.now() - QUEUED_LOG_MAX_AGE + timedelta(minutes=1)
    sent = QUICK | {"tapped_at": tapped.isoformat()}
    assert auth_client.post(reverse("diary:quick_log"), sent).status_code == 302
    assert Episode.objects.for_user(user).get().started_at == tapped


def test_a_race_lost_to_a_twin_post_answers_with_the_twins_episode(user):
    # The twin saved between this request's look-up and its insert: the constraint decides.
    client_id = uuid.uuid4()
    twin = make_episode(user, client_id=client_id)
    form = QuickLogForm(QUICK | {"client_id": str(client_id)})
    assert form.is_valid()
    assert _save_once(SimpleNamespace(user=user), form) == twin
    assert Episode.objects.for_user(user).count() == 1


def test_a_repeat_the_form_now_refuses_still_answers_with_the_first_episode(
    auth_client, user, monkeypatch
):
    # The diary filled up after the first send: the repeat's form is refused, but the
    # episode it repeats was saved, and the phone's queue must hear so.
    sent = QUICK | {"client_id": str(uuid.uuid4())}
    first = auth_client.post(reverse("diary:quick_log"), sent, **JSON)
    monkeypatch.setattr(QuickLogForm, "clean", lambda form: form.add_error(None, "Full."))
    again = auth_client.post(reverse("diary:quick_log"), sent, **JSON)
    assert again.status_code == 200 and again.json() == first.json()
    assert Episode.objects.for_user(user).count() == 1
