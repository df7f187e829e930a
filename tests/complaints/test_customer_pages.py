"""The customer's complaint pages: the form, my complaints, the complaint's page and its
actions, attachments; outsiders get 404 and change nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from complaints import customer_pages, services
from complaints.models import Appeal, Complaint, ComplaintMessage, Stage
from livechat.models import Conversation
from support.models import OutboxEmail
from tests.conftest import PASSWORD
from tests.tickets.leaks import phrase, phrase_leaks
from tickets.intake import InboundMessage, intake_message

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LANGUAGES = ("en", "zh-hans", "zh-hant", "ko", "ja")


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def owner(client, customer):
    return signed_in(client, customer)


@pytest.fixture
def ticket_of(db):
    def receive(person, subject="Withdrawal stuck"):
        message = InboundMessage(
            channel="web",
            customer_email=person.email,
            subject=subject,
            text="My USDT withdrawal has been pending for six hours.",
        )
        return intake_message(message)

    return receive


def form_data(**fields) -> dict:
    data = {
        "category": "transfer_delay",
        "description": "My withdrawal W-9 has been held for five days without a reason.",
        "desired_outcome": "Release the withdrawal.",
    }
    return {**data, **fields}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def decided(file_complaint, officer, **fields):
    complaint = file_complaint(**fields)
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(
        complaint=complaint,
        by=officer,
        outcome="rejected",
        reason="The hold followed a legal order from the bank.",
        remedy="None.",
    )
    complaint.refresh_from_db()
    return complaint


# --- The form --------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in_and_back(client, db):
    response = client.get("/en/complaints/new/?ticket=T-000001")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/log-in/?next=/en/complaints/new/")


def test_form_files_a_complaint_and_queues_the_acknowledgement_in_korean(
    owner, customer, account, ticket_of, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    ticket = ticket_of(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            "/ko/complaints/new/",
            form_data(
                tickets=[ticket.reference],
                transactions=["W-9"],
                attachments=[SimpleUploadedFile("held.png", PNG, content_type="image/png")],
            ),
        )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ko/complaints/{complaint.reference}/"
    assert list(complaint.tickets.values_list("reference", flat=True)) == [ticket.reference]
    assert complaint.transactions == ["W-9"]
    assert (complaint.source, complaint.conversation_id) == ("form", None)
    assert complaint.attachments.get().content_type == "image/png"
    email = OutboxEmail.objects.get(dedupe_key=f"complaint:{complaint.pk}:received")
    assert (email.to, email.language) == (customer.email, "ko")
    assert complaint.reference in email.body_text
    followed = page(owner, response["Location"])
    assert complaint.reference in followed
    assert 'class="messages"' in followed


def test_success_message_names_the_reference_and_the_email(owner, customer):
    response = owner.post("/en/complaints/new/", form_data(), follow=True)
    complaint = Complaint.objects.get()
    text = response.content.decode()
    assert f"Your complaint {complaint.reference} was received" in text
    assert "emailed you an acknowledgement" in text


def test_ticket_page_link_preselects_the_ticket(owner, customer, ticket_of):
    ticket = ticket_of(customer)
    html = page(owner, f"/en/tickets/{ticket.reference}/")
    assert f'href="/en/complaints/new/?ticket={ticket.reference}"' in html
    form = page(owner, f"/en/complaints/new/?ticket={ticket.reference}")
    assert f'value="{ticket.reference}"' in form
    assert f'value="{ticket.reference}" id="id_tickets_0" checked' in form


def test_form_lists_my_exchange_transfers(owner, account):
    html = page(owner, "/en/complaints/new/")
    assert 'value="W-9"' in html
    assert "Held for review" in html


def test_seed_phrase_in_the_description_is_stored_redacted(owner, customer):
    """G1: a real BIP39 phrase typed into the complaint form is never stored."""
    secret = phrase()
    # No BIP39 word beside the phrase: the redaction may take a neighbouring one with it
    # whenever the words shifted by one also carry a valid checksum (1 time in 16).
    description = f"My savings were drained after I typed {secret} on a fake site."
    response = owner.post("/en/complaints/new/", form_data(description=description))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.description == (
        "My savings were drained after I typed [seed phrase removed] on a fake site."
    )
    assert phrase_leaks(secret) == {}


def test_another_customers_ticket_is_refused_and_nothing_stored(
    owner, customer, other_customer, ticket_of
):
    theirs = ticket_of(other_customer, subject="Their withdrawal")
    typed = "Nobody answered me about my withdrawal for a whole week."
    response = owner.post(
        "/en/complaints/new/", form_data(description=typed, tickets=[theirs.reference])
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f"{theirs.reference} is not one of your tickets." in html
    assert typed in html  # what they wrote is kept
    assert "Their withdrawal" not in html
    assert Complaint.objects.count() == 0
    assert not OutboxEmail.objects.filter(dedupe_key__startswith="complaint:").exists()


def test_an_unknown_transaction_is_refused_in_the_page_language_and_nothing_stored(owner, account):
    response = owner.post("/ko/complaints/new/", form_data(transactions=["W-404"]))
    with translation.override("ko"):
        expected = translation.gettext("%(id)s is not one of your transactions.")
    assert response.status_code == 400
    assert (expected % {"id": "W-404"}) in response.content.decode()
    assert Complaint.objects.count() == 0


def test_form_works_while_the_exchange_is_down(owner, customer, account, settings):
    settings.EXCHANGE_API_URL = "http://127.0.0.1:9/v1"  # nothing listens: connection refused
    html = page(owner, "/en/complaints/new/")
    assert 'data-testid="transfers-notice"' in html
    assert 'value="W-9"' not in html
    response = owner.post("/en/complaints/new/", form_data())
    assert response.status_code == 302
    assert Complaint.objects.get().transactions == []


def test_a_refused_file_is_a_form_error_and_nothing_stored(owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("run.png", b"MZ\x90\x00" + b"\x00" * 60, content_type="image/png")
    response = owner.post("/en/complaints/new/", form_data(attachments=[upload]))
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in response.content.decode()
    assert Complaint.objects.count() == 0


def test_chat_link_files_a_complaint_about_my_chat(owner, customer):
    chat = Conversation.objects.create(customer=customer, status="closed")
    html = page(owner, f"/en/complaints/new/?chat={chat.pk}")
    assert f'<option value="{chat.pk}" selected>' in html
    response = owner.post("/en/complaints/new/", form_data(chat=str(chat.pk)))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.source, complaint.conversation_id) == ("chat", chat.pk)


def test_chat_page_links_to_the_form_about_my_latest_chat(owner, customer):
    older = Conversation.objects.create(customer=customer, status="closed")
    latest = Conversation.objects.create(customer=customer, status="closed")
    assert 'href="/en/complaints/new/?about=chat"' in page(owner, "/en/chat/")
    html = page(owner, "/en/complaints/new/?about=chat")
    assert f'<option value="{latest.pk}" selected>' in html
    assert f'<option value="{older.pk}">' in html


def test_another_customers_chat_is_refused(owner, other_customer):
    theirs = Conversation.objects.create(customer=other_customer, status="closed")
    html = page(owner, f"/en/complaints/new/?chat={theirs.pk}")
    assert f'value="{theirs.pk}"' not in html
    response = owner.post("/en/complaints/new/", form_data(chat=str(theirs.pk)))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_complaint_form_is_throttled(owner, settings):
    settings.THROTTLE_CONTACT_FORM = "1/hour"
    assert owner.post("/en/complaints/new/", form_data()).status_code == 302
    typed = "A second complaint about my frozen account this week."
    response = owner.post(
        "/en/complaints/new/", form_data(category="account_freeze", description=typed)
    )
    assert response.status_code == 429
    assert response["Retry-After"]
    assert typed in response.content.decode()
    assert Complaint.objects.count() == 1


# --- My complaints ---------------------------------------------------------------------------


def test_my_complaints_lists_mine_newest_first(owner, file_complaint, other_customer):
    first = file_complaint()
    second = file_complaint(category="fees")
    theirs = file_complaint(customer=other_customer)
    html = page(owner, "/en/complaints/")
    assert html.index(second.reference) < html.index(first.reference)
    assert theirs.reference not in html
    assert "We acknowledge it by" in html


def test_my_complaints_pages_by_keyset(owner, file_complaint, monkeypatch):
    monkeypatch.setattr(customer_pages, "PAGE_SIZE", 2)
    oldest, middle, newest = file_complaint(), file_complaint(), file_complaint()
    html = page(owner, "/en/complaints/")
    assert newest.reference in html and middle.reference in html
    assert oldest.reference not in html
    older = page(owner, f"/en/complaints/?before={middle.pk}")
    assert oldest.reference in older and middle.reference not in older


def test_my_complaints_empty_state_links_to_the_form(owner):
    html = page(owner, "/en/complaints/")
    assert "You have not raised a complaint." in html
    assert 'href="/en/complaints/new/"' in html


# --- The complaint's page --------------------------------------------------------------------


def test_page_shows_the_timeline_by_role_never_by_name(owner, file_complaint, officer):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_message(complaint=complaint, by=officer, text="We are checking the hold.")
    html = page(owner, f"/en/complaints/{complaint.reference}/")
    assert "We are checking the hold." in html
    assert "Complaints officer" in html
    assert "Acknowledged" in html
    assert officer.email not in html and "officer@" not in html
    assert "Our decision by" in html


def test_internal_notes_never_reach_the_page(owner, file_complaint, officer):
    complaint = file_complaint()
    services.complaint_note(complaint=complaint, by=officer, text="internal: AML flag on W-9")
    html = page(owner, f"/en/complaints/{complaint.reference}/")
    assert "AML flag" not in html
    assert ComplaintMessage.objects.filter(kind="note").count() == 1


def test_decision_shows_its_reason_and_the_appeal_form(owner, file_complaint, officer):
    complaint = decided(file_complaint, officer)
    html = page(owner, f"/en/complaints/{complaint.reference}/")
    assert "The hold followed a legal order from the bank." in html
    assert "Rejected" in html
    assert f'action="/en/complaints/{complaint.reference}/appeal/"' in html
    assert f'action="/en/complaints/{complaint.reference}/accept/"' in html
    assert "You may appeal until" in html


def test_appeal_after_the_window_is_refused_naming_the_deadline(
    owner, customer, file_complaint, officer
):
    complaint = decided(file_complaint, officer)
    deadline = timezone.now() - timedelta(hours=1)
    Complaint.objects.filter(pk=complaint.pk).update(appeal_deadline=deadline)
    html = page(owner, f"/en/complaints/{complaint.reference}/")
    with translation.override("en"):
        shown = services.local_date(deadline, "en")
    assert f"The time to appeal ended on {shown}." in html
    assert "/appeal/" not in html
    response = owner.post(
        f"/en/complaints/{complaint.reference}/appeal/", {"grounds": "I disagree."}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/en/complaints/{complaint.reference}/"
    in_korean = services.local_date(deadline, customer.customer_profile.preferred_language)
    assert in_korean in response.content.decode()
    assert not Appeal.objects.exists()
    complaint.refresh_from_db()
    assert complaint.stage == Stage.DECIDED


def test_appeal_is_taken_once(owner, file_complaint, officer):
    complaint = decided(file_complaint, officer)
    url = f"/en/complaints/{complaint.reference}/appeal/"
    first = owner.post(url, {"grounds": "There was no order from the bank."}, follow=True)
    assert "Your appeal was received" in first.content.decode()
    second = owner.post(url, {"grounds": "Again."}, follow=True)
    assert "This complaint already has an appeal." in second.content.decode()
    assert Appeal.objects.get().grounds == "There was no order from the bank."
    complaint.refresh_from_db()
    assert complaint.stage == Stage.APPEALED


def test_empty_appeal_keeps_the_page_with_an_error(owner, file_complaint, officer):
    complaint = decided(file_complaint, officer)
    response = owner.post(f"/en/complaints/{complaint.reference}/appeal/", {"grounds": "  "})
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in response.content.decode()
    assert not Appeal.objects.exists()


def test_reply_while_waiting_resumes_the_investigation(owner, file_complaint, officer):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_request_information(
        complaint=complaint, by=officer, text="Send the withdrawal's screenshot."
    )
    html = page(owner, f"/en/complaints/{complaint.reference}/")
    assert "Paused while we wait for your answer" in html
    assert "Waiting on you" in html
    response = owner.post(
        f"/en/complaints/{complaint.reference}/reply/", {"text": "Here it is: W-9 at 10:00."}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.stage == Stage.INVESTIGATING
    html = page(owner, f"/en/complaints/{complaint.reference}/")
    assert "Here it is: W-9 at 10:00." in html
    assert "Paused while we wait for your answer" not in html


def test_reply_with_a_seed_phrase_is_stored_redacted(owner, file_complaint):
    """G1: the reply box passes the same gate."""
    complaint = file_complaint()
    secret = phrase()
    owner.post(f"/en/complaints/{complaint.reference}/reply/", {"text": f"my words: {secret}"})
    body = complaint.messages.get().body
    assert body.startswith("my words: [") and secret.split()[0] not in body
    assert phrase_leaks(secret) == {}


def test_accepting_the_decision_closes_the_complaint(owner, file_complaint, officer):
    complaint = decided(file_complaint, officer)
    response = owner.post(f"/en/complaints/{complaint.reference}/accept/", follow=True)
    assert "You accepted the decision" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    html = page(owner, f"/en/complaints/{complaint.reference}/")
    assert "Closed: decision accepted" in html
    assert "/accept/" not in html and "/reply/" not in html


def test_withdrawing_closes_an_undecided_complaint(owner, file_complaint):
    complaint = file_complaint()
    response = owner.post(
        f"/en/complaints/{complaint.reference}/withdraw/", {"reason": "Solved by phone."}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED


def test_a_refused_action_is_a_message_not_an_error_page(owner, file_complaint):
    complaint = file_complaint()
    response = owner.post(f"/en/complaints/{complaint.reference}/accept/", follow=True)
    assert response.status_code == 200
    assert "cannot move from Submitted to Closed" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.stage == Stage.SUBMITTED


def test_owner_downloads_an_attachment_as_a_file(owner, file_complaint, settings, tmp_path):
    """D2: served as an attachment, never sniffed."""
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("proof.png", PNG, content_type="image/png")
    complaint = file_complaint(uploads=[upload])
    stored = complaint.attachments.get()
    html = page(owner, f"/en/complaints/{complaint.reference}/")
    url = f"/en/complaints/{complaint.reference}/files/{stored.pk}/"
    assert f'href="{url}"' in html
    response = owner.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG


def test_outsider_gets_404_everywhere_and_changes_nothing(
    client, other_customer, officer, file_complaint, settings, tmp_path
):
    """D4 and the outsider rule: another customer (and staff, on the customer site) get 404."""
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("proof.png", PNG, content_type="image/png")
    complaint = decided(file_complaint, officer, uploads=[upload])
    stored = complaint.attachments.get()
    before = (complaint.stage, complaint.version, complaint.messages.count())
    base = f"/en/complaints/{complaint.reference}"
    for person in (other_customer, officer):
        outsider = signed_in(client, person)
        assert outsider.get(f"{base}/").status_code == 404
        assert outsider.get(f"{base}/files/{stored.pk}/").status_code == 404
        for action, data in (
            ("reply", {"text": "Let me in."}),
            ("appeal", {"grounds": "Let me in."}),
            ("accept", {}),
            ("withdraw", {}),
        ):
            assert outsider.post(f"{base}/{action}/", data).status_code == 404, action
        client.logout()
    complaint.refresh_from_db()
    assert (complaint.stage, complaint.version, complaint.messages.count()) == before
    assert not Appeal.objects.exists()


def test_an_attachment_of_another_complaint_is_404(owner, file_complaint, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mine = file_complaint()
    upload = SimpleUploadedFile("proof.png", PNG, content_type="image/png")
    other = file_complaint(uploads=[upload])
    stored = other.attachments.get()
    assert owner.get(f"/en/complaints/{mine.reference}/files/{stored.pk}/").status_code == 404


def test_actions_need_post(owner, file_complaint):
    complaint = file_complaint()
    assert owner.get(f"/en/complaints/{complaint.reference}/accept/").status_code == 405


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_render_in_every_language(owner, file_complaint, officer, account, language):
    complaint = decided(file_complaint, officer)
    for url in (
        f"/{language}/complaints/",
        f"/{language}/complaints/new/",
        f"/{language}/complaints/{complaint.reference}/",
        f"/{language}/complaints/track/",
    ):
        html = page(owner, url)
        assert f'<html lang="{language}">' in html, url


def test_remedies_show_what_and_how_far_never_the_staff_reason(
    owner, file_complaint, officer, account, django_capture_on_commit_callbacks
):
    complaint = file_complaint(category="account_freeze")
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(
        complaint=complaint,
        by=officer,
        outcome="upheld",
        reason="The freeze was our mistake.",
        remedy="We unfreeze the account.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        remedy = services.complaint_remedy_request(
            complaint=complaint,
            by=officer,
            action="unfreeze_account",
            reason="internal: risk desk cleared it",
        )
    remedy.refresh_from_db()
    html = page(owner, f"/en/complaints/{complaint.reference}/")
    assert "The freeze was our mistake." in html
    assert "We unfreeze the account." in html
    state = remedy.get_state_display()
    assert f'<li>Unfreeze account · <span class="badge">{state}</span></li>' in html
    assert "Remedy ordered" in html
    assert "risk desk" not in html
