"""The whole life of a complaint in real browsers: a customer files it in Japanese, an officer
acknowledges it and rejects it with a reason, the customer appeals, a reviewer who took no part
in the first decision overturns it, and the customer sees the whole timeline, in Japanese, on a
desktop and on a phone."""

import re

import pytest

from complaints.models import Complaint, ComplaintEvent, Stage
from support.models import OutboxEmail
from support.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tests.conftest import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WHAT_HAPPENED = "11月24日の出金W-9が理由の説明なく5日間保留されています。"
REJECTION = "保留は法執行機関の照会に基づくもので、規約第12条に従った対応です。"
GROUNDS = "照会があった事実はなく、サポートからも説明を受けていません。"
OVERTURN = "記録を確認した結果、照会は存在せず、保留は誤りでした。出金を解除します。"


def fill_letter(page, field: str, finding: str) -> None:
    """The officer's edit of the drafted letter: each bracketed part replaced by the finding."""
    letter = page.locator(field)
    letter.fill(re.sub(r"\[[^\]\n]+\]", finding, letter.input_value()))


def console_action(page, name: str) -> None:
    page.get_by_test_id(f"action-{name}").get_by_role("button").click()
    page.wait_for_load_state("networkidle")


def test_a_japanese_complaint_is_filed_rejected_appealed_and_overturned(
    live_server, page_factory, customer
):
    customer.customer_profile.preferred_language = "ja"
    customer.customer_profile.save(update_fields=["preferred_language"])
    officer = make_person("officer@example.com", Role.COMPLAINTS_OFFICER, languages=["ja"])
    reviewer = make_person("reviewer@example.com", Role.APPEAL_REVIEWER, languages=["ja"])
    base = live_server.url

    # The customer files the complaint in Japanese, on a phone.
    phone = page_factory(viewport=PHONE)
    log_in(phone, base, "ja", customer.email)
    phone.goto(f"{base}/ja/complaints/new/")
    phone.select_option("select[name=category]", "transfer_delay")
    phone.fill("textarea[name=description]", WHAT_HAPPENED)
    phone.fill("textarea[name=desired_outcome]", "出金を処理してください。")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    complaint = Complaint.objects.get()
    assert phone.url.endswith(f"/ja/complaints/{complaint.reference}/")
    assert complaint.language == "ja" and complaint.description == WHAT_HAPPENED
    assert OutboxEmail.objects.filter(to=customer.email, language="ja").exists()
    screenshot(phone, "complaint-journey-1-filed-ja-phone")

    # The officer acknowledges it and rejects it with a reason, on a desktop.
    desk = page_factory(viewport=DESKTOP)
    log_in(desk, base, "en", officer.email)
    desk.goto(f"{base}/console/complaints/{complaint.reference}/")
    assert WHAT_HAPPENED in desk.get_by_test_id("description").inner_text()
    console_action(desk, "acknowledge")
    assert Complaint.objects.get().stage == Stage.ACKNOWLEDGED
    desk.select_option("#id_decide-outcome", "rejected")
    assert complaint.reference in desk.locator("#id_decide-letter").input_value()
    desk.fill("#id_decide-reason", REJECTION)
    fill_letter(desk, "#id_decide-letter", REJECTION)
    console_action(desk, "decide")
    assert Complaint.objects.get().stage == Stage.DECIDED
    screenshot(desk, "complaint-journey-2-rejected-console")

    # The customer reads the decision and its reason, and appeals within the window.
    phone.goto(f"{base}/ja/complaints/{complaint.reference}/")
    assert REJECTION in phone.get_by_test_id("decision").inner_text()
    phone.fill("textarea[name=grounds]", GROUNDS)
    phone.locator("form.appeal-form button[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    assert Complaint.objects.get().stage == Stage.APPEALED
    screenshot(phone, "complaint-journey-3-appealed-ja-phone")

    # The officer may not review the appeal: the console says why instead of the form.
    desk.goto(f"{base}/console/complaints/{complaint.reference}/")
    assert desk.get_by_test_id("action-appeal_decide").count() == 0

    # A reviewer who took no part overturns the decision.
    review = page_factory(viewport=DESKTOP)
    log_in(review, base, "en", reviewer.email)
    review.goto(f"{base}/console/complaints/{complaint.reference}/")
    assert GROUNDS in review.get_by_test_id("appeal-grounds").inner_text()
    review.select_option("#id_appeal_decide-outcome", "overturned")
    review.fill("#id_appeal_decide-reason", OVERTURN)
    fill_letter(review, "#id_appeal_decide-letter", OVERTURN)
    console_action(review, "appeal_decide")
    final = Complaint.objects.get()
    assert (final.stage, final.appeal.outcome, final.appeal.reviewer) == (
        Stage.CLOSED,
        "overturned",
        reviewer,
    )
    screenshot(review, "complaint-journey-4-overturned-console")

    # The customer sees the whole timeline, on a phone and on a desktop, with no staff names.
    stages = list(ComplaintEvent.objects.filter(kind="stage").values_list("to_stage", flat=True))
    assert stages == [
        Stage.SUBMITTED,
        Stage.ACKNOWLEDGED,
        Stage.DECIDED,
        Stage.APPEALED,
        Stage.UNDER_APPEAL_REVIEW,
        Stage.FINAL_DECISION,
        Stage.CLOSED,
    ]
    for page, width in ((phone, "phone"), (page_factory(viewport=DESKTOP), "desktop")):
        if width == "desktop":
            log_in(page, base, "ja", customer.email)
        page.goto(f"{base}/ja/complaints/{complaint.reference}/")
        timeline = page.get_by_test_id("timeline")
        assert timeline.locator("li").count() >= len(stages)
        text = page.locator("main").inner_text()
        assert OVERTURN in text and REJECTION in text
        assert officer.email not in text and reviewer.email not in text
        assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"complaint-journey-5-timeline-ja-{width}")
