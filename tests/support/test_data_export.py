"""A customer's copy of their data: asked for on the portal, built by the task into one zip,
announced by email with a link that expires and works only for them."""

import io
import json
import re
import zipfile
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from support.audit_models import AuditEntry
from support.data_models import DataExport
from support.models import OutboxEmail
from support.roles import Role
from tests.conftest import make_person
from tests.support.data_rights_people import BRUNO, MIREILLE, give_data, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer(db):
    return make_person("officer@example.com", Role.COMPLAINTS_OFFICER, languages=["en"])


def request_export(client, customer, capture):
    client.force_login(customer)
    with capture(execute=True):
        return client.post(reverse("data_export_request"), HTTP_ACCEPT_LANGUAGE="en")


def link_in_email(customer) -> str:
    email = OutboxEmail.objects.get(to=customer.email, dedupe_key__startswith="data-export:")
    return re.search(r"https?://\S+/accounts/data/download/\S+/", email.body_text).group()


def download(client, link: str):
    return client.get(urlsplit(link).path)


def archive(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_archive_holds_each_kind_and_the_files_and_nothing_of_others(
    client, django_capture_on_commit_callbacks
):
    customer = make_customer(MIREILLE)
    bruno = make_customer(BRUNO)
    give_data(MIREILLE, customer)
    give_data(BRUNO, bruno)

    request_export(client, customer, django_capture_on_commit_callbacks)
    response = download(client, link_in_email(customer))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names = set(archive(response).namelist())
    kinds = {name for name in names if name.endswith(".json")}
    assert {
        "support/account.json",
        "tickets/tickets.json",
        "tickets/messages.json",
        "tickets/survey_answers.json",
        "tickets/phone_numbers.json",
        "livechat/chats.json",
        "livechat/chat_messages.json",
        "complaints/complaints.json",
        "helpcenter/forum_posts.json",
    } <= kinds
    files = sorted(name for name in names if "/files/" in name)
    assert [name.split("/files/")[0] for name in files] == ["livechat", "tickets"]
    zipped = archive(download(client, link_in_email(customer)))
    statement = zipped.read(next(name for name in files if name.startswith("tickets/")))
    assert MIREILLE.address.encode() in statement
    account = json.loads(zipped.read("support/account.json"))
    assert account[0]["email"] == MIREILLE.email
    everything = b"".join(zipped.read(name) for name in names)
    for value in BRUNO.needles().values():
        assert value.encode() not in everything
    assert MIREILLE.phone.encode() in everything


def test_second_request_while_pending_says_so(client, customer):
    client.force_login(customer)
    client.post(reverse("data_export_request"))  # the task is not run: still pending

    response = client.post(reverse("data_export_request"), follow=True)

    assert DataExport.objects.filter(customer=customer).count() == 1
    assert "Your data is already being prepared." in response.content.decode()
    page = client.get(reverse("data_page")).content.decode()
    assert "Your copy is being prepared." in page


def test_link_refuses_another_customer(
    client, customer, other_customer, django_capture_on_commit_callbacks
):
    request_export(client, customer, django_capture_on_commit_callbacks)
    link = link_in_email(customer)
    client.force_login(other_customer)

    response = download(client, link)

    assert response.status_code == 404
    assert DataExport.objects.get().downloaded_at is None


def test_link_needs_sign_in(client, customer, django_capture_on_commit_callbacks):
    request_export(client, customer, django_capture_on_commit_callbacks)
    link = link_in_email(customer)
    client.logout()

    response = download(client, link)

    assert response.status_code == 302
    assert "/accounts/log-in/" in response["Location"]


def test_link_expires_after_seven_days(client, customer, django_capture_on_commit_callbacks):
    request_export(client, customer, django_capture_on_commit_callbacks)
    link = link_in_email(customer)

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = download(client, link)

    assert response.status_code == 410
    with translation.override("ko"):  # the link is in the customer's language
        expired = gettext(
            "This download link has expired. You can ask for a new copy of your data."
        )
    assert expired in response.content.decode()


def test_expired_archives_are_deleted_by_the_sweep(
    customer, client, django_capture_on_commit_callbacks
):
    from support.data_rights.exports import data_export_expire

    request_export(client, customer, django_capture_on_commit_callbacks)
    export = DataExport.objects.get()
    assert default_storage.exists(export.file_name)

    data_export_expire(now=timezone.now() + timedelta(days=8))

    export.refresh_from_db()
    assert export.status == DataExport.Status.ERASED
    assert not default_storage.exists(export.file_name or "missing")


def test_request_and_download_are_audited(client, customer, django_capture_on_commit_callbacks):
    request_export(client, customer, django_capture_on_commit_callbacks)
    download(client, link_in_email(customer))

    rows = AuditEntry.objects.order_by("pk").values_list("action", "customer_id", "object_id")
    export = DataExport.objects.get()
    assert [row for row in rows if row[0].startswith("data_export")] == [
        ("data_export_requested", customer.pk, str(export.pk)),
        ("data_export_downloaded", customer.pk, str(export.pk)),
    ]


def test_staff_have_no_export_page(client, agent):
    client.force_login(agent)
    assert client.get(reverse("data_page")).status_code == 404
    assert client.post(reverse("data_export_request")).status_code == 404
    assert not DataExport.objects.exists()


def test_request_is_post_only(client, customer):
    client.force_login(customer)
    assert client.get(reverse("data_export_request")).status_code == 405


def test_a_failing_part_marks_the_export_failed_and_the_customer_may_ask_again(
    client, customer, monkeypatch, django_capture_on_commit_callbacks
):
    from support import customer_data

    def broken(_customer):
        raise ValueError("a bug in one app's exporter")

    monkeypatch.setitem(customer_data._exporters, "zz_broken", broken)
    request_export(client, customer, django_capture_on_commit_callbacks)

    assert DataExport.objects.get().status == DataExport.Status.FAILED
    assert not OutboxEmail.objects.filter(dedupe_key__startswith="data-export:").exists()
    page = client.get(reverse("data_page")).content.decode()
    assert "Your last copy could not be prepared." in page
    monkeypatch.delitem(customer_data._exporters, "zz_broken")
    request_export(client, customer, django_capture_on_commit_callbacks)
    assert DataExport.objects.filter(status=DataExport.Status.READY).count() == 1


def test_erasure_deletes_the_archives(
    client, customer, officer, admin_user, django_capture_on_commit_callbacks
):
    from support.data_rights.erasure import erasure_approve, erasure_request

    request_export(client, customer, django_capture_on_commit_callbacks)
    export = DataExport.objects.get()
    assert default_storage.exists(export.file_name)
    erasure = erasure_request(customer=customer, by=officer, reason="Asked by email.")
    with django_capture_on_commit_callbacks(execute=True):
        erasure_approve(erasure=erasure, by=admin_user)

    assert not default_storage.exists(export.file_name)
    export.refresh_from_db()
    assert (export.status, export.file_name) == (DataExport.Status.ERASED, "")
