"""400, 403, 404 and 500 come in the app's own layout, with a way back to the diary."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.views.defaults import permission_denied

from diary.models import Episode
from tests.factories import make_episode

pytestmark = pytest.mark.django_db

BACK = '<a class="btn btn-primary" href="/">Back to your diary</a>'
LAYOUT = 'class="navbar-brand fw-semibold"'


def assert_app_page(response, status: int, heading: str) -> None:
    content = response.content.decode()
    assert response.status_code == status
    assert LAYOUT in content, "not in the app's layout"
    assert BACK in content
    assert heading in content
    assert "static/vendor/bootstrap-5.3.9/css/bootstrap.min.css" in content


def test_a_missing_page_is_a_404_in_the_layout(auth_client, user):
    response = auth_client.get("/no-such-page/")
    assert_app_page(response, 404, "There is nothing here")
    # Signed in, the page keeps the navigation and the quick-log button.
    assert "Log a spasm now" in response.content.decode()


def test_another_persons_episode_is_a_404_in_the_layout(auth_client, other_user):
    theirs = make_episode(other_user, started_at="2026-01-01T00:00Z", intensity=3)
    response = auth_client.get(reverse("diary:episode_detail", args=[theirs.pk]))
    assert_app_page(response, 404, "There is nothing here")


def test_a_bad_host_is_a_400_in_the_layout(client):
    response = client.get("/accounts/login/", HTTP_HOST="attacker.example")
    assert_app_page(response, 400, "That request couldn't be read")


def test_a_post_without_its_csrf_token_is_a_403_in_the_layout(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(reverse("diary:quick_log"), {"muscle": "calf"})
    assert_app_page(response, 403, "That form had expired")
    assert not Episode.objects.exists()


def test_a_refused_permission_is_a_403_in_the_layout(rf):
    response = permission_denied(rf.get("/admin/"), PermissionDenied())
    assert_app_page(response, 403, "That isn't open to you")


def test_a_server_error_is_a_500_in_the_layout(auth_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("diary.views.home.recent_red_flags", broken)
    auth_client.raise_request_exception = False
    response = auth_client.get(reverse("diary:home"))
    assert_app_page(response, 500, "Something went wrong on our side")
    assert not settings.DEBUG
