"""The public status page: a reference, then a one-time code emailed to the complaint's
address. Nothing it answers tells whether a reference exists (ATTACKS F10, F12)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import TrackingCode
from support.models import OutboxEmail

TRACK = "/en/complaints/track/"
STATUS = "/en/complaints/track/status/"
CODE_RE = re.compile(r"\b(\d{4} \d{4} \d{4})\b")
TOKEN_RE = re.compile(r'(name="csrfmiddlewaretoken" value|data-csrf)="[^"]+"')
UNKNOWN = "C-999999"


def neutral(response, *references: str) -> tuple[int, str]:
    """The response as compared: its status and its body without the CSRF tokens (masked anew
    on every page) and the reference the visitor typed (echoed back in the form)."""
    body = TOKEN_RE.sub("csrf", response.content.decode())
    for reference in references:
        body = body.replace(reference, "REFERENCE")
    return response.status_code, body


def ask_code(client, reference: str, **headers):
    return client.post(TRACK, {"reference": reference}, **headers)


def emailed_code(complaint) -> str:
    email = OutboxEmail.objects.filter(dedupe_key__startswith=f"complaint:{complaint.pk}:tracking")
    return CODE_RE.search(email.latest("id").body_text).group(1)


def show(client, reference: str, code: str):
    return client.post(STATUS, {"reference": reference, "code": code})


def test_known_and_unknown_references_get_the_same_answer(client, file_complaint):
    complaint = file_complaint()
    known = ask_code(client, complaint.reference)
    unknown = ask_code(client, UNKNOWN)
    assert neutral(known, complaint.reference) == neutral(unknown, UNKNOWN)
    assert known.status_code == 200
    text = known.content.decode()
    assert "If this reference exists, we have emailed a one-time code" in text
    assert OutboxEmail.objects.filter(dedupe_key__contains=":tracking:").count() == 1


def test_the_code_goes_to_the_complaints_address_and_only_its_hash_is_kept(
    client, customer, file_complaint
):
    complaint = file_complaint()
    ask_code(client, complaint.reference.lower())  # typed in lower case: still found
    email = OutboxEmail.objects.get(dedupe_key__contains=":tracking:")
    assert email.to == customer.email
    code = emailed_code(complaint)
    row = TrackingCode.objects.get()
    assert len(row.code_hash) == 64
    assert code.replace(" ", "") not in row.code_hash
    assert row.expires_at - row.created_at == timedelta(minutes=15)


def test_a_valid_code_shows_the_status_once(client, file_complaint, officer):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    ask_code(client, complaint.reference)
    code = emailed_code(complaint)
    response = show(client, complaint.reference, code.replace(" ", "-"))
    html = response.content.decode()
    assert response.status_code == 200
    assert complaint.reference in html
    assert "Acknowledged" in html
    assert "Withdrawal or deposit delay" in html
    assert response["Cache-Control"].startswith("max-age=0")
    again = show(client, complaint.reference, code)
    assert again.status_code == 400
    assert 'data-testid="track-refused"' in again.content.decode()


def test_wrong_used_and_expired_codes_answer_like_an_unknown_reference(client, file_complaint):
    complaint = file_complaint()
    ask_code(client, complaint.reference)
    code = emailed_code(complaint)
    unknown = neutral(show(client, UNKNOWN, "1234 5678 9012"), UNKNOWN)
    wrong = neutral(show(client, complaint.reference, "1234 5678 9012"), complaint.reference)
    assert wrong == unknown
    assert show(client, complaint.reference, code).status_code == 200
    used = neutral(show(client, complaint.reference, code), complaint.reference)
    assert used == unknown
    TrackingCode.objects.update(created_at=timezone.now() - timedelta(minutes=20))
    ask_code(client, complaint.reference)
    fresh = emailed_code(complaint)
    TrackingCode.objects.filter(used_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired = neutral(show(client, complaint.reference, fresh), complaint.reference)
    assert expired == unknown
    assert unknown[0] == 400


def test_a_code_works_only_for_its_own_reference(client, file_complaint):
    first, second = file_complaint(), file_complaint()
    ask_code(client, first.reference)
    code = emailed_code(first)
    assert show(client, second.reference, code).status_code == 400
    assert show(client, first.reference, code).status_code == 200


def test_a_new_code_at_most_once_a_minute(client, file_complaint):
    complaint = file_complaint()
    ask_code(client, complaint.reference)
    ask_code(client, complaint.reference)
    assert TrackingCode.objects.count() == 1
    TrackingCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    ask_code(client, complaint.reference)
    assert TrackingCode.objects.count() == 2
    assert OutboxEmail.objects.filter(dedupe_key__contains=":tracking:").count() == 2


def test_lookups_are_throttled_per_client(client, file_complaint, settings):
    settings.THROTTLE_TRACKING_LOOKUP = "3/hour"
    complaint = file_complaint()
    assert ask_code(client, UNKNOWN).status_code == 200
    assert show(client, UNKNOWN, "1234 5678 9012").status_code == 400
    assert ask_code(client, complaint.reference).status_code == 200
    for response in (
        ask_code(client, complaint.reference),
        show(client, complaint.reference, "1234 5678 9012"),
    ):
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert "Too many requests" in response.content.decode()
    assert TrackingCode.objects.count() == 1


def test_throttle_keys_on_the_real_client_not_a_claimed_one(client, file_complaint, settings):
    """The client rotating X-Forwarded-For from the internet is still one client."""
    settings.THROTTLE_TRACKING_LOOKUP = "2/hour"
    for number in range(2):
        ask_code(client, UNKNOWN, HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    response = ask_code(client, UNKNOWN, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_status_shows_the_decision_but_no_notes_messages_or_people(
    client, customer, file_complaint, officer
):
    complaint = file_complaint(description="My withdrawal W-9 to my cold wallet is held.")
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_note(complaint=complaint, by=officer, text="internal: AML flag raised")
    services.complaint_message(complaint=complaint, by=officer, text="Please wait for us.")
    services.complaint_decide(
        complaint=complaint, by=officer, outcome="upheld", reason="The hold was our mistake."
    )
    ask_code(client, complaint.reference)
    html = show(client, complaint.reference, emailed_code(complaint)).content.decode()
    assert "Decided" in html and "Upheld" in html
    assert "The hold was our mistake." in html
    assert "You may appeal until" in html
    for private in (
        "AML flag",
        "Please wait for us.",
        "cold wallet",
        customer.email,
        officer.email,
        "Complaints officer",
    ):
        assert private not in html, private


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant", "ko", "ja"])
def test_status_page_renders_in_every_language(client, file_complaint, language):
    complaint = file_complaint()
    assert client.get(f"/{language}/complaints/track/").status_code == 200
    client.post(f"/{language}/complaints/track/", {"reference": complaint.reference})
    code = emailed_code(complaint)
    response = client.post(
        f"/{language}/complaints/track/status/", {"reference": complaint.reference, "code": code}
    )
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
