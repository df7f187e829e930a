"""POST /api/v1/support/analyze/: staff check the analysers on a message."""

import pytest

pytestmark = pytest.mark.django_db

SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


def test_staff_get_the_full_analysis(client, agent):
    client.force_login(agent)
    response = client.post(
        "/api/v1/support/analyze/",
        {"text": f"我的助记词是 {SEED}，账户被盗了，USDT 全被转走了！"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "zh-hans"
    assert body["urgent"] is True
    assert body["category"] == "security_incident"
    assert body["secrets"] == [{"kind": "seed_phrase"}]
    assert "abandon" not in body["redacted_text"]
    assert set(body) >= {
        "language",
        "category",
        "category_confidence",
        "sentiment",
        "sentiment_score",
        "urgent",
        "redacted_text",
        "secrets",
        "entities",
    }


def test_entities_carry_their_network(client, agent):
    client.force_login(agent)
    text = "Sent 50 USDT via ERC20 to TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9 but nothing arrived"
    body = client.post(
        "/api/v1/support/analyze/", {"text": text, "lang": "en"}, content_type="application/json"
    ).json()
    addresses = [entity for entity in body["entities"] if entity["kind"] == "address"]
    assert addresses[0]["network"] == "tron"
    assert body["network_mismatch"]["named_network"] == "ERC20"


def test_customers_and_visitors_are_refused(client, customer):
    assert client.post("/api/v1/support/analyze/", {"text": "hi"}).status_code == 401
    client.force_login(customer)
    response = client.post("/api/v1/support/analyze/", {"text": "hi"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_bad_language_and_oversized_text_name_the_limits(client, agent):
    client.force_login(agent)
    bad_lang = client.post(
        "/api/v1/support/analyze/", {"text": "hi", "lang": "fr"}, content_type="application/json"
    )
    assert bad_lang.status_code == 400
    assert "lang" in bad_lang.json()["error"]["fields"]
    huge = client.post(
        "/api/v1/support/analyze/", {"text": "a" * 100_001}, content_type="application/json"
    )
    assert huge.status_code == 400
    assert "100000" in huge.json()["error"]["message"]


def test_empty_and_junk_text_still_get_an_answer(client, agent):
    client.force_login(agent)
    for text in ["", "\u202e\u200b\u200b🙂🙂", "\x01\x02\x7f\ufffd binary"]:
        response = client.post(
            "/api/v1/support/analyze/", {"text": text}, content_type="application/json"
        )
        assert response.status_code == 200, text


def test_null_characters_get_a_clear_400(client, agent):
    client.force_login(agent)
    response = client.post(
        "/api/v1/support/analyze/", {"text": "a\x00b"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["text"] == ["Null characters are not allowed."]
