"""The page frame's fixed links (sankangaku.navigation): the same URLs `{% url %}` gives,
for the script prefix and URLconf in force, and on every page."""

import pytest
from django.test import RequestFactory
from django.urls import clear_script_prefix, reverse, set_script_prefix

from sankangaku.navigation import SITE_URL_NAMES, site_urls


def _urls() -> dict[str, str]:
    return site_urls(RequestFactory().get("/"))["site_urls"]


def test_the_links_are_what_reverse_gives():
    assert _urls() == {key: reverse(name) for key, name in SITE_URL_NAMES.items()}


def test_a_script_prefix_is_honoured():
    set_script_prefix("/portal/")
    try:
        urls = _urls()
        assert urls["postings"] == reverse("partners:posting_list")
        assert all(url.startswith("/portal/") for url in urls.values())
    finally:
        clear_script_prefix()
    assert not _urls()["postings"].startswith("/portal/")


@pytest.mark.django_db
def test_the_header_and_badge_link_to_them(client, personas):
    client.force_login(personas.company_admin)
    page = client.get(reverse("partners:posting_list")).content.decode()
    for key in ("home", "postings", "organisations", "dashboard", "projects", "profile", "inbox"):
        assert f'href="{reverse(SITE_URL_NAMES[key])}"' in page
    assert f'hx-get="{reverse("notifications:badge")}"' in page
    assert f'action="{reverse("account_logout")}"' in page
    anonymous = client.__class__().get(reverse("partners:home")).content.decode()
    assert f'href="{reverse("account_login")}"' in anonymous
    assert f'href="{reverse("account_signup")}"' in anonymous
