import dataclasses
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from diary import insights
from diary.analysis import charts
from diary.analysis.daytable import EpisodeRecord, episodes_per_day
from diary.analysis.doses import AMOUNTS
from diary.analysis.patterns import calendar_start
from diary.dataversion import diary_changed
from diary.days import local_date
from diary.insights import (
    DEFAULT_PRESET,
    build_document,
    cached_document,
    diary_first_day,
    episode_counts_per_day,
    load_diary,
    recent_red_flags,
    window_for_preset,
    window_red_flags,
)
from diary.models import CheckIn, Episode, Profile
from tests.factories import (
    EPISODE,
    make_checkin,
    make_episode,
    make_medication,
    make_user,
    new_checkin,
)
from tests.helpers import page_queries

# The keys of a bin of `dose_response`, as the README documents them.
DOSE_BIN_KEYS = {
    "label",
    "min",
    "max",
    "days",
    "episodes",
    "enough_data",
    "rate_per_day",
    "ci_low",
    "ci_high",
    "dispersion",
}

FACTOR_KEYS = {
    "key",
    "exposure",
    "lag_days",
    "exposed_days",
    "unexposed_days",
    "exposed_episodes",
    "unexposed_episodes",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "significant",
    "enough_data",
}


def today_for(user) -> date:
    return local_date(timezone.now(), Profile.get_or_create_for(user).zone)


def add_episode(user, day: date, hour: int = 3, **fields) -> Episode:
    zone = Profile.get_or_create_for(user).zone
    values = EPISODE | fields
    # A second episode of the same hour, muscle and side starts a second later: no two
    # episodes share a start, muscle and side.
    started_at = datetime.combine(day, time(hour), tzinfo=zone)
    alike = Episode.objects.filter(user=user, muscle=values["muscle"], side=values["side"])
    while alike.filter(started_at=started_at).exists():
        started_at += timedelta(seconds=1)
    return make_episode(user, started_at=started_at, **values)


def seeded_user(username: str, days: int) -> User:
    call_command("seed_demo", "--days", str(days), "--username", username, stdout=io.StringIO())
    return User.objects.get(username=username)


# The document


def test_the_document_counts_a_hand_made_diary(user):
    today = today_for(user)
    furosemide = make_medication(user, name="Furosemide", kind="diuretic")
    for n in range(10):
        day = today - timedelta(days=n)
        checkin = make_checkin(user, day, water_ml=1000 if n % 2 else 2000)
        if n < 3:
            checkin.medications_taken.add(furosemide)
    for n in (1, 3, 3, 5):
        add_episode(user, today - timedelta(days=n))
    add_episode(user, today - timedelta(days=20))  # checked-in days only; and outside 14 days
    profile = Profile.get_or_create_for(user)
    document = build_document(load_diary(user, profile.zone, today - timedelta(days=13), today))
    assert document["window"] == {
        "start": (today - timedelta(days=13)).isoformat(),
        "end": today.isoformat(),
    }
    # Today is not over, so its check-in is not in the day table.
    assert document["days_with_checkin"] == 9
    assert document["episodes"] == 4
    water = next(f for f in document["factors"] if f["key"] == "water_ml" and f["lag_days"] == 0)
    assert (water["exposed_days"], water["exposed_episodes"]) == (5, 4)
    assert (water["unexposed_days"], water["unexposed_episodes"]) == (4, 0)
    assert water["enough_data"] is False
    assert water["rate_ratio"] is None and water["p_value"] is None
    # "Took X" is not a trigger: a medication is judged by its onset comparison instead.
    assert not [f for f in document["factors"] if f["key"].startswith("medication:")]
    # Lag 1 on the oldest check-in day has no previous check-in.
    water_lag1 = next(f for f in document["factors"] if f["key"] == "water_ml" and f["lag_days"])
    assert water_lag1["exposed_days"] + water_lag1["unexposed_days"] == 8


def test_weeks_before_the_first_record_are_left_out(user):
    today = today_for(user)
    add_episode(user, today - timedelta(days=10))
    profile = Profile.get_or_create_for(user)
    document = build_document(load_diary(user, profile.zone, today - timedelta(days=364), today))
    weeks = document["patterns"]["episodes_per_week"]
    assert date.fromisoformat(weeks[0]["week_start"]) > today - timedelta(days=18)
    assert sum(week["days"] for week in weeks) == 11


def test_the_document_has_the_documented_shape(user):
    today = today_for(user)
    add_episode(user, today, intensity=9)
    document = build_document(load_diary(user, Profile.get_or_create_for(user).zone, today, today))
    assert set(document) >= {"window", "days_with_checkin", "episodes", "factors", "red_flags"}
    assert set(document) >= {"patterns", "dose_response", "trend", "medication_onsets"}
    assert [item["key"] for item in document["dose_response"]] == [a.key for a in AMOUNTS]
    for item in document["dose_response"]:
        assert set(item) == {"key", "title", "measure", "days", "bins", "summary"}
        assert set(item["bins"][0]) == DOSE_BIN_KEYS
    assert len(document["factors"]) == 22  # 11 factors at lags 0 and 1, no medications
    for factor in document["factors"]:
        assert set(factor) >= FACTOR_KEYS
        assert factor["lag_days"] in (0, 1)
    assert document["red_flags"][0]["code"] == "severe"
    assert set(document["red_flags"][0]) >= {"code", "message", "evidence"}
    json.dumps(document, allow_nan=False)


# The pages


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for name in ("diary:insights", "diary:insights_json"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    response = client.get(reverse("diary:insights_chart", args=["triggers"]))
    assert response.status_code == 302


def test_the_dashboard_shows_red_flags_first_then_triggers_then_patterns(auth_client, user):
    add_episode(user, today_for(user), intensity=9, symptoms=["numbness"])
    response = auth_client.get(reverse("diary:insights"))
    assert response.status_code == 200
    page = response.content.decode()
    flags, triggers, patterns = (
        page.index("Worth talking to a doctor about"),
        page.index("What goes with your cramps"),
        page.index('id="patterns-heading"'),
    )
    assert flags < triggers < patterns
    assert "1 episode rated 8 or more out of 10." in page
    assert "1 episode with muscle weakness, numbness or tingling." in page
    for name in charts.CHARTS:
        assert reverse("diary:insights_chart", args=[name]) in page
    assert "style=" not in page
    assert "<script>" not in page


def test_a_flag_with_much_evidence_lists_the_latest_and_counts_the_earlier(auth_client, user):
    today = today_for(user)
    severe = [add_episode(user, today - timedelta(days=n), intensity=9) for n in range(13)]
    page = auth_client.get(reverse("diary:insights")).content.decode()
    assert "13 episodes rated 8 or more out of 10." in page
    links = [reverse("diary:episode_detail", args=[e.pk]) for e in severe]
    listed = [link for link in links if f'href="{link}"' in page]
    assert listed == links[:10]  # the newest ten
    assert page.index(f'href="{links[0]}"') < page.index(f'href="{links[9]}"')
    assert "and 3 earlier" in page
    # The document itself keeps every item: the report and insights.json use them all.
    document = auth_client.get(reverse("diary:insights_json")).json()
    [flag] = [f for f in document["red_flags"] if f["code"] == "severe"]
    assert len(flag["evidence"]) == 13


def test_the_chosen_dates_stay_in_their_labelled_fields(auth_client, user):
    page = auth_client.get(reverse("diary:insights"), {"start": "2025-01-01", "end": "2025-02-01"})
    text = page.content.decode()
    assert '<label for="id_start" class="form-label">Start</label>' in text
    assert 'type="date" name="start" id="id_start" value="2025-01-01" class="form-control"' in text
    assert 'type="date" name="end" id="id_end" value="2025-02-01" class="form-control"' in text


def test_an_end_in_the_future_is_refused_beside_its_field(auth_client, user):
    later = today_for(user) + timedelta(days=3)
    text = auth_client.get(reverse("diary:insights"), {"end": later.isoformat()}).content.decode()
    assert (
        'class="form-control is-invalid" aria-invalid="true" aria-describedby="id_end_error"'
        in (text)
    )
    assert "The end can&#x27;t be in the future." in text


def test_the_dashboard_says_when_no_warning_sign_showed(auth_client, user):
    add_episode(user, today_for(user), intensity=3)
    page = auth_client.get(reverse("diary:insights")).content.decode()
    assert "None of the warning signs" in page
    assert "alert-warning" not in page


def test_the_dashboard_defaults_to_the_last_90_days(auth_client, user):
    today = today_for(user)
    response = auth_client.get(reverse("diary:insights"))
    assert response.context["first_day"] == today - timedelta(days=89)
    assert response.context["last_day"] == today


@pytest.mark.parametrize("period, days", [("30", 30), ("365", 365)])
def test_presets_choose_the_window(auth_client, user, period, days):
    response = auth_client.get(reverse("diary:insights"), {"period": period})
    assert response.context["first_day"] == today_for(user) - timedelta(days=days - 1)


def test_all_starts_at_the_first_record(auth_client, user):
    first = today_for(user) - timedelta(days=500)
    make_checkin(user, first)
    response = auth_client.get(reverse("diary:insights"), {"period": "all"})
    assert response.context["first_day"] == first


def test_all_starts_on_the_local_date_of_the_first_episode(auth_client, user):
    # 23:30 UTC is 00:30 the next day in Berlin (alice's zone), winter or summer.
    first = today_for(user) - timedelta(days=300)
    make_episode(
        user, started_at=datetime.combine(first, time(23, 30), tzinfo=ZoneInfo("UTC")), intensity=3
    )
    make_checkin(user, first + timedelta(days=5))
    response = auth_client.get(reverse("diary:insights"), {"period": "all"})
    assert response.context["first_day"] == first + timedelta(days=1)


def test_custom_dates_choose_the_window(auth_client, user):
    response = auth_client.get(
        reverse("diary:insights"), {"start": "2025-01-01", "end": "2025-03-31"}
    )
    assert (response.context["first_day"], response.context["last_day"]) == (
        date(2025, 1, 1),
        date(2025, 3, 31),
    )


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "2025-03-01", "end": "2025-01-01"}, "The start must be on or before the end."),
        ({"end": "2999-01-01"}, "The end can't be in the future."),
        ({"start": "2025-02-30"}, "Enter a valid date."),
        ({"start": "0001-01-01"}, "Choose a start from 1900 on."),
        ({"end": "1899-12-31"}, "Choose an end from 1900 on."),
    ],
)
def test_bad_dates_are_explained_and_the_default_window_shown(auth_client, user, query, message):
    response = auth_client.get(reverse("diary:insights"), query)
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert response.context["last_day"] == today_for(user)


def test_an_end_alone_never_gives_a_window_that_starts_before_1900(auth_client, user):
    response = auth_client.get(reverse("diary:insights"), {"end": "1900-01-01"})
    assert response.status_code == 200
    assert (response.context["first_day"], response.context["last_day"]) == (
        date(1900, 1, 1),
        date(1900, 1, 1),
    )


def test_the_json_explains_bad_dates(auth_client):
    response = auth_client.get(reverse("diary:insights_json"), {"start": "2025-02-30"})
    assert response.status_code == 400
    assert response.json() == {"errors": {"start": ["Enter a valid date."]}}


def test_the_json_matches_the_command(auth_client, user):
    today = today_for(user)
    for n in range(20):
        make_checkin(user, today - timedelta(days=n), alcohol_drinks=n % 2)
        add_episode(user, today - timedelta(days=n), hour=2, intensity=n % 10)
    query = {"start": (today - timedelta(days=29)).isoformat(), "end": today.isoformat()}
    response = auth_client.get(reverse("diary:insights_json"), query)
    assert response["Content-Type"] == "application/json"
    out = io.StringIO()
    call_command(
        "insights", "alice", "--start", query["start"], "--end", query["end"], "--json", stdout=out
    )
    assert json.loads(out.getvalue()) == response.json()
    assert response.json()["episodes"] == 20


def test_the_command_explains_bad_input(user):
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        call_command("insights", "nobody", "--json")
    with pytest.raises(CommandError, match="The start must be on or before the end"):
        call_command("insights", "alice", "--start", "2025-02-01", "--end", "2025-01-01")
    with pytest.raises(CommandError, match="--start: Choose a start from 1900 on"):
        call_command("insights", "alice", "--start", "0001-01-01", "--end", "2025-01-01")
    with pytest.raises(CommandError, match="--end: Enter a valid date"):
        call_command("insights", "alice", "--end", "2025-13-01")


def test_the_command_refuses_a_future_end_like_the_page(auth_client, user):
    tomorrow = (today_for(user) + timedelta(days=1)).isoformat()
    response = auth_client.get(reverse("diary:insights_json"), {"end": tomorrow})
    assert response.status_code == 400
    assert response.json() == {"errors": {"end": ["The end can't be in the future."]}}
    with pytest.raises(CommandError, match="--end: The end can't be in the future"):
        call_command("insights", "alice", "--end", tomorrow, "--json", stdout=io.StringIO())


def test_the_command_prints_a_summary_without_json(user):
    add_episode(user, today_for(user), intensity=9)
    out = io.StringIO()
    call_command("insights", "alice", stdout=out)
    assert "1 episodes" in out.getvalue()
    assert "Red flag: 1 episode rated 8 or more out of 10." in out.getvalue()


def test_another_users_diary_never_appears(client, user, other_user):
    add_episode(other_user, today_for(other_user), intensity=10, symptoms=["swelling"])
    make_checkin(other_user, today_for(other_user), water_ml=500)
    make_medication(other_user, name="Secretamine", kind="statin")
    client.force_login(user)
    document = client.get(reverse("diary:insights_json")).json()
    assert document["episodes"] == 0
    assert document["days_with_checkin"] == 0
    assert document["red_flags"] == []
    page = client.get(reverse("diary:insights")).content.decode()
    assert "Secretamine" not in page
    svg = client.get(reverse("diary:insights_chart", args=["triggers"])).content.decode()
    assert "Secretamine" not in json.dumps(document) and "Secretamine" not in svg


def test_an_unknown_chart_is_404(auth_client):
    assert auth_client.get(reverse("diary:insights_chart", args=["nope"])).status_code == 404


def test_a_chart_is_an_svg_image_with_its_own_narrow_policy(auth_client):
    response = auth_client.get(reverse("diary:insights_chart", args=["hours"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml")
    assert "script-src 'none'" in response["Content-Security-Policy"]


def test_a_chart_is_never_stored_by_the_browser(auth_client, user):
    chart_url = auth_client.get(reverse("diary:insights")).context["triggers_chart"]["url"]
    assert auth_client.get(chart_url)["Cache-Control"] == "no-store"
    add_episode(user, today_for(user))
    assert auth_client.get(chart_url)["Cache-Control"] == "no-store"


# Work that must not grow with the diary


def test_the_dashboard_query_count_does_not_grow_with_the_diary(client, db):
    counts = []
    for username, days in (("short", 14), ("long", 365)):
        client.force_login(seeded_user(username, days))
        cache.clear()
        counts.append(page_queries(client, reverse("diary:insights"), {"period": "all"}))
    assert counts[0] == counts[1]
    assert counts[1] <= 13


@pytest.mark.parametrize("query, uncached, cached", [({}, 12, 3), ({"period": "all"}, 13, 3)])
def test_the_dashboard_needs_the_queries_the_readme_states(client, db, query, uncached, cached):
    client.force_login(seeded_user("counted", 60))
    cache.clear()
    assert page_queries(client, reverse("diary:insights"), query) == uncached
    assert page_queries(client, reverse("diary:insights"), query) == cached


def test_a_chart_is_rendered_once_and_again_after_a_write(auth_client, user, monkeypatch):
    renders = []
    real_render = charts.render_svg

    def counting_render(name, document):
        renders.append(name)
        return real_render(name, document)

    monkeypatch.setattr(charts, "render_svg", counting_render)
    url = reverse("diary:insights_chart", args=["weekly"])
    first = auth_client.get(url).content
    assert auth_client.get(url).content == first
    assert renders == ["weekly"]
    # Each write, as the app's write paths do, moves the data version on (diary/dataversion.py).
    episode = add_episode(user, today_for(user))
    diary_changed(user)
    auth_client.get(url)
    assert renders == ["weekly", "weekly"]
    episode.intensity = 9
    episode.save()
    diary_changed(user)
    auth_client.get(url)
    assert renders == ["weekly"] * 3
    # The version only goes up: the empty diary again is a new version, drawn again.
    episode.delete()
    diary_changed(user)
    assert auth_client.get(url).content == first
    assert renders == ["weekly"] * 4


def test_a_chart_of_a_window_reaching_today_is_drawn_anew_the_next_day(
    auth_client, user, monkeypatch, freeze_now
):
    renders = []
    real_render = charts.render_svg
    monkeypatch.setattr(
        charts,
        "render_svg",
        lambda name, document: renders.append(name) or real_render(name, document),
    )
    today = today_for(user)
    url = reverse("diary:insights_chart", args=["weekly"])
    url += f"?start={today - timedelta(days=29)}&end={today}"
    auth_client.get(url)
    auth_client.get(url)
    assert renders == ["weekly"]
    # The same dates tomorrow: today is over, so the document's trend ends a day later.
    freeze_now(timezone.now() + timedelta(days=1))
    auth_client.get(url)
    assert renders == ["weekly", "weekly"]


@pytest.mark.parametrize(
    "change",
    [
        lambda user: make_checkin(user, date(2025, 1, 1)),
        lambda user: make_medication(user, name="Statin", kind="statin"),
        lambda user: Profile.get_or_create_for(user).save(),
    ],
)
def test_any_write_to_the_diary_makes_a_new_document(auth_client, user, change):
    url = reverse("diary:insights_json")
    auth_client.get(url)
    with transaction.atomic():
        change(user)
        diary_changed(user)
    with CaptureQueriesContext(connection) as queries:
        auth_client.get(url)
    assert any("diary_episode" in q["sql"] and "started_at" in q["sql"] for q in queries)


def test_a_cached_document_is_served_without_loading_the_diary(auth_client, user):
    url = reverse("diary:insights_json")
    auth_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        auth_client.get(url)
    assert not any("diary_checkin_medications_taken" in q["sql"] for q in queries)


def test_a_document_cached_by_an_older_shape_is_never_read(user, monkeypatch):
    profile = Profile.get_or_create_for(user)
    last = today_for(user) - timedelta(days=1)
    first = last - timedelta(days=29)
    # What an older spasmlog left in the cache, which outlives an upgrade (a file).
    monkeypatch.setattr(insights, "DOCUMENT_SHAPE", insights.DOCUMENT_SHAPE - 1)
    monkeypatch.setattr(insights, "build_document", lambda diary: {"episodes": -1})
    assert insights.cached_document(user, profile, first, last) == {"episodes": -1}
    monkeypatch.undo()

    assert "sleep_disturbance" in insights.cached_document(user, profile, first, last)


def test_the_home_page_red_flags_come_from_the_same_rules(user, other_user):
    add_episode(user, today_for(user), intensity=8)
    add_episode(other_user, today_for(other_user), duration_seconds=900)
    assert [f["code"] for f in recent_red_flags(user, Profile.get_or_create_for(user))] == [
        "severe"
    ]
    assert [
        f["code"] for f in recent_red_flags(other_user, Profile.get_or_create_for(other_user))
    ] == ["prolonged"]


# The trend and medication onsets reach back before the window


def test_a_medication_started_before_the_window_is_judged_on_all_the_diary(user):
    today = today_for(user)
    yesterday = today - timedelta(days=1)
    began = today - timedelta(days=120)
    make_checkin(user, today - timedelta(days=239), stress=2)
    make_medication(user, name="Furosemide", kind="diuretic", started_on=began)
    before = [today - timedelta(days=n) for n in range(125, 240, 20)]
    after = [today - timedelta(days=n) for n in range(1, 121, 2)]
    for day in before + after:
        add_episode(user, day)
    profile = Profile.get_or_create_for(user)
    document = build_document(load_diary(user, profile.zone, today - timedelta(days=89), today))
    [onset] = document["medication_onsets"]
    # Today is not over, so "since" ends yesterday.
    assert onset["before"] == {
        "start": (today - timedelta(days=239)).isoformat(),
        "end": (began - timedelta(days=1)).isoformat(),
    }
    assert onset["after"] == {"start": began.isoformat(), "end": yesterday.isoformat()}
    assert (onset["exposed_days"], onset["unexposed_days"]) == (120, 119)
    assert (onset["exposed_episodes"], onset["unexposed_episodes"]) == (len(after), len(before))
    assert onset["significant"] is True
    assert "medication_onset" in [f["code"] for f in recent_red_flags(user, profile)]


def test_the_30_day_window_judges_the_trend_with_the_weeks_before_it(auth_client, user):
    yesterday = today_for(user) - timedelta(days=1)
    make_checkin(user, yesterday - timedelta(days=60), stress=2)
    earlier = [yesterday - timedelta(days=n) for n in range(28, 56, 4)]
    recent = [yesterday - timedelta(days=n) for n in range(28)]
    for day in earlier + recent:
        add_episode(user, day)
    response = auth_client.get(reverse("diary:insights"), {"period": "30"})
    trend = response.context["document"]["trend"]
    assert trend["enough_data"] is True
    assert trend["before"]["start"] == (yesterday - timedelta(days=55)).isoformat()
    assert (trend["exposed_episodes"], trend["unexposed_episodes"]) == (28, 7)
    # Eight weeks of diary are too few for a baseline of its own: no "worsening" on that.
    assert trend["monitor"]["baseline_per_week"] is None
    assert "worsening" not in [f["code"] for f in response.context["document"]["red_flags"]]


def test_the_trend_ends_on_the_last_complete_day(user):
    today = today_for(user)
    yesterday = today - timedelta(days=1)
    add_episode(user, today - timedelta(days=100))
    profile = Profile.get_or_create_for(user)
    to_today = build_document(load_diary(user, profile.zone, today - timedelta(days=89), today))
    assert to_today["trend"]["after"]["end"] == yesterday.isoformat()
    to_yesterday = build_document(
        load_diary(user, profile.zone, yesterday - timedelta(days=89), yesterday)
    )
    assert to_yesterday["trend"]["after"]["end"] == yesterday.isoformat()


def test_todays_unfinished_day_counts_in_no_rate(user):
    today = today_for(user)
    yesterday = today - timedelta(days=1)
    for day in (today, yesterday):
        make_checkin(user, day, water_ml=800)
    for day in [today - timedelta(days=n % 27 + 1) for n in range(11)]:
        add_episode(user, day)
    for _ in range(5):
        add_episode(user, today, intensity=9)  # 16 in 28 days with today, 11 without
    profile = Profile.get_or_create_for(user)
    document = build_document(load_diary(user, profile.zone, today - timedelta(days=29), today))
    assert document["days_with_checkin"] == 1
    water = next(f for f in document["factors"] if f["key"] == "water_ml" and f["lag_days"] == 0)
    assert (water["exposed_days"], water["exposed_episodes"]) == (1, 1)
    low_bin = document["dose_response"][0]["bins"][0]
    assert (low_bin["days"], low_bin["episodes"]) == (1, 1)
    codes = [flag["code"] for flag in document["red_flags"]]
    # Today's severe episodes are shown; today's count does not tip the frequency rules.
    assert "severe" in codes and "frequent" not in codes
    assert document["episodes"] == 16


def test_all_of_a_diary_with_a_row_before_1900_starts_in_1900(auth_client, user):
    # A legacy row from before the forms refused such dates.
    make_checkin(user, date(1, 1, 1), stress=2)
    response = auth_client.get(reverse("diary:insights"), {"period": "all"})
    assert response.status_code == 200
    assert response.context["document"]["window"]["start"] == "1900-01-01"


def test_the_diary_starts_at_sign_up_unless_an_entry_is_earlier(user):
    user.date_joined = datetime(2025, 6, 20, 23, 30, tzinfo=ZoneInfo("UTC"))
    user.save()
    zone = Profile.get_or_create_for(user).zone
    assert diary_first_day(user, zone) == date(2025, 6, 21)  # already the 21st in Berlin
    make_checkin(user, date(2025, 6, 2), stress=2)
    assert diary_first_day(user, zone) == date(2025, 6, 2)
    add_episode(user, date(2025, 5, 30))
    assert diary_first_day(user, zone) == date(2025, 5, 30)


def test_the_dashboard_says_each_judged_factor_in_plain_words_significant_first(auth_client, user):
    today = today_for(user)
    for n in range(1, 41):
        day = today - timedelta(days=n)
        low_water = n % 2 == 0
        make_checkin(user, day, water_ml=1000 if low_water else 2500, stress=8 if n % 4 < 2 else 2)
        for _ in range(2 if low_water else n % 4 == 1):
            add_episode(user, day)
    response = auth_client.get(reverse("diary:insights"))
    page = response.content.decode()
    factors = response.context["document"]["factors"]
    judged = [f for f in factors if f["enough_data"]]
    water = next(f for f in judged if f["key"] == "water_ml" and f["lag_days"] == 0)
    stress = next(f for f in judged if f["key"] == "stress" and f["lag_days"] == 0)
    assert water["significant"] and not stress["significant"]
    start = page.index('<ul class="factor-summaries">')
    listed = page[start : page.index("</ul>", start)]
    assert listed.count("<li") == len(judged)
    for factor in judged:
        assert escape(factor["summary"]) in listed
    assert listed.index(escape(water["summary"])) < listed.index(escape(stress["summary"]))
    assert "Not enough data" not in listed
    assert listed.index("Associated with") < listed.index("No clear association")


def test_the_dashboard_shows_the_cramp_rate_at_each_amount_of_every_factor(auth_client, user):
    today = today_for(user)
    for n in range(1, 29):
        day = today - timedelta(days=n)
        make_checkin(user, day, water_ml=800 if n % 2 else 2200, stress=n % 11)
        if n % 2:
            add_episode(user, day)
    response = auth_client.get(reverse("diary:insights"))
    page = response.content.decode()
    amounts = response.context["document"]["dose_response"]
    water = amounts[0]
    assert [(b["days"], b["episodes"]) for b in water["bins"] if b["days"]] == [(14, 14), (14, 0)]
    assert water["bins"][0]["rate_per_day"] == 1
    start = page.index('<ul class="amount-summaries">')
    listed = page[start : page.index("</ul>", start)]
    assert listed.count("<li>") == len(AMOUNTS)
    for amount in amounts:
        assert escape(amount["summary"]) in listed
    assert "Cramps a day by the water you drank that day: &lt; 1 L 1.00 (95% CI" in listed
    assert page.index('id="amounts-heading"') < page.index('id="patterns-heading"')
    assert reverse("diary:insights_chart", args=["amounts"]) in page


def test_the_insights_stylesheet_is_linked_in_the_head(auth_client):
    page = auth_client.get(reverse("diary:insights")).content.decode()
    assert page.index("css/insights.css") < page.index("</head>")


def test_a_window_ending_today_is_computed_again_once_today_is_over(user, freeze_now):
    today = today_for(user)
    add_episode(user, today - timedelta(days=100))
    profile = Profile.get_or_create_for(user)
    first_day = today - timedelta(days=89)
    document = cached_document(user, profile, first_day, today)
    assert document["trend"]["after"]["end"] == (today - timedelta(days=1)).isoformat()
    freeze_now(timezone.now() + timedelta(days=1))
    document = cached_document(user, profile, first_day, today)
    assert document["trend"]["after"]["end"] == today.isoformat()


def checkins_every_day(user, days: int) -> None:
    today = today_for(user)
    CheckIn.objects.bulk_create(
        new_checkin(user, today - timedelta(days=n), stress=n % 10) for n in range(days)
    )


def test_the_default_window_judges_the_triggers_on_180_days(auth_client, user):
    user.date_joined = timezone.now() - timedelta(days=400)
    user.save()
    checkins_every_day(user, 300)
    today = today_for(user)
    document = auth_client.get(reverse("diary:insights")).context["document"]
    triggers = document["triggers_window"]
    assert document["window"]["start"] == (today - timedelta(days=89)).isoformat()
    assert (triggers["start"], triggers["end"], triggers["days"]) == (
        (today - timedelta(days=180)).isoformat(),
        (today - timedelta(days=1)).isoformat(),
        180,
    )
    assert triggers["chosen"] is False
    assert document["days_with_checkin"] == 180
    assert "judged on 180 days" in triggers["note"]


def test_a_window_the_person_picks_judges_the_triggers_on_it_and_says_it_is_short(
    auth_client, user
):
    user.date_joined = timezone.now() - timedelta(days=400)
    user.save()
    checkins_every_day(user, 300)
    response = auth_client.get(reverse("diary:insights"), {"period": "90"})
    triggers = response.context["document"]["triggers_window"]
    assert (triggers["days"], triggers["chosen"]) == (89, True)
    assert "too short for most triggers" in triggers["note"]
    assert escape(triggers["note"]) in response.content.decode()
    # The charts and the JSON are asked for the same judgement.
    assert "triggers=window" in response.context["triggers_chart"]["url"]
    assert "triggers=window" in response.context["json_url"]


def test_a_young_diary_judges_the_triggers_on_all_of_it(auth_client, user):
    checkins_every_day(user, 3)
    user.date_joined = timezone.now() - timedelta(days=40)
    user.save()
    triggers = auth_client.get(reverse("diary:insights")).context["document"]["triggers_window"]
    assert triggers["days"] == 40
    assert "all 40 days of your diary so far" in triggers["note"]


# The home page's red flags, without the whole document


def _flags_of_the_whole_document(user) -> list[dict]:
    profile = Profile.get_or_create_for(user)
    today = today_for(user)
    first_day, last_day = window_for_preset(DEFAULT_PRESET, today, None)
    diary = load_diary(user, profile.zone, first_day, last_day, today, judge_on_window=False)
    return build_document(diary)["red_flags"]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_red_flags_alone_are_the_documents(db, seed):
    call_command("seed_demo", "--days", "400", "--seed", str(seed), stdout=io.StringIO())
    user = User.objects.get(username="demo")
    today = today_for(user)
    # A bad last month: severe and frequent cramps, and so a worsening trend.
    for days_ago in range(1, 28):
        for hour in (2, 3, 4):
            add_episode(user, today - timedelta(days=days_ago), hour, intensity=9)
    expected = _flags_of_the_whole_document(user)
    assert {flag["code"] for flag in expected} >= {"severe", "frequent", "worsening"}
    first_day, last_day = window_for_preset(DEFAULT_PRESET, today, None)
    zone = Profile.get_or_create_for(user).zone
    assert window_red_flags(user, zone, first_day, last_day, today) == expected


def test_the_home_page_builds_no_document_for_its_flags(auth_client, user, monkeypatch):
    add_episode(user, today_for(user) - timedelta(days=2), intensity=9)
    built = []
    monkeypatch.setattr(insights, "build_document", lambda diary: built.append(diary))
    response = auth_client.get(reverse("diary:home"))
    assert [flag["code"] for flag in response.context["red_flags"]] == ["severe"]
    assert built == []


def test_the_database_counts_episodes_per_local_day_as_python_does(db):
    user = make_user("zoe", "Europe/Berlin")
    zone = ZoneInfo("Europe/Berlin")
    # Around midnight in Berlin, either side of the spring change to summer time.
    for instant in (
        datetime(2025, 3, 29, 22, 59, tzinfo=UTC),  # 23:59 on the 29th
        datetime(2025, 3, 29, 23, 1, tzinfo=UTC),  # 00:01 on the 30th
        datetime(2025, 3, 30, 21, 59, tzinfo=UTC),  # 23:59 on the 30th (summer time)
        datetime(2025, 3, 30, 22, 1, tzinfo=UTC),  # 00:01 on the 31st
        datetime(2025, 3, 31, 12, 0, tzinfo=UTC),
    ):
        make_episode(user, started_at=instant, intensity=4)
    expected = episodes_per_day(
        [
            EpisodeRecord(e.started_at, e.muscle, e.side, e.intensity, None)
            for e in Episode.objects.filter(user=user)
        ],
        zone,
    )
    counted = episode_counts_per_day(user, date(2025, 3, 31))
    assert counted == dict(expected)
    assert counted == {date(2025, 3, 29): 1, date(2025, 3, 30): 2, date(2025, 3, 31): 2}


def test_a_window_loads_only_the_episodes_it_needs_and_the_same_document(db):
    user = seeded_user("long", 800)
    profile = Profile.get_or_create_for(user)
    today = today_for(user)
    first_day, last_day = window_for_preset(DEFAULT_PRESET, today, None)
    diary = load_diary(user, profile.zone, first_day, last_day, today, judge_on_window=False)
    earliest = min(first_day, calendar_start(last_day))
    assert diary.episodes
    assert all(local_date(e.started_at, profile.zone) >= earliest for e in diary.episodes)
    everything = load_diary(user, profile.zone, date(2000, 1, 1), last_day, today)
    # The same diary with every episode and the counts made from them in Python.
    whole = dataclasses.replace(diary, episodes=everything.episodes, day_counts=None)
    assert len(whole.episodes) > len(diary.episodes)
    assert diary.counts == dict(episodes_per_day(everything.episodes, profile.zone))
    assert build_document(diary) == build_document(whole)
