import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diary.analysis.redflags import SEVERE_INTENSITY
from diary.dataversion import diary_changed
from diary.models import Episode, Profile
from tests.factories import make_episode, make_user, new_episode
from tests.helpers import page_queries
from tests.security_routes import own_form_fields

pytestmark = pytest.mark.django_db

VALID = {
    "started_at": "2026-01-10T03:15",
    "duration_seconds": "1:30",
    "muscle": "calf",
    "side": "left",
    "intensity": "7",
    "kind": "cramp",
    "activity": "asleep",
    "hydration": "normal",
    "relief": ["stretching", "massage"],
    "relief_effect": "a_lot",
    "symptoms": [],
    "notes": "Woke me up.",
}


def test_the_quick_log_creates_an_episode_in_one_post(auth_client, user):
    before = timezone.now()
    response = auth_client.post(
        reverse("diary:quick_log"), {"muscle": "foot", "side": "right", "intensity": "6"}
    )
    episode = Episode.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("diary:episode_detail", args=[episode.pk])
    assert (episode.muscle, episode.side, episode.intensity) == ("foot", "right", 6)
    assert before <= episode.started_at <= timezone.now()
    assert episode.kind == "cramp"


def test_the_saved_page_offers_to_add_details(auth_client, user):
    response = auth_client.post(
        reverse("diary:quick_log"),
        {"muscle": "calf", "side": "left", "intensity": "5"},
        follow=True,
    )
    episode = Episode.objects.get(user=user)
    assert b"Add details" in response.content
    assert reverse("diary:episode_edit", args=[episode.pk]).encode() in response.content


def test_the_quick_log_needs_nothing_but_one_tap_to_save(auth_client, user):
    form = auth_client.get(reverse("diary:quick_log")).context["form"]
    response = auth_client.post(reverse("diary:quick_log"), form.initial)
    assert response.status_code == 302
    assert Episode.objects.for_user(user).count() == 1


def test_the_quick_log_puts_recent_muscles_first_and_preselects_them(auth_client, user):
    make_episode(user, muscle="neck", side="right", started_at=timezone.now() - timedelta(days=2))
    make_episode(user, muscle="foot", side="both", started_at=timezone.now() - timedelta(days=1))
    form = auth_client.get(reverse("diary:quick_log")).context["form"]
    slugs = [slug for slug, _ in form.fields["muscle"].choices]
    assert slugs[:3] == ["foot", "neck", "calf"]
    assert len(slugs) == 17
    assert form.initial["muscle"] == "foot"
    assert form.initial["side"] == "both"
    assert form.initial["intensity"] == 5


def test_a_quick_log_save_does_not_read_the_recent_episodes(auth_client, user):
    make_episode(user, muscle="neck", started_at=timezone.now() - timedelta(days=1))
    with CaptureQueriesContext(connection) as queries:
        response = auth_client.post(
            reverse("diary:quick_log"), {"muscle": "calf", "side": "left", "intensity": "4"}
        )
    assert response.status_code == 302
    assert Episode.objects.for_user(user).count() == 2
    assert not [q["sql"] for q in queries.captured_queries if 'AS "muscle"' in q["sql"]]


def test_a_refused_quick_log_is_shown_again_with_the_recent_muscles_first(auth_client, user):
    make_episode(user, muscle="neck", started_at=timezone.now() - timedelta(days=1))
    response = auth_client.post(
        reverse("diary:quick_log"), {"muscle": "calf", "side": "left", "intensity": "11"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert [slug for slug, _ in form.fields["muscle"].choices][:2] == ["neck", "calf"]
    assert "---------" not in response.text


def test_the_full_episode_form_starts_from_the_last_muscle_and_side(auth_client, user):
    make_episode(user, muscle="neck", side="right", started_at=timezone.now() - timedelta(days=2))
    make_episode(user, muscle="foot", side="both", started_at=timezone.now() - timedelta(days=1))
    response = auth_client.get(reverse("diary:episode_new"))
    form = response.context["form"]
    assert [slug for slug, _ in form.fields["muscle"].choices][:3] == ["foot", "neck", "calf"]
    assert (form.initial["muscle"], form.initial["side"]) == ("foot", "both")
    assert own_form_fields(reverse("diary:episode_new"), response.text)["side"].initial == ["both"]


def test_the_full_episode_form_never_offers_a_blank_side(auth_client, user):
    page = auth_client.get(reverse("diary:episode_new")).text
    assert "---------" not in page
    assert own_form_fields(reverse("diary:episode_new"), page)["side"].initial == ["left"]


def test_the_quick_log_rejects_intensity_11_and_saves_nothing(auth_client, user):
    response = auth_client.post(
        reverse("diary:quick_log"), {"muscle": "calf", "side": "left", "intensity": "11"}
    )
    assert response.status_code == 200
    assert "less than or equal to 10" in response.context["form"].errors["intensity"][0]
    assert not Episode.objects.exists()


def test_the_full_form_saves_every_field(auth_client, user):
    response = auth_client.post(reverse("diary:episode_new"), VALID)
    episode = Episode.objects.get(user=user)
    assert response.status_code == 302
    assert episode.started_at == datetime(2026, 1, 10, 2, 15, tzinfo=UTC)  # Berlin is UTC+1
    assert episode.duration_seconds == 90
    assert episode.relief == ["stretching", "massage"]
    assert episode.relief_effect == "a_lot"
    assert episode.symptoms == []
    assert episode.activity == "asleep"


def test_blank_optional_answers_are_stored_as_not_recorded(auth_client, user):
    data = VALID | {"duration_seconds": "", "activity": "", "hydration": "", "relief_effect": ""}
    auth_client.post(reverse("diary:episode_new"), data)
    episode = Episode.objects.get(user=user)
    assert episode.duration_seconds is None
    assert (episode.activity, episode.hydration, episode.relief_effect) == ("", "", "")


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("intensity", "11", "less than or equal to 10"),
        ("intensity", "-1", "greater than or equal to 0"),
        ("duration_seconds", "a while", "Couldn't read"),
        ("duration_seconds", "25 h", "at most 24 hours"),
        ("started_at", "2099-01-01T10:00", "in the future"),
        ("started_at", "yesterday-ish", "Enter a valid date/time"),
        ("muscle", "elbow", "Select a valid choice"),
        ("relief", ["prayer"], "Select a valid choice"),
        ("notes", "x" * 10_001, "at most 10000 characters"),
    ],
)
def test_the_full_form_rejects_what_cannot_be_true(auth_client, field, value, message):
    response = auth_client.post(reverse("diary:episode_new"), VALID | {field: value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Episode.objects.exists()


def test_an_episode_can_be_edited_and_deleted(auth_client, user):
    episode = make_episode(user)
    edit = reverse("diary:episode_edit", args=[episode.pk])
    assert auth_client.get(edit).status_code == 200
    auth_client.post(edit, VALID | {"intensity": "3", "notes": "Better"})
    episode.refresh_from_db()
    assert (episode.intensity, episode.notes) == (3, "Better")

    delete = reverse("diary:episode_delete", args=[episode.pk])
    confirm = auth_client.get(delete).content.decode()
    detail = reverse("diary:episode_detail", args=[episode.pk])
    assert f'<a class="btn btn-outline-secondary" href="{detail}">Keep it</a>' in confirm
    assert Episode.objects.filter(pk=episode.pk).exists()
    response = auth_client.post(delete)
    assert response["Location"] == reverse("diary:episode_list")
    assert not Episode.objects.filter(pk=episode.pk).exists()


@pytest.mark.parametrize("name", ["episode_detail", "episode_edit", "episode_delete"])
def test_another_persons_episode_is_a_404(auth_client, other_user, name):
    theirs = make_episode(other_user, notes="private")
    url = reverse(f"diary:{name}", args=[theirs.pk])
    assert auth_client.get(url).status_code == 404
    # The episode page takes no POST at all, so it refuses one before looking at the id.
    assert auth_client.post(url, VALID).status_code == (405 if name == "episode_detail" else 404)
    theirs.refresh_from_db()
    assert theirs.notes == "private"


@pytest.mark.parametrize(
    "url",
    [
        reverse("diary:home"),
        reverse("diary:episode_list"),
        reverse("diary:quick_log"),
        reverse("diary:episode_new"),
    ],
)
def test_pages_send_anonymous_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_shows_only_my_episodes_newest_first(auth_client, user, other_user):
    make_episode(user, muscle="calf", started_at=timezone.now() - timedelta(days=2))
    make_episode(user, muscle="neck", started_at=timezone.now() - timedelta(days=1))
    make_episode(other_user, muscle="foot")
    page = auth_client.get(reverse("diary:episode_list")).context["page"]
    assert [episode.muscle for episode in page] == ["neck", "calf"]


def test_the_list_filters_by_local_date_range_and_muscle(auth_client, user):
    berlin = ZoneInfo("Europe/Berlin")
    # 00:30 on 5 March in Berlin is still 4 March in UTC: the filter uses the local day.
    make_episode(user, muscle="calf", started_at=datetime(2026, 3, 5, 0, 30, tzinfo=berlin))
    make_episode(user, muscle="neck", started_at=datetime(2026, 3, 5, 12, 0, tzinfo=berlin))
    make_episode(user, muscle="calf", started_at=datetime(2026, 3, 6, 0, 30, tzinfo=berlin))
    response = auth_client.get(
        reverse("diary:episode_list"), {"start": "2026-03-05", "end": "2026-03-05"}
    )
    assert {episode.muscle for episode in response.context["page"]} == {"calf", "neck"}
    assert len(response.context["page"]) == 2
    response = auth_client.get(
        reverse("diary:episode_list"),
        {"start": "2026-03-05", "end": "2026-03-06", "muscle": "calf"},
    )
    assert len(response.context["page"]) == 2


def test_the_local_date_filter_leaves_an_end_open_when_it_is_none(user):
    berlin = ZoneInfo("Europe/Berlin")
    early = make_episode(user, started_at=datetime(2026, 3, 4, 23, 30, tzinfo=berlin))
    late = make_episode(user, started_at=datetime(2026, 3, 5, 0, 30, tzinfo=berlin))
    episodes = Episode.objects.for_user(user)
    assert list(episodes.on_local_days(date(2026, 3, 5), None)) == [late]
    assert list(episodes.on_local_days(None, date(2026, 3, 4))) == [early]
    assert list(episodes.on_local_days(None, None)) == [late, early]


def test_the_list_marks_an_episode_red_from_the_red_flags_severe_intensity_on(auth_client, user):
    for days_ago, intensity in enumerate([SEVERE_INTENSITY, SEVERE_INTENSITY - 1, 4], start=1):
        make_episode(
            user, intensity=intensity, started_at=timezone.now() - timedelta(days=days_ago)
        )
    text = auth_client.get(reverse("diary:episode_list")).text
    badges = re.findall(r'rounded-pill (text-bg-\w+)" title="Intensity">(\d+)/10', text)
    assert badges == [
        ("text-bg-danger", str(SEVERE_INTENSITY)),
        ("text-bg-warning", str(SEVERE_INTENSITY - 1)),
        ("text-bg-secondary", "4"),
    ]


def test_the_list_explains_a_reversed_date_range(auth_client):
    response = auth_client.get(
        reverse("diary:episode_list"), {"start": "2026-03-06", "end": "2026-03-05"}
    )
    assert response.status_code == 200
    assert "before the start date" in response.context["filters"].errors["end"][0]


def test_the_list_is_paginated_and_keeps_filters_across_pages(auth_client, user):
    for hours in range(30):
        make_episode(user, started_at=timezone.now() - timedelta(hours=hours + 1))
    response = auth_client.get(reverse("diary:episode_list"), {"muscle": "calf", "page": "2"})
    assert len(response.context["page"]) == 5
    assert b"muscle=calf&amp;page=1" in response.content


def queries_for(client, url: str, user) -> int:
    # A visit before, then a change: uncached, and the home page has already recorded the red
    # flags it shows (recording them is one query on the visit that first shows them).
    assert client.get(url).status_code == 200
    diary_changed(user)
    return page_queries(client, url)


@pytest.mark.parametrize("name", ["diary:episode_list", "diary:home", "diary:quick_log"])
def test_pages_need_the_same_queries_for_a_small_and_a_big_diary(auth_client, user, name):
    make_episode(user, started_at=timezone.now() - timedelta(hours=1))
    small = queries_for(auth_client, reverse(name), user)
    Episode.objects.bulk_create(
        new_episode(
            user, muscle=muscle, intensity=9, started_at=timezone.now() - timedelta(hours=hour)
        )
        for hour, muscle in zip(range(2, 402), ["calf", "neck", "foot", "arm"] * 100, strict=True)
    )
    diary_changed(user)  # as the app's write paths do: nothing cached for the small diary counts
    assert queries_for(auth_client, reverse(name), user) == small


def test_notes_are_shown_escaped(auth_client, user):
    episode = make_episode(user, notes='<script>alert(1)</script>"><img src=x onerror=alert(1)>')
    content = auth_client.get(reverse("diary:episode_detail", args=[episode.pk])).content
    assert b"<script>alert(1)" not in content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert b"<img src=x" not in content


def test_an_episode_at_2330_in_auckland_lands_on_that_local_date(client, db):
    person = make_user("kiri", "Pacific/Auckland")
    client.force_login(person)
    client.post(reverse("diary:episode_new"), VALID | {"started_at": "2026-06-15T23:30"})
    episode = Episode.objects.get(user=person)
    # NZST is UTC+12: the UTC date is the day before.
    assert episode.started_at == datetime(2026, 6, 15, 11, 30, tzinfo=UTC)
    response = client.get(
        reverse("diary:episode_list"), {"start": "2026-06-15", "end": "2026-06-15"}
    )
    assert list(response.context["page"]) == [episode]
    assert b"15 Jun 2026, 23:30" in response.content


def test_a_time_in_the_spring_forward_gap_is_refused_with_a_reason(auth_client, user):
    # Berlin's clocks jumped from 02:00 to 03:00 on 29 March 2026: 02:30 never happened.
    response = auth_client.post(
        reverse("diary:episode_new"), VALID | {"started_at": "2026-03-29T02:30"}
    )
    assert "did not happen" in response.context["form"].errors["started_at"][0]
    assert not Episode.objects.exists()


def test_a_repeated_autumn_time_is_stored_as_its_first_occurrence_and_shown_back(auth_client, user):
    # Berlin's 02:00-03:00 ran twice on 25 October 2026, first at UTC+2.
    auth_client.post(reverse("diary:episode_new"), VALID | {"started_at": "2026-10-25T02:30"})
    episode = Episode.objects.get(user=user)
    assert episode.started_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    content = auth_client.get(reverse("diary:episode_detail", args=[episode.pk])).content
    assert b"25 October 2026, 02:30" in content
    assert b"CEST" in content


def test_a_time_after_the_spring_change_is_stored_and_shown_correctly(client, db):
    person = make_user("nyc", "America/New_York")
    client.force_login(person)
    client.post(reverse("diary:episode_new"), VALID | {"started_at": "2026-03-08T03:30"})
    episode = Episode.objects.get(user=person)
    assert episode.started_at == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # EDT, UTC-4
    edit = client.get(reverse("diary:episode_edit", args=[episode.pk]))
    assert b'value="2026-03-08T03:30"' in edit.content


def test_the_profile_zone_defaults_to_the_time_zone_setting(client, db, settings):
    settings.TIME_ZONE = "Europe/Lisbon"
    person = make_user("late")
    Profile.objects.filter(user=person).delete()
    client.force_login(person)
    client.get(reverse("diary:home"))
    assert Profile.objects.get(user=person).time_zone == "Europe/Lisbon"


@pytest.mark.parametrize(
    "started_at",
    [
        datetime(2026, 1, 10, 2, 15, 42, 123456, tzinfo=UTC),
        # The second 02:30 of Berlin's autumn change (CET), which reads like the first (CEST).
        datetime(2025, 10, 26, 1, 30, 5, tzinfo=UTC),
    ],
)
def test_saving_the_edit_form_unchanged_keeps_the_exact_start(auth_client, user, started_at):
    episode = make_episode(user, started_at=started_at)
    edit = reverse("diary:episode_edit", args=[episode.pk])
    page = auth_client.get(edit)
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    # The value the person's browser received, rendered in their zone.
    data["started_at"] = re.search(r'name="started_at" value="([^"]+)"', page.content.decode())[1]
    data["duration_seconds"] = ""
    data["notes"] = "Only a note added"
    response = auth_client.post(edit, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.notes == "Only a note added"
    assert episode.started_at == started_at


def test_changing_the_minute_in_the_edit_form_moves_the_start(auth_client, user):
    episode = make_episode(user, started_at=datetime(2026, 1, 10, 2, 15, 42, tzinfo=UTC))
    auth_client.post(
        reverse("diary:episode_edit", args=[episode.pk]),
        VALID | {"started_at": "2026-01-10T03:20"},
    )
    episode.refresh_from_db()
    assert episode.started_at == datetime(2026, 1, 10, 2, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    "value, message",
    [
        ("0001-01-01T00:10", "from 1900 on"),
        ("1899-12-31T23:00", "from 1900 on"),
        ("9999-12-31T23:59", "in the future"),
        ("2026-13-45T10:00", "Enter a valid date/time"),
    ],
)
def test_times_at_the_edges_of_the_calendar_are_refused_not_a_500(client, db, value, message):
    person = make_user("west", "America/New_York")
    client.force_login(person)
    response = client.post(reverse("diary:episode_new"), VALID | {"started_at": value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["started_at"])
    assert not Episode.objects.exists()


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"start": "0001-01-01"}, "start", "from 1900 on"),
        ({"end": "1899-12-31"}, "end", "from 1900 on"),
        # The day after this start is past the calendar's end.
        ({"start": "9999-12-31"}, "start", "can't be in the future"),
    ],
)
def test_the_list_refuses_filter_dates_before_1900(auth_client, query, field, message):
    response = auth_client.get(reverse("diary:episode_list"), query)
    assert response.status_code == 200
    assert message in response.context["filters"].errors[field][0]


def test_the_list_reads_an_end_after_today_as_today(auth_client, user):
    make_episode(user)
    response = auth_client.get(reverse("diary:episode_list"), {"end": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["filters"].cleaned_data["end"] == timezone.localdate()
    assert len(response.context["page"]) == 1


@pytest.mark.parametrize(
    ("method", "url_name", "field"),
    [
        ("post", "diary:quick_log", "muscle"),
        ("post", "diary:episode_new", "relief"),
        ("get", "diary:episode_list", "muscle"),
    ],
)
def test_a_refused_choice_is_not_echoed_back(auth_client, user, method, url_name, field):
    huge = "Z" * 40_000
    data = VALID | {field: huge}
    response = getattr(auth_client, method)(reverse(url_name), data)
    assert response.status_code == 200
    assert "Z" * 100 not in response.content.decode()
    assert not Episode.objects.for_user(user).exists()
