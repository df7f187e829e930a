"""An administrator publishes an anonymised case summary of a closed complaint from the
console; officers are not offered it, and what is published carries no name, id or amount."""

from complaints import services
from complaints.models import ComplaintEvent
from helpcenter.models import Article
from tests.complaints.console_helpers import fresh, page_url, post, signed_in, text


def closed_complaint(file_complaint, customer):
    complaint = file_complaint()
    services.complaint_withdraw(complaint=complaint, customer=customer, reason="Sorted out.")
    return complaint


def test_admin_publishes_an_anonymised_case_summary(admin_user, file_complaint, customer):
    complaint = closed_complaint(file_complaint, customer)
    client = signed_in(admin_user)
    assert 'data-testid="publish"' in text(client.get(page_url(complaint)))

    response = post(
        client,
        "publish",
        complaint,
        title=f"A held withdrawal ({complaint.reference})",
        summary=f"{customer.email} waited five days for W-9 of 500 USDT; the hold was an error.",
        language="en",
    )

    assert response.status_code == 302
    summary = fresh(complaint).published_summary
    assert "five days" in summary
    for secret in (customer.email, "W-9", "500 USDT", complaint.reference):
        assert secret not in summary
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="published").count() == 1
    article = Article.objects.get()
    assert complaint.reference not in str(article.slug)


def test_officers_are_not_offered_publishing_and_a_forged_post_is_refused(
    officer, file_complaint, customer
):
    complaint = closed_complaint(file_complaint, customer)
    client = signed_in(officer)
    assert 'data-testid="publish"' not in text(client.get(page_url(complaint)))

    response = post(client, "publish", complaint, title="T", summary="S", language="en")

    assert response.status_code in (400, 403)
    assert fresh(complaint).published_summary == ""
    assert not Article.objects.exists()
