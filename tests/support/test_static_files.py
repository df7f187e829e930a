"""Static files are named by content hash, cached for a year, served gzipped, and our ES modules
import each other under the hashed names."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

HASHED = re.compile(r"/static/support/site\.[0-9a-f]{12}\.css")
YEAR_IMMUTABLE = "max-age=315360000, public, immutable"


@pytest.mark.django_db
def test_pages_name_static_files_by_content_hash(client):
    page = client.get("/en/")

    assert page.status_code == 200
    assert HASHED.search(page.content.decode())


@pytest.mark.django_db
def test_a_hashed_file_is_cached_for_a_year_and_a_plain_name_briefly(client):
    hashed = staticfiles_storage.url("support/site.css")

    response = client.get(hashed)
    plain = client.get("/static/support/site.css")

    assert response.status_code == 200
    assert response["Cache-Control"] == YEAR_IMMUTABLE
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]


def test_module_imports_point_at_the_hashed_module():
    """The ticket page's module imports the shared shortcut module by relative path;
    collected, the import names the hashed file, which exists."""
    collected = staticfiles_storage.url("tickets/console.js")
    name = collected.removeprefix(django_settings.STATIC_URL)
    source = staticfiles_storage.open(name).read().decode()

    imported = re.search(r'import \{ bindShortcuts \} from "([^"]+)";', source).group(1)
    shortcuts = staticfiles_storage.url("support/shortcuts.js").rsplit("/", 1)[1]
    assert imported == f"../support/{shortcuts}"
    assert re.fullmatch(r"shortcuts\.[0-9a-f]{12}\.js", shortcuts)


@pytest.mark.django_db
def test_collected_files_are_served_gzipped(settings, tmp_path):
    """The production collection writes a gzip copy beside each text file; a browser that
    accepts gzip gets it (our own apps only here: the vendored admin and API docs files would
    only make the run slower)."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "support.staticfiles.StaticFilesStorage"},
    }
    vendors = ["admin", "drf_spectacular_sidecar", "rest_framework", "modeltranslation"]
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=vendors)
    url = staticfiles_storage.url("support/site.css")

    response = Client().get(url, headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == YEAR_IMMUTABLE
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == (tmp_path / url.removeprefix("/static/")).read_bytes()


@pytest.mark.django_db
def test_every_page_names_our_icon_and_favicon_ico_leads_to_it(client):
    """No page asks for an icon that is not there: pages name ours, and browsers that ask
    /favicon.ico anyway (the admin, a file) are sent to it."""
    icon = staticfiles_storage.url("support/favicon.svg")

    page = client.get("/en/").content.decode()
    redirect = client.get("/favicon.ico")
    served = client.get(redirect["Location"])

    assert f'<link rel="icon" href="{icon}" type="image/svg+xml">' in page
    assert redirect.status_code == 302
    assert redirect["Location"] == icon
    assert served.status_code == 200
    assert served["Content-Type"] == "image/svg+xml"


def test_jquery_ui_comes_from_its_package_and_other_names_are_not_found():
    """The admin's jQuery UI is found in its Python package (never a copy in this repository);
    a name no finder has stays "not found" (DEBUG serves through the finders)."""
    found = finders.find("jquery-ui/jquery-ui.min.js")

    assert "site-packages" in found or "dist-packages" in found
    assert Path(found).read_bytes().startswith(b"/*! jQuery UI - v1.13")
    assert finders.find("support/no-such-file.css") is None
    assert finders.find("support/no-such-file.css", find_all=True) == []
