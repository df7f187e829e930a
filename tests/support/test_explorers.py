"""Block-explorer links: the right site per network, http(s) only, values encoded whole."""

import pytest

from support.exchange.explorers import EXPLORERS, explorer_url

TX = "0x" + "ab" * 32


@pytest.mark.parametrize(
    ("network", "expected"),
    [
        ("ERC20", f"https://etherscan.io/tx/{TX}"),
        ("ethereum", f"https://etherscan.io/tx/{TX}"),
        ("BTC", f"https://mempool.space/tx/{TX}"),
        ("trc20", f"https://tronscan.org/#/transaction/{TX}"),
        ("BNB Smart Chain", f"https://bscscan.com/tx/{TX}"),
    ],
)
def test_each_network_links_to_its_explorer(network, expected):
    assert explorer_url(network, tx_hash=TX) == expected


def test_an_address_links_to_the_address_page():
    address = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    assert explorer_url("BTC", address=address) == f"https://mempool.space/address/{address}"


def test_unknown_network_or_no_value_gives_no_link():
    assert explorer_url("Nowhere", tx_hash=TX) == ""
    assert explorer_url("ERC20") == ""


def test_every_template_is_https():
    assert all(url.startswith("https://") for pair in EXPLORERS.values() for url in pair)


def test_a_template_that_is_not_http_makes_no_link():
    """E3: hrefs are http(s) only."""
    table = {"EVIL": ("javascript:alert('{value}')", "data:text/html,{value}")}
    assert explorer_url("EVIL", tx_hash=TX, table=table) == ""
    assert explorer_url("EVIL", address="x", table=table) == ""


@pytest.mark.parametrize(
    "value",
    ['"><script>alert(1)</script>', "../../evil.example/x?y#z", "abc/def", "a b\nc"],
)
def test_a_hostile_value_stays_inside_the_explorers_path(value):
    """E3: markup or a path in a hash cannot leave the explorer's path."""
    url = explorer_url("ERC20", tx_hash=value)
    assert url.startswith("https://etherscan.io/tx/")
    tail = url.removeprefix("https://etherscan.io/tx/")
    assert not set(tail) & set("\"'<>/?# \n")
