"""The customer's emails: queued in the complaint's language with its dates written the way that
language writes them, and never carrying a secret the customer pasted anywhere."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.models import ComplaintAttachment
from support.models import OutboxEmail
from tests.tickets.leaks import phrase, phrase_leaks

MONDAY = datetime(2026, 11, 30, 10, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)

# The acknowledgement is due Tuesday 1 December 10:00, the decision Monday 21 December 10:00
# (UTC), as each language writes them (support/formats/: Korean 오전/오후 before the time).
DATES = {
    "en": ("Dec. 1, 2026, 10 a.m.", "Dec. 21, 2026"),
    "zh-hans": ("2026年12月1日 10:00", "2026年12月21日"),
    "zh-hant": ("2026年12月1日 10:00", "2026年12月21日"),
    "ko": ("2026년 12월 1일 오전 10:00", "2026년 12월 21일"),
    "ja": ("2026年12月1日 10:00", "2026年12月21日"),
}


@pytest.mark.parametrize("language", list(DATES))
def test_the_received_email_is_queued_in_the_complaint_language(language, file_complaint):
    with time_machine.travel(MONDAY, tick=False):
        complaint = file_complaint(language=language)

    email = OutboxEmail.objects.get(dedupe_key=f"complaint:{complaint.pk}:received")
    acknowledge_by, decide_by = DATES[language]
    assert (email.to, email.language) == ("owner@example.com", language)
    assert complaint.reference in email.subject
    for body in (email.body_text, email.body_html):
        assert complaint.reference in body
        assert acknowledge_by in body
        assert decide_by in body
        assert f"/{language}/" in body  # the links open the pages in the same language


def test_due_times_are_written_in_utc_whatever_the_server_timezone(file_complaint, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    with time_machine.travel(MONDAY, tick=False):
        complaint = file_complaint(language="en")

    email = OutboxEmail.objects.get(dedupe_key=f"complaint:{complaint.pk}:received")
    assert "Dec. 1, 2026, 10 a.m. (UTC)" in email.body_text


def test_each_step_emails_the_customer_once_in_their_language(
    file_complaint, officer, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint(language="zh-hant")
        services.complaint_acknowledge(complaint=complaint, by=officer)
        services.complaint_decide(complaint=complaint, by=officer, outcome="upheld", reason="是")
        services.complaint_accept(complaint=complaint, customer=customer)

    sent = OutboxEmail.objects.filter(to=customer.email).order_by("pk")
    assert [e.dedupe_key.split(":", 2)[2] for e in sent] == [
        "received",
        "acknowledged",
        "decided",
        "closed",
    ]
    assert {e.language for e in sent} == {"zh-hant"}
    assert len(mail.outbox) == 4
    assert all(e.sent_at is not None for e in sent)


def _upload(words: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{words}.png".replace(" ", "_"), PNG, content_type="image/png")


def test_a_seed_phrase_the_customer_writes_anywhere_is_stored_and_emailed_nowhere(
    file_complaint,
    officer,
    reviewer,
    customer,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    """G1, G5: description, outcome wanted, a reply, the appeal's grounds and a file name."""
    settings.MEDIA_ROOT = tmp_path
    described, wanted, replied, appealed = phrase(), phrase(), phrase(), phrase()
    in_name = phrase(strength=256)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint(
            description=f"My withdrawal is held. My seed words:\n{described}\nplease help",
            desired_outcome=f"Restore access: {wanted}",
            uploads=[_upload(in_name)],
        )
        services.complaint_acknowledge(complaint=complaint, by=officer)
        services.complaint_request_information(complaint=complaint, by=officer, text="Proof?")
        services.complaint_customer_reply(
            complaint=complaint, customer=customer, text=f"Here:\n{replied}", uploads=[]
        )
        services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="No.")
        services.appeal_submit(complaint=complaint, customer=customer, grounds=f"See {appealed}")

    assert ComplaintAttachment.objects.filter(complaint=complaint).count() == 1
    for secret in (described, wanted, replied, appealed, in_name):
        assert phrase_leaks(secret) == {}, secret
    sent_words = set()
    for email in OutboxEmail.objects.all():
        sent_words |= set(f"{email.subject} {email.body_text} {email.body_html}".lower().split())
    for message in mail.outbox:
        sent_words |= set(f"{message.subject} {message.body}".lower().split())
    for secret in (described, wanted, replied, appealed, in_name):
        assert not set(secret.split()) & sent_words


def test_a_customer_message_during_the_appeal_goes_to_its_reviewer_not_the_officer(
    file_complaint, officer, reviewer, customer
):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    before = services.complaint_customer_reply(
        complaint=complaint, customer=customer, text="Any news?"
    )
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="No.")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")
    services.appeal_take(complaint=complaint, by=reviewer)

    during = services.complaint_customer_reply(
        complaint=complaint, customer=customer, text="Here is the bank letter."
    )

    def told(message) -> list[str]:
        prefix = f"complaint:{complaint.pk}:reply:{message.pk}:"
        return list(
            OutboxEmail.objects.filter(dedupe_key__startswith=prefix).values_list("to", flat=True)
        )

    assert told(before) == [officer.email]
    assert told(during) == [reviewer.email]


def test_a_customer_who_pastes_a_seed_phrase_is_told_it_was_removed(file_complaint, customer):
    """The complaint stores the phrase redacted and the customer gets the security notice."""
    complaint = file_complaint(description=f"My words are {phrase()} please help")
    notice = OutboxEmail.objects.get(dedupe_key=f"complaint:{complaint.pk}:secrets:submitted")
    assert notice.to == customer.email and complaint.reference in notice.subject
    assert "[" in complaint.description


def test_notices_say_a_program_wrote_them_and_staff_letters_do_not(
    file_complaint, officer, django_capture_on_commit_callbacks
):
    """RFC 3834: the customer's out-of-office reply may answer what a person wrote (the
    decision's letter), never the workflow's notices."""
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint(language="en")
        services.complaint_acknowledge(complaint=complaint, by=officer)
        services.complaint_decide(complaint=complaint, by=officer, outcome="upheld", reason="Yes")

    sent = {message.subject: message.message() for message in mail.outbox}
    rendered = {
        email.dedupe_key.split(":", 2)[2]: sent[email.subject]
        for email in OutboxEmail.objects.filter(to=complaint.email)
    }
    assert rendered["received"]["Auto-Submitted"] == "auto-generated"
    assert rendered["acknowledged"]["Auto-Submitted"] == "auto-generated"
    assert rendered["decided"]["Auto-Submitted"] is None
    assert rendered["decided"]["X-Auto-Response-Suppress"] is None
