"""The community forum is customer-written too: its titles, posts and search queries pass the
redaction gate before the database and the search index."""

from tests.tickets.leaks import phrase, phrase_leaks

SECRET_PASSWORD = "Vq7Zephyr9Lumen"  # noqa: S105 - the secret the test discloses


def test_topic_reply_and_search_with_secrets_store_them_nowhere(client, customer, other_customer):
    """G1, G3: a phrase in a topic's title and a reply, a password in its body and a phrase
    typed into the search box are found nowhere in the database (posts, index, search log)."""
    in_title, in_reply, in_query = phrase(), phrase(), phrase()
    client.force_login(customer)
    response = client.post(
        "/en/help/community/new/",
        {"title": f"lost {in_title}", "body": f"my password is {SECRET_PASSWORD}"},
    )
    assert response.status_code == 302
    client.force_login(other_customer)
    client.post(f"{response.url}reply/", {"body": f"mine:\n{in_reply}"})
    assert client.get("/en/help/search/", {"q": in_query}).status_code == 200
    page = client.get(response.url).content.decode()
    assert "[seed phrase removed]" in page
    assert phrase_leaks(in_title, SECRET_PASSWORD) == {}
    assert phrase_leaks(in_reply) == {}
    assert phrase_leaks(in_query) == {}
