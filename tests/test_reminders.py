import threading
from datetime import UTC, date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary import reminders
from diary.models import Profile, ReminderSent
from diary.reminders import due_day, unsubscribe_token, user_id_from_token
from tests.factories import make_checkin, make_user
from tests.hang_guard import HANG_GUARD_SECONDS

BERLIN = ZoneInfo("Europe/Berlin")


def reminded_user(username: str, zone: str, at: time) -> Profile:
    user = make_user(username, zone, email=f"{username}@example.org")
    Profile.objects.filter(user=user).update(reminder_time=at)
    return Profile.objects.get(user=user)


def run_at(freeze_now, instant: datetime) -> str:
    freeze_now(instant)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


# When a reminder is due, without a database.


@pytest.mark.parametrize(
    ("utc", "zone", "at", "expected"),
    [
        # 19:59 and 20:00 in Berlin (CET, UTC+1) on 10 March 2026.
        (datetime(2026, 3, 10, 18, 59, tzinfo=UTC), "Europe/Berlin", time(20), None),
        (datetime(2026, 3, 10, 19, 0, tzinfo=UTC), "Europe/Berlin", time(20), date(2026, 3, 10)),
        # The same instant is 04:00 on 11 March in Tokyo, and 12:00 on 10 March in Los Angeles
        # (already on daylight-saving time, UTC-7, since 8 March).
        (datetime(2026, 3, 10, 19, 0, tzinfo=UTC), "Asia/Tokyo", time(4), date(2026, 3, 11)),
        (datetime(2026, 3, 10, 19, 0, tzinfo=UTC), "Asia/Tokyo", time(4, 1), None),
        (
            datetime(2026, 3, 10, 19, 0, tzinfo=UTC),
            "America/Los_Angeles",
            time(12),
            date(2026, 3, 10),
        ),
        (datetime(2026, 3, 10, 19, 0, tzinfo=UTC), "America/Los_Angeles", time(12, 1), None),
        # India is UTC+5:30: 21:00 there is 15:30 UTC.
        (datetime(2026, 3, 10, 15, 29, tzinfo=UTC), "Asia/Kolkata", time(21), None),
        (datetime(2026, 3, 10, 15, 30, tzinfo=UTC), "Asia/Kolkata", time(21), date(2026, 3, 10)),
    ],
)
def test_a_reminder_is_due_from_its_local_time_on_that_local_day(utc, zone, at, expected):
    assert due_day(utc, ZoneInfo(zone), at) == expected


def test_after_the_clocks_go_forward_the_reminder_keeps_its_wall_clock_time():
    # Berlin moves to UTC+2 on 29 March 2026: 20:00 is 18:00 UTC that day, 19:00 UTC the day before.
    assert due_day(datetime(2026, 3, 28, 18, 59, tzinfo=UTC), BERLIN, time(20)) is None
    assert due_day(datetime(2026, 3, 28, 19, 0, tzinfo=UTC), BERLIN, time(20)) == date(2026, 3, 28)
    assert due_day(datetime(2026, 3, 29, 17, 59, tzinfo=UTC), BERLIN, time(20)) is None
    assert due_day(datetime(2026, 3, 29, 18, 0, tzinfo=UTC), BERLIN, time(20)) == date(2026, 3, 29)


def test_a_reminder_in_the_skipped_hour_comes_when_the_clocks_have_jumped():
    # 02:30 never happens in Berlin on 29 March 2026: 01:59 CET is followed by 03:00 CEST.
    assert due_day(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), BERLIN, time(2, 30)) is None
    assert due_day(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), BERLIN, time(2, 30)) == date(
        2026, 3, 29
    )


def test_the_unsubscribe_token_names_its_person_and_refuses_a_forgery():
    token = unsubscribe_token(42)

    assert user_id_from_token(token) == 42
    assert user_id_from_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert user_id_from_token("42") is None


# The command.


def test_it_sends_once_the_local_time_has_come_and_only_then(db, freeze_now):
    profile = reminded_user("alice", "Europe/Berlin", time(20))

    assert "0 reminder(s) sent" in run_at(freeze_now, datetime(2026, 3, 10, 18, 55, tzinfo=UTC))
    assert mail.outbox == []
    assert "1 reminder(s) sent" in run_at(freeze_now, datetime(2026, 3, 10, 19, 0, tzinfo=UTC))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Spasmlog: today's check-in (Tue 10 Mar)"
    assert "http://localhost:8000/checkins/2026-03-10/" in message.body
    token = unsubscribe_token(profile.user.pk)
    assert f"http://localhost:8000/reminders/unsubscribe/{token}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ReminderSent.objects.get(user=profile.user).date == date(2026, 3, 10)


def test_never_two_for_the_same_day_and_one_again_the_next_day(db, freeze_now):
    reminded_user("alice", "Europe/Berlin", time(20))

    for minutes in (0, 5, 10, 55):
        run_at(freeze_now, datetime(2026, 3, 10, 19, minutes, tzinfo=UTC))
    assert len(mail.outbox) == 1

    run_at(freeze_now, datetime(2026, 3, 11, 19, 0, tzinfo=UTC))
    assert len(mail.outbox) == 2
    assert "(Wed 11 Mar)" in mail.outbox[1].subject


def test_people_in_different_zones_are_reminded_at_their_own_local_time(db, freeze_now):
    reminded_user("berlin", "Europe/Berlin", time(20))  # 19:00 UTC
    reminded_user("tokyo", "Asia/Tokyo", time(8))  # 23:00 UTC the day before
    reminded_user("la", "America/Los_Angeles", time(9, 30))  # 16:30 UTC (PDT, UTC-7)

    sent_to = {}
    for hour, minute in [(16, 29), (16, 30), (18, 59), (19, 0), (22, 59), (23, 0)]:
        run_at(freeze_now, datetime(2026, 3, 10, hour, minute, tzinfo=UTC))
        for message in mail.outbox:
            sent_to.setdefault(message.to[0], (hour, minute, message.subject))

    assert sent_to == {
        "la@example.org": (16, 30, "Spasmlog: today's check-in (Tue 10 Mar)"),
        "berlin@example.org": (19, 0, "Spasmlog: today's check-in (Tue 10 Mar)"),
        "tokyo@example.org": (23, 0, "Spasmlog: today's check-in (Wed 11 Mar)"),
    }


def test_across_the_autumn_change_the_repeated_hour_sends_once(db, freeze_now):
    # 01:30 happens twice in Berlin on 25 October 2026: at 23:30 and 00:30 UTC.
    reminded_user("alice", "Europe/Berlin", time(1, 30))

    run_at(freeze_now, datetime(2026, 10, 24, 23, 30, tzinfo=UTC))
    run_at(freeze_now, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))

    assert len(mail.outbox) == 1
    # After the change the same local time is an hour later in UTC.
    run_at(freeze_now, datetime(2026, 10, 26, 0, 29, tzinfo=UTC))
    assert len(mail.outbox) == 1
    run_at(freeze_now, datetime(2026, 10, 26, 0, 30, tzinfo=UTC))
    assert len(mail.outbox) == 2


def test_no_reminder_when_the_days_check_in_is_in(db, freeze_now):
    profile = reminded_user("alice", "Europe/Berlin", time(20))
    make_checkin(profile.user, date(2026, 3, 10), water_ml=1500)

    run_at(freeze_now, datetime(2026, 3, 10, 19, 0, tzinfo=UTC))

    assert mail.outbox == []


def test_a_check_in_holding_only_last_night_still_gets_the_reminder(db, freeze_now):
    profile = reminded_user("alice", "Europe/Berlin", time(20))
    make_checkin(profile.user, date(2026, 3, 10), sleep_disturbance=0)

    run_at(freeze_now, datetime(2026, 3, 10, 19, 0, tzinfo=UTC))

    assert len(mail.outbox) == 1


def test_no_reminder_without_a_time_an_address_or_an_active_account(db, freeze_now):
    make_user("no_time")
    no_address = reminded_user("no_address", "UTC", time(8))
    no_address.user.email = ""
    no_address.user.save()
    inactive = reminded_user("inactive", "UTC", time(8))
    inactive.user.is_active = False
    inactive.user.save()

    run_at(freeze_now, datetime(2026, 3, 10, 12, 0, tzinfo=UTC))

    assert mail.outbox == []


def test_a_failed_send_is_tried_again_on_the_next_run(db, monkeypatch, freeze_now):
    reminded_user("alice", "Europe/Berlin", time(20))

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr(reminders.EmailMessage, "send", refuse)
        freeze_now(datetime(2026, 3, 10, 19, 0, tzinfo=UTC))
        errors = StringIO()
        call_command("send_reminders", stdout=StringIO(), stderr=errors)
    assert "Reminder to alice not sent: mail server down" in errors.getvalue()
    assert not ReminderSent.objects.exists()

    run_at(freeze_now, datetime(2026, 3, 10, 19, 5, tzinfo=UTC))
    assert len(mail.outbox) == 1


def test_a_run_that_loses_the_claim_to_another_server_sends_nothing(db, monkeypatch, freeze_now):
    # The other server inserts its claim after this run has checked but before it claims.
    profile = reminded_user("alice", "Europe/Berlin", time(20))
    claim = reminders._claim

    def other_server_first(user, day):
        ReminderSent.objects.create(user=user, date=day)
        return claim(user, day)

    monkeypatch.setattr(reminders, "_claim", other_server_first)
    run_at(freeze_now, datetime(2026, 3, 10, 19, 0, tzinfo=UTC))

    assert mail.outbox == []
    assert ReminderSent.objects.filter(user=profile.user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_one_mail(monkeypatch, freeze_now):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a database they can share: run it on PostgreSQL")
    reminded_user("alice", "Europe/Berlin", time(20))
    freeze_now(datetime(2026, 3, 10, 19, 0, tzinfo=UTC))
    both_checked = threading.Barrier(2, timeout=HANG_GUARD_SECONDS)
    claim = reminders._claim

    def claim_together(user, day):
        both_checked.wait()  # both runs have found no reminder sent yet
        return claim(user, day)

    monkeypatch.setattr(reminders, "_claim", claim_together)
    outcomes = []

    def run() -> None:
        try:
            outcomes.append(reminders.send_due_reminders(timezone.now(), "http://x"))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=HANG_GUARD_SECONDS)

    assert sorted(outcome.sent for outcome in outcomes) == [0, 1]
    assert len(mail.outbox) == 1


# Unsubscribing and the settings page.


def test_the_unsubscribe_link_asks_then_stops_the_reminders_without_a_login(client, db):
    profile = reminded_user("alice", "Europe/Berlin", time(20))
    url = reverse("diary:unsubscribe", args=[unsubscribe_token(profile.user.pk)])

    page = client.get(url)
    assert page.status_code == 200
    assert "Stop reminders" in page.content.decode()
    profile.refresh_from_db()
    assert profile.reminder_time == time(20)

    response = client.post(url)

    assert response.status_code == 200
    assert "No more reminders" in response.content.decode()
    profile.refresh_from_db()
    assert profile.reminder_time is None


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token(db):
    profile = reminded_user("alice", "Europe/Berlin", time(20))
    url = reverse("diary:unsubscribe", args=[unsubscribe_token(profile.user.pk)])

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.reminder_time is None


def test_a_forged_unsubscribe_link_is_a_404_and_changes_nothing(client, db):
    profile = reminded_user("alice", "Europe/Berlin", time(20))
    forged = unsubscribe_token(profile.user.pk)[:-2] + "xx"

    response = client.post(reverse("diary:unsubscribe", args=[forged]))

    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.reminder_time == time(20)


def test_the_reminder_time_and_address_are_set_on_the_settings_page(auth_client, user):
    response = auth_client.post(
        reverse("diary:reminder_settings"), {"reminder_time": "21:15", "email": "a@example.org"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "a@example.org"
    assert user.profile.reminder_time == time(21, 15)


def test_a_reminder_without_an_address_is_refused_beside_the_field(auth_client, user):
    response = auth_client.post(reverse("diary:reminder_settings"), {"reminder_time": "21:15"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "A reminder needs an e-mail address to go to."
    ]
    user.profile.refresh_from_db()
    assert user.profile.reminder_time is None


def test_a_blank_time_turns_the_reminder_off(auth_client, user):
    Profile.objects.filter(user=user).update(reminder_time=time(7))

    auth_client.post(reverse("diary:reminder_settings"), {"reminder_time": "", "email": ""})

    user.profile.refresh_from_db()
    assert user.profile.reminder_time is None
