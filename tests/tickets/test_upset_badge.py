"""The console's "Upset customer" badge shows for angry words only, not for every problem report."""

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def agent_client(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Deposit not credited", "I sent 0.5 ETH two hours ago and it is still not in my account."),
        ("출금 지연", "USDT 출금이 여섯 시간째 대기 중입니다. 확인 부탁드립니다."),
        ("本人確認について", "本人確認の審査が一週間たっても終わりません。"),
    ],
)
def test_a_calm_problem_report_gets_no_upset_badge(agent_client, policy, receive, subject, text):
    ticket = receive(subject=subject, text=text)

    page = agent_client.get(f"/console/tickets/{ticket.reference}/").content.decode()

    assert ticket.strongly_negative is False
    assert "Upset customer" not in page


def test_angry_words_get_the_upset_badge(agent_client, policy, receive):
    ticket = receive(
        subject="Withdrawal stuck",
        text="This is ridiculous and unacceptable, my withdrawal is stuck for a week. Scam!",
    )

    page = agent_client.get(f"/console/tickets/{ticket.reference}/").content.decode()

    assert ticket.strongly_negative is True
    assert "Upset customer" in page
