"""Forms as a screen reader meets them: every aria-describedby names an element on the page, and
a failed submit starts with a summary of what went wrong, each entry linking to its field."""

from html.parser import HTMLParser

import pytest

from tests.conftest import PASSWORD


class Ids(HTMLParser):
    """The ids on a page, the ids its aria-describedby attributes name, and the summary's links."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described_by: list[str] = []
        self.summary_links: list[str] = []
        self._summary_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if "id" in values:
            self.ids.add(values["id"])
        self.described_by += (values.get("aria-describedby") or "").split()
        if self._summary_depth and tag == "a":
            self.summary_links.append(values["href"])
        if "error-summary" in (values.get("class") or "").split():
            self._summary_depth = 1
        elif self._summary_depth and tag == "div":
            self._summary_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._summary_depth and tag == "div":
            self._summary_depth -= 1


def parse(response) -> Ids:
    page = Ids()
    page.feed(response.content.decode())
    return page


@pytest.fixture
def signed_in(client, customer):
    client.login(username=customer.username, password=PASSWORD)
    return client


def test_the_contact_forms_descriptions_exist(signed_in):
    page = parse(signed_in.get("/en/contact/"))

    assert page.described_by  # the help text under the description
    assert set(page.described_by) <= page.ids


def test_a_failed_contact_form_describes_each_error_and_links_it_from_the_summary(signed_in):
    response = signed_in.post("/en/contact/", {"category": "deposit_withdrawal"})
    page = parse(response)

    assert response.status_code in (200, 400)
    assert "id_subject_error" in page.described_by
    assert set(page.described_by) <= page.ids
    assert "#id_subject" in page.summary_links
    assert all(link.removeprefix("#") in page.ids for link in page.summary_links)
    assert 'class="error-summary" tabindex="-1" autofocus' in response.content.decode()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/ko/accounts/log-in/", {"username": "nobody@example.com", "password": "wrong-one-1"}),
        ("/ja/accounts/sign-up/", {"email": "not-an-address"}),
    ],
)
def test_a_failed_login_or_sign_up_starts_at_the_error_summary(client, db, url, data):
    response = client.post(url, data)
    html = response.content.decode()
    page = parse(response)

    summary = '<div class="error-summary" tabindex="-1" autofocus'
    assert html.index(summary) + len(summary) - len("autofocus") == html.index("autofocus")
    assert set(page.described_by) <= page.ids
