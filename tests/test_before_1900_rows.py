"""Rows stored before the 1900 floor existed (written straight to the database here, as the
forms and the import refuse them now) break no page; the insights page asks to fix them, the
export keeps them, and the import says which one it refuses."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from diary.analysis.charts import CHARTS
from diary.files.diaryfile import DiaryFileError, dumps
from diary.files.portability import merge_diary, read_upload
from diary.models import CheckIn
from tests.factories import make_checkin, make_episode, make_medication, make_user
from tests.portability_helpers import exported, json_copy, row_counts

# Year 1 overflows once a zone shifts it; 1800 shows Berlin's local mean time (+00:53).
OLD_MOMENTS = [datetime(1, 1, 1, 12, tzinfo=UTC), datetime(1800, 6, 1, 12, tzinfo=UTC)]


@pytest.fixture(params=OLD_MOMENTS, ids=["year 1", "1800"])
def old_rows(request, user):
    moment = request.param
    episode = make_episode(user, started_at=moment)
    make_episode(user, started_at=datetime(2025, 6, 1, 3, tzinfo=UTC))
    checkin = make_checkin(user, moment.date(), water_ml=1000)
    make_checkin(user, date(2025, 6, 1), water_ml=1000)
    medication = make_medication(user, name="Old", kind="other", started_on=moment.date())
    return episode, checkin, medication


def pages(episode, medication) -> list[str]:
    return [
        reverse("diary:home"),
        reverse("diary:episode_list"),
        reverse("diary:episode_detail", args=[episode.pk]),
        reverse("diary:episode_edit", args=[episode.pk]),
        reverse("diary:episode_delete", args=[episode.pk]),
        reverse("diary:checkin_list"),
        reverse("diary:account"),
        reverse("diary:medication_edit", args=[medication.pk]),
        reverse("diary:export_diary"),
        reverse("diary:export_episodes_csv"),
        reverse("diary:export_checkins_csv"),
        reverse("diary:import"),
        reverse("diary:insights"),
        reverse("diary:insights") + "?period=all",
        reverse("diary:insights_json") + "?period=all",
        reverse("diary:report") + "?period=365",
        reverse("diary:report_pdf"),
        reverse("diary:delete_data"),
        reverse("diary:delete_account"),
        *(reverse("diary:insights_chart", args=[name]) + "?period=all" for name in CHARTS),
    ]


def test_every_page_answers_with_such_rows(auth_client, old_rows):
    episode, _, medication = old_rows

    statuses = {url: auth_client.get(url).status_code for url in pages(episode, medication)}

    assert {url: status for url, status in statuses.items() if status != 200} == {}


def test_the_insights_page_asks_to_fix_the_earliest_one(auth_client, old_rows):
    episode, checkin, medication = old_rows
    # Earliest is the check-in or the medication, both on the day the episode started in UTC.
    content = auth_client.get(reverse("diary:insights")).content.decode()

    assert "is dated before 1900, which spasmlog no longer accepts" in content
    [link] = [
        url
        for url in (
            reverse("diary:checkin_delete", args=[checkin.date]),
            reverse("diary:medication_edit", args=[medication.pk]),
            reverse("diary:episode_detail", args=[episode.pk]),
        )
        if f'href="{url}"' in content
    ]
    assert auth_client.get(link).status_code == 200


def test_a_check_in_from_before_1900_can_be_deleted(auth_client, user, old_rows):
    _, checkin, _ = old_rows
    url = reverse("diary:checkin_delete", args=[checkin.date])

    response = auth_client.post(url)

    assert response.status_code == 302
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()
    # Its form page stays closed: a new check-in before 1900 can't be made.
    assert auth_client.get(f"/checkins/{checkin.date.isoformat()}/").status_code == 404


def test_the_export_keeps_them_and_the_import_names_each_one_it_refuses(user, old_rows):
    episode, checkin, medication = old_rows
    document = json_copy(exported(user))
    assert len(document["episodes"]) == 2 and len(document["checkins"]) == 2
    empty = make_user("empty", "Europe/Berlin")

    with pytest.raises(DiaryFileError) as error:
        merge_diary(empty, read_upload(empty, dumps(document)))

    messages = error.value.messages
    assert any(m.startswith("profile.medications[0].started_on: ") for m in messages)
    assert any(m.startswith("episodes[0].started_at: ") for m in messages)
    assert f"checkins[0].date: {checkin.date.isoformat()} is before 1900-01-01" in messages
    assert all("before 1900-01-01" in message for message in messages)
    assert row_counts(empty) == {"episodes": 0, "checkins": 0, "medications": 0, "taken": 0}


def test_once_corrected_the_backup_imports_back(user, old_rows):
    episode, checkin, medication = old_rows
    episode.delete()
    checkin.delete()
    medication.started_on = date(1990, 1, 1)
    medication.save()
    empty = make_user("empty", "Europe/Berlin")

    summary = merge_diary(empty, read_upload(empty, dumps(exported(user))))

    assert (summary.episodes.added, summary.checkins.added, summary.medications.added) == (1, 1, 1)
