"""Every URL answers only the HTTP methods it is for.

A page answers HEAD as it answers GET (without the body); a page with no form posting to itself
refuses POST with 405; PUT, PATCH, DELETE and the rest are refused everywhere, since the app is
links and HTML forms.
"""

import pytest

from diary.models import Episode
from tests.security_routes import app_routes, fill, make_diary, page_forms

pytestmark = pytest.mark.django_db

REFUSED_EVERYWHERE = ("put", "patch", "delete", "options", "trace")
# Pages whose form shows only in a state the filled-in URL doesn't reach.
FORM_ONLY_WHEN_VALID = {"password_reset_confirm"}  # the link here is an invalid one


def _posts_to_itself(path: str, page: str) -> bool:
    return any(form.posts_to(path) for form in page_forms(page).forms)


def _routes_for(client, user, signed_in: bool):
    diary = make_diary(user, "methods")
    if signed_in:
        client.force_login(user)
    for route in app_routes():
        if route.is_public == signed_in:
            continue
        yield from ((route, path) for path in fill(route, diary))


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "anonymous"])
def test_each_url_answers_only_its_own_methods(client, user, signed_in):
    head_checked = post_refused = 0
    for route, path in _routes_for(client, user, signed_in):
        got = client.get(path)
        head = client.head(path)
        assert head.status_code == got.status_code, f"HEAD {route}: {head.status_code}"
        assert head.content == b"", f"HEAD {route} sent a body"
        head_checked += 1
        for method in REFUSED_EVERYWHERE:
            response = getattr(client, method)(path)
            assert response.status_code == 405, f"{method.upper()} {route}"
        page = got.content.decode(errors="replace") if got.status_code == 200 else ""
        if route.name in FORM_ONLY_WHEN_VALID:
            continue
        if got.status_code == 200 and not _posts_to_itself(path, page):
            assert client.post(path).status_code == 405, f"POST {route} has no form to take it"
            post_refused += 1
    print(f"methods: HEAD as GET on {head_checked} URLs, POST refused on {post_refused}")
    assert head_checked
    if signed_in:
        assert post_refused >= 5  # the episode page, the lists, the exports, the charts


def test_the_episode_page_refuses_post_put_and_delete(auth_client, user):
    diary = make_diary(user, "methods")
    path = f"/episodes/{diary.objects[Episode]}/"
    for method in ("post", "put", "delete"):
        assert getattr(auth_client, method)(path).status_code == 405, method
    assert auth_client.head(path).status_code == 200
