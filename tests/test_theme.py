"""The theme chosen on the account page: remembered per person, in the HTML before first paint."""

import pytest
from django.urls import reverse

from diary.models import Profile

ACCOUNT_URL = reverse("diary:account")


def test_it_remembers_the_chosen_theme(auth_client, user):
    response = auth_client.post(ACCOUNT_URL, {"time_zone": "Europe/Berlin", "theme": "dark"})
    assert response.status_code == 302
    assert Profile.objects.get(user=user).theme == "dark"


def test_a_form_without_the_theme_keeps_the_one_chosen_before(auth_client, user):
    Profile.objects.filter(user=user).update(theme="light")
    auth_client.post(ACCOUNT_URL, {"time_zone": "Europe/Berlin"})
    assert Profile.objects.get(user=user).theme == "light"


def test_an_unknown_theme_is_refused_and_nothing_saved(auth_client, user):
    response = auth_client.post(ACCOUNT_URL, {"time_zone": "UTC", "theme": "sepia"})
    assert response.status_code == 200
    assert "Select a valid choice: that is not one of the options." in response.text
    assert "sepia" not in response.text
    assert Profile.objects.get(user=user).time_zone == "Europe/Berlin"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_chosen_theme_is_in_the_page_itself_so_the_first_paint_has_it(auth_client, user, theme):
    Profile.objects.filter(user=user).update(theme=theme)
    html = auth_client.get(reverse("diary:home")).text
    assert f'<html lang="en" data-bs-theme="{theme}" data-theme-chosen>' in html
    assert f'<meta name="color-scheme" content="{theme}">' in html


def test_following_the_device_leaves_the_choice_to_the_stylesheet_script(auth_client, client):
    for html in (auth_client.get(reverse("diary:home")).text, client.get("/accounts/login/").text):
        assert '<html lang="en">' in html
        assert '<meta name="color-scheme" content="light dark">' in html
