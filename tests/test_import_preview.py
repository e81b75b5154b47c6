"""The import page shows what a file would do and writes nothing until the person confirms."""

import os
import stat
import time
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from diary.files import pendingimports
from diary.models import CheckIn, Episode, Medication
from tests.factories import PASSWORD, make_checkin, make_episode, make_medication, make_user
from tests.html_checker import html_errors
from tests.portability_helpers import as_upload, exported, json_copy, row_counts


@pytest.fixture
def diary(user):
    """One episode and one check-in already in the diary."""
    make_episode(user, started_at=datetime(2025, 6, 1, 1, 0, tzinfo=UTC))
    make_checkin(user, date(2025, 6, 1), water_ml=1500, notes="old")
    return user


@pytest.fixture
def file(diary) -> dict:
    """The diary's own export with the check-in's notes changed and two episodes added."""
    document = json_copy(exported(diary))
    document["checkins"][0]["notes"] = "new"
    for day, hour in (("2025-05-30", "22"), ("2025-06-03", "07")):
        document["episodes"].append(
            {
                "started_at": f"{day}T{hour}:30:00+02:00",
                "muscle": "foot",
                "side": "right",
                "intensity": 3,
            }
        )
    return document


def upload(client, content, name="diary.json"):
    return client.post(reverse("diary:import"), {"file": as_upload(content, name)})


def pending_files(settings) -> list:
    directory = settings.PENDING_IMPORTS_DIR
    return sorted(directory.iterdir()) if directory.exists() else []


def test_an_upload_shows_what_it_would_do_and_writes_nothing(auth_client, diary, file):
    before = row_counts(diary)

    response = upload(auth_client, file)

    assert response.status_code == 200
    preview = response.context["preview"]
    counts = {
        name: (tally.added, tally.updated, tally.unchanged, tally.describe_changes())
        for name, tally in preview["tallies"]
    }
    assert counts == {
        "episodes": (2, 0, 1, ""),
        "check-ins": (0, 1, 0, "notes in 1"),
        "medications": (0, 0, 0, ""),
    }
    # The earliest added episode is 22:30 in Berlin on 30 May; the latest 07:30 on 3 June.
    assert (preview["first_day"], preview["last_day"]) == (date(2025, 5, 30), date(2025, 6, 3))
    content = response.content.decode()
    assert "The file holds entries from 30 May 2025 to 3 June 2025." in content
    assert 'value="import"' in content and 'value="cancel"' in content
    assert row_counts(diary) == before
    assert CheckIn.objects.get(user=diary).notes == "old"


def test_confirming_imports_the_file_and_forgets_it(auth_client, diary, file, settings):
    token = upload(auth_client, file).context["preview"]["token"]
    assert len(pending_files(settings)) == 1

    response = auth_client.post(
        reverse("diary:import"), {"action": "import", "token": token}, follow=True
    )

    [message] = [str(message) for message in response.context["messages"]]
    assert message == (
        "Imported: 2 episodes added, 0 updated, 1 unchanged; "
        "0 check-ins added, 1 updated, 0 unchanged."
    )
    assert Episode.objects.for_user(diary).count() == 3
    assert CheckIn.objects.get(user=diary).notes == "new"
    assert pending_files(settings) == []
    again = auth_client.post(reverse("diary:import"), {"action": "import", "token": token})
    assert again.status_code == 302
    assert Episode.objects.for_user(diary).count() == 3


def test_cancelling_writes_nothing_and_deletes_the_file(auth_client, diary, file, settings):
    before = row_counts(diary)
    token = upload(auth_client, file).context["preview"]["token"]

    response = auth_client.post(
        reverse("diary:import"), {"action": "cancel", "token": token}, follow=True
    )

    assert [str(message) for message in response.context["messages"]] == ["Nothing was imported."]
    assert row_counts(diary) == before
    assert pending_files(settings) == []


def test_reloading_the_page_shows_the_preview_again(auth_client, diary, file):
    token = upload(auth_client, file).context["preview"]["token"]

    response = auth_client.get(reverse("diary:import"))

    assert response.context["preview"]["token"] == token
    assert dict(response.context["preview"]["tallies"])["episodes"].added == 2


def test_a_second_upload_replaces_the_first_which_can_no_longer_be_confirmed(
    auth_client, diary, file, settings
):
    first = upload(auth_client, file).context["preview"]["token"]
    upload(auth_client, json_copy(exported(diary)))

    response = auth_client.post(
        reverse("diary:import"), {"action": "import", "token": first}, follow=True
    )

    [message] = [str(message) for message in response.context["messages"]]
    assert message.startswith("That preview is no longer waiting")
    assert Episode.objects.for_user(diary).count() == 1
    assert len(pending_files(settings)) == 1  # the second upload's


def test_a_preview_expires(auth_client, diary, file, monkeypatch, settings):
    token = upload(auth_client, file).context["preview"]["token"]
    later = time.time() + pendingimports.PENDING_IMPORT_MAX_AGE.total_seconds() + 1
    monkeypatch.setattr(pendingimports.time, "time", lambda: later)

    response = auth_client.post(reverse("diary:import"), {"action": "import", "token": token})

    assert response.status_code == 302
    assert Episode.objects.for_user(diary).count() == 1
    assert pending_files(settings) == []


def test_an_upload_sweeps_away_files_left_past_their_age(auth_client, diary, file, settings):
    settings.PENDING_IMPORTS_DIR.mkdir(parents=True)
    left = settings.PENDING_IMPORTS_DIR / "left-by-a-killed-worker"
    left.write_bytes(b"{}")
    old = time.time() - pendingimports.PENDING_IMPORT_MAX_AGE.total_seconds() - 60
    os.utime(left, (old, old))

    upload(auth_client, file)

    assert left not in pending_files(settings)
    assert len(pending_files(settings)) == 1


def test_a_visit_of_the_import_page_sweeps_them_too(auth_client, diary, settings):
    settings.PENDING_IMPORTS_DIR.mkdir(parents=True)
    left, fresh = settings.PENDING_IMPORTS_DIR / "old", settings.PENDING_IMPORTS_DIR / "fresh"
    left.write_bytes(b"{}")
    fresh.write_bytes(b"{}")
    old = time.time() - pendingimports.PENDING_IMPORT_MAX_AGE.total_seconds() - 60
    os.utime(left, (old, old))

    auth_client.get(reverse("diary:import"))

    assert pending_files(settings) == [fresh]


def test_the_waiting_file_is_named_by_no_url_and_readable_by_its_owner_only(
    auth_client, diary, file, settings
):
    response = upload(auth_client, file)
    token = response.context["preview"]["token"]

    [path] = pending_files(settings)
    assert token not in path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f'name="token" value="{token}"' in response.content.decode()
    assert token not in response.request["PATH_INFO"] + response.request["QUERY_STRING"]


def test_another_person_cannot_confirm_with_the_token(client, auth_client, diary, file):
    token = upload(auth_client, file).context["preview"]["token"]
    mallory = make_user("mallory")
    client.force_login(mallory)

    client.post(reverse("diary:import"), {"action": "import", "token": token})

    assert Episode.objects.count() == 1
    assert not Episode.objects.for_user(mallory).exists()


def test_the_confirmed_import_checks_the_file_again_and_is_all_or_nothing(auth_client, diary):
    magnesium = make_medication(diary, started_on=date(2025, 1, 1))
    csv = "date,medications_taken,notes\r\n2025-06-01,Magnesium,changed\r\n2025-06-02,,added\r\n"
    token = upload(auth_client, csv.encode(), "checkins.csv").context["preview"]["token"]
    magnesium.delete()  # in another tab, after the preview

    response = auth_client.post(reverse("diary:import"), {"action": "import", "token": token})

    assert response.status_code == 200
    assert response.context["refused"] == [
        'checkins.csv row 2.medications_taken: "Magnesium" is not one of this diary\'s medications'
    ]
    assert CheckIn.objects.get(user=diary).notes == "old"
    assert CheckIn.objects.for_user(diary).count() == 1


@pytest.mark.browser
def test_the_preview_and_the_refusal_are_valid_html(auth_client, diary, file, tmp_path):
    preview = upload(auth_client, file).content
    Episode.objects.for_user(diary).delete()
    CheckIn.objects.for_user(diary).delete()
    make_medication(diary, started_on=date(2025, 1, 1))
    csv = b"date,medications_taken\r\n2025-06-01,Magnesium\r\n"
    token = upload(auth_client, csv, "checkins.csv").context["preview"]["token"]
    Medication.objects.for_user(diary).delete()
    refused = auth_client.post(reverse("diary:import"), {"action": "import", "token": token})
    assert refused.context["refused"]

    assert html_errors({"preview": preview, "refused": refused.content}, tmp_path) == []


@pytest.mark.parametrize("token", ["é", "", "x" * 50])
def test_a_tampered_token_is_refused_without_an_error(auth_client, diary, file, token):
    upload(auth_client, file)
    response = auth_client.post(reverse("diary:import"), {"action": "import", "token": token})
    assert response.status_code == 302
    assert Episode.objects.for_user(diary).count() == 1


@pytest.mark.parametrize(
    "leave",
    [
        lambda client: client.post(reverse("logout")),
        lambda client: client.post(reverse("diary:delete_data"), {"password": PASSWORD}),
        lambda client: client.post(reverse("diary:delete_account"), {"password": PASSWORD}),
    ],
    ids=["log out", "delete the diary", "delete the account"],
)
def test_leaving_deletes_the_waiting_file_at_once(auth_client, diary, file, settings, leave):
    upload(auth_client, file)
    assert len(pending_files(settings)) == 1
    assert leave(auth_client).status_code == 302
    assert pending_files(settings) == []


def test_a_preview_confirmed_in_another_tab_meanwhile_shows_the_upload_form(
    auth_client, diary, file, monkeypatch
):
    upload(auth_client, file)
    monkeypatch.setattr(pendingimports, "load", lambda request, token: None)
    response = auth_client.get(reverse("diary:import"))
    assert response.status_code == 200 and "preview" not in response.context
