"""Input far larger than any diary entry is refused with a message, and never read whole."""

import os
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
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


@dataclass
class Spooled:
    """What Django's temporary-file handler wrote to disk: chunk sizes, and the files."""

    chunk_sizes: list[int] = field(default_factory=list)
    paths: set[str] = field(default_factory=set)


def watch_spooling(monkeypatch) -> Spooled:
    spooled = Spooled()
    write_chunk = TemporaryFileUploadHandler.receive_data_chunk

    def receive_data_chunk(handler, raw_data, start):
        spooled.chunk_sizes.append(len(raw_data))
        spooled.paths.add(handler.file.temporary_file_path())
        return write_chunk(handler, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", receive_data_chunk)
    return spooled


def padded_diary(size: int) -> bytes:
    """An empty diary file of exactly `size` bytes."""
    document = b'{"format": "spasmlog-diary", "version": 1, "timezone": "Europe/Berlin"}'
    return document + b" " * (size - len(document))


@pytest.fixture
def csrf_client(user):
    # Enforces CSRF as a browser request meets it, so a refused upload can't end in a 403.
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("diary:import"))
    return client


def post_with_csrf_token(client: Client, content: bytes):
    # As the page's form sends it: the token field comes before the file.
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    return client.post(
        reverse("diary:import"),
        {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile("diary.json", content)},
    )


def test_an_upload_over_the_limit_is_stopped_as_it_arrives(csrf_client, settings, monkeypatch):
    settings.MAX_UPLOAD_BYTES = 256 * 2**10
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 2**10  # spooled to disk, as a big file is
    spooled = watch_spooling(monkeypatch)

    response = post_with_csrf_token(csrf_client, padded_diary(2**20))

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file is larger than 0.25 MB, the largest accepted."
    ]
    assert 0 < sum(spooled.chunk_sizes) <= settings.MAX_UPLOAD_BYTES
    assert len(spooled.paths) == 1
    assert not any(os.path.exists(path) for path in spooled.paths)  # the partial file is gone
    assert not Episode.objects.exists()


def test_an_upload_of_exactly_the_limit_is_read_and_previewed(csrf_client, settings, monkeypatch):
    settings.MAX_UPLOAD_BYTES = 256 * 2**10
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 2**10
    spooled = watch_spooling(monkeypatch)

    response = post_with_csrf_token(csrf_client, padded_diary(settings.MAX_UPLOAD_BYTES))

    assert response.status_code == 200
    assert str(response.context["preview"]["summary"]) == "the file holds no records"
    assert sum(spooled.chunk_sizes) == settings.MAX_UPLOAD_BYTES


def test_an_upload_over_the_real_limit_is_refused_before_it_is_stored_whole(
    csrf_client, settings, monkeypatch
):
    # The real limit (64 MB): Django would spool the whole file to a temporary file; the upload
    # handler stops it at the limit and the rest of the body is read and thrown away.
    limit = settings.MAX_UPLOAD_BYTES
    assert limit == 64 * 2**20
    spooled = watch_spooling(monkeypatch)
    reads = count_reads(monkeypatch)

    response = post_with_csrf_token(csrf_client, padded_diary(limit + 2**20))

    assert response.status_code == 200
    assert "The file is larger than 64 MB, the largest accepted." in response.content.decode()
    assert sum(spooled.chunk_sizes) <= limit
    assert reads == []
    assert not Episode.objects.exists()


def test_an_upload_just_under_the_limit_is_read(auth_client, user, monkeypatch):
    reads = count_reads(monkeypatch)
    upload = SimpleUploadedFile("diary.json", b"{" + b" " * (3 * 2**20) + b"")
    response = auth_client.post(reverse("diary:import"), {"file": upload})
    assert response.status_code == 200
    assert reads, "the check above would pass even if nothing were ever read"


def test_an_anonymous_upload_is_never_stored(settings, monkeypatch):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 2**10  # a big file is spooled to disk
    spooled = watch_spooling(monkeypatch)
    # As in the review: a CSRF cookie and token from the log-in page, so the check parses the
    # whole body before the log-in redirect.
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("login"))
    token = browser.cookies[django_settings.CSRF_COOKIE_NAME].value
    files = {f"file{n}": SimpleUploadedFile(f"{n}.json", padded_diary(2**20)) for n in range(3)}

    response = browser.post(reverse("diary:import"), {"csrfmiddlewaretoken": token, **files})

    assert response.status_code in (302, 400)
    assert spooled.chunk_sizes == []


def test_a_second_file_in_one_request_is_refused(auth_client, user, monkeypatch):
    response = auth_client.post(
        reverse("diary:import"),
        {
            "file": SimpleUploadedFile("a.json", padded_diary(1000)),
            "other": SimpleUploadedFile("b.json", padded_diary(1000)),
        },
    )
    assert response.status_code == 400
    assert not Episode.objects.exists()
