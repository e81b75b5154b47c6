"""Input far larger than any diary entry is refused with a message, and never read whole."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from diary.models import CheckIn, Episode, Medication

pytestmark = pytest.mark.django_db

HUGE_NOTE = "calf cramp" * 10_000  # 100,000 characters; notes hold at most 10,000


def test_an_episode_note_of_100000_characters_is_refused(auth_client, user):
    response = auth_client.post(
        reverse("diary:episode_new"),
        {
            "started_at": "2026-01-10T03:15",
            "muscle": "calf",
            "side": "left",
            "intensity": "6",
            "kind": "cramp",
            "notes": HUGE_NOTE,
        },
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters (it has 100000)" in (
        response.content.decode()
    )
    assert not Episode.objects.exists()


def test_a_check_in_note_of_100000_characters_is_refused(auth_client, user):
    response = auth_client.post(
        reverse("diary:checkin_day", args=[date(2026, 1, 10)]), {"notes": HUGE_NOTE}
    )
    assert response.status_code == 200
    assert "at most 10000 characters" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_medication_name_longer_than_the_field_is_refused(auth_client, user):
    response = auth_client.post(
        reverse("diary:medication_new"), {"name": "x" * 5000, "kind": "other"}
    )
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    assert not Medication.objects.exists()


def test_a_form_body_over_the_request_limit_is_a_400_not_a_500(auth_client, user):
    response = auth_client.post(
        reverse("diary:quick_log"),
        {"muscle": "calf", "side": "left", "intensity": "5", "notes": "x" * 3_000_000},
    )
    assert response.status_code == 400
    assert not Episode.objects.exists()


def count_reads(monkeypatch) -> list[str]:
    """Records each read() of an upload that Django spooled to a temporary file."""
    reads = []

    def read(upload):
        reads.append(upload.name)
        return upload.file.read

    monkeypatch.setattr(TemporaryUploadedFile, "read", property(read))
    return reads


def test_an_upload_over_20_mb_is_refused_before_it_is_read(auth_client, user, monkeypatch):
    # Django streams a large upload to a temporary file in chunks; the import must look at
    # its size and never call read() to pull 20 MB into memory.
    reads = count_reads(monkeypatch)
    upload = SimpleUploadedFile(
        "diary.json", b'{"format": "spasmlog-diary", "pad": "' + b"x" * (21 * 2**20) + b'"}'
    )
    response = auth_client.post(reverse("diary:import"), {"file": upload})
    assert response.status_code == 200
    assert "The file is 21.0 MB; the largest accepted is 20 MB." in response.content.decode()
    assert reads == []
    assert not Episode.objects.exists()


def test_an_upload_just_under_the_limit_is_read(auth_client, user, monkeypatch):
    reads = count_reads(monkeypatch)
    upload = SimpleUploadedFile("diary.json", b"{" + b" " * (3 * 2**20) + b"")
    response = auth_client.post(reverse("diary:import"), {"file": upload})
    assert response.status_code == 200
    assert reads, "the check above would pass even if nothing were ever read"
