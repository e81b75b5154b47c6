"""Share links: a read-only report for a clinician, opened without an account."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.files.portability import delete_account, delete_diary_data
from diary.models import ShareLink, ShareLinkOpening
from diary.sharing import OPENINGS_PER_WINDOW
from tests.factories import make_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(user):
    return make_episode(
        user,
        started_at=timezone.now() - timedelta(days=2),
        intensity=6,
        notes="SHARED-NOTE <b>bold?</b>",
    )


def share(client, days="7", sections=("", "episodes", "charts")) -> str:
    """Makes a link for the last 30 days; returns its path."""
    today = timezone.localdate()
    response = client.post(
        reverse("diary:share_create"),
        {
            "start": (today - timedelta(days=29)).isoformat(),
            "end": today.isoformat(),
            "paper": "letter",
            "sections": list(sections),
            "days": days,
        },
    )
    assert response.status_code == 200, response.content
    assert "no-store" in response["Cache-Control"]
    url = re.search(r'value="(http://testserver/shared/[^"]+/)"', response.content.decode())
    return url.group(1).removeprefix("http://testserver")


def token_of(path: str) -> str:
    return path.split("/")[2]


def test_making_a_link_stores_only_a_hash_of_a_long_random_token(auth_client, user):
    path = share(auth_client)
    token = token_of(path)
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    link = ShareLink.objects.get(user=user)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(value) for value in vars(link).values())
    assert token not in stored
    assert link.paper == "letter" and link.sections == ["episodes", "charts"]
    assert timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= timedelta(days=7)


def test_the_token_opens_the_report_and_its_pdf_without_an_account(auth_client, episode):
    path = share(auth_client)
    doctor = Client()
    page = doctor.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "SHARED-NOTE &lt;b&gt;bold?&lt;/b&gt;" in html
    assert "as it is now" in html
    for response in (page, doctor.get(f"{path}report.pdf")):
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Cache-Control"] == "no-store"
        assert response["X-Robots-Tag"] == "noindex"
    assert doctor.get(f"{path}report.pdf")["Content-Type"] == "application/pdf"
    charts = re.findall(r'<img src="([^"?]+)', html)
    assert charts and all(doctor.get(url).status_code == 200 for url in charts)


def test_the_token_reaches_nothing_else(auth_client, episode):
    path = share(auth_client, sections=("", "episodes"))
    doctor = Client()
    assert doctor.get(path).status_code == 200
    assert "_auth_user_id" not in doctor.session
    for other in (reverse("diary:episode_list"), reverse("diary:report"), "/insights.json"):
        assert doctor.get(other).url.startswith("/accounts/login/")
    # Charts are not among the sections shared.
    chart = reverse("diary:shared_report_chart", args=[token_of(path), "weekly"])
    assert doctor.get(chart).status_code == 404


def test_openings_are_logged_and_listed_on_the_account_page(auth_client, user, episode):
    path = share(auth_client)
    doctor = Client()
    doctor.get(path)
    doctor.get(f"{path}report.pdf")
    link = ShareLink.objects.get(user=user)
    assert list(link.openings.values_list("pdf", flat=True).order_by("opened_at")) == [
        False,
        True,
    ]
    account = auth_client.get(reverse("diary:account")).content.decode()
    assert "Opened: " in account and "(PDF)" in account


def test_expired_revoked_and_unknown_tokens_answer_alike(auth_client, user):
    expired = share(auth_client)
    ShareLink.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked = share(auth_client)
    link = ShareLink.objects.get(token_hash=hashlib.sha256(token_of(revoked).encode()).hexdigest())
    assert auth_client.post(reverse("diary:share_revoke", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    unknown = "/shared/" + "A" * 43 + "/"
    doctor = Client()
    answers = []
    for path in (expired, revoked, unknown):
        for suffix in ("", "report.pdf", "charts/weekly.svg"):
            response = doctor.get(path + suffix)
            answers.append(
                (
                    response.status_code,
                    response.content,
                    response["Content-Type"],
                    response["Cache-Control"],
                )
            )
    assert len(set(answers)) == 1
    assert answers[0][0] == 404
    assert not ShareLinkOpening.objects.exists()


def test_opening_links_is_rate_limited_per_address():
    doctor = Client()
    unknown = "/shared/" + "B" * 43 + "/"
    statuses = [doctor.get(unknown).status_code for _ in range(OPENINGS_PER_WINDOW)]
    assert set(statuses) == {404}
    assert doctor.get(unknown).status_code == 429
    # Another address is not held back.
    assert Client(REMOTE_ADDR="10.0.0.9").get(unknown).status_code == 404


@pytest.mark.parametrize("days", ["0", "31", "seven"])
def test_an_expiry_outside_1_to_30_days_is_refused(auth_client, user, days):
    response = auth_client.post(
        reverse("diary:share_create"), {"period": "90", "days": days, "sections": [""]}
    )
    assert response.status_code == 400
    assert "The link works for:" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_another_persons_link_cannot_be_revoked(auth_client, other_user):
    link = ShareLink.objects.create(
        user=other_user,
        token_hash="x" * 64,
        first_day=timezone.localdate(),
        last_day=timezone.localdate(),
        paper="a4",
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert auth_client.post(reverse("diary:share_revoke", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_links_go_with_the_diary_and_with_the_account(auth_client, user):
    share(auth_client)
    delete_diary_data(user)
    assert not ShareLink.objects.exists()
    share(auth_client)
    Client().get(share(auth_client))
    delete_account(user)
    assert not ShareLink.objects.exists()
    assert not ShareLinkOpening.objects.exists()
