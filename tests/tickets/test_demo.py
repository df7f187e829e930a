"""The demo loader is idempotent."""

import io

from support.demo import load_people
from tickets.demo import load_demo
from tickets.models import Macro, Message, RoutingRule, SlaPolicy, Ticket


def test_demo_loads_twice_without_duplicates(db):
    load_people(io.StringIO())
    load_demo(None)
    counts = [m.objects.count() for m in (Ticket, Message, Macro, SlaPolicy, RoutingRule)]
    load_demo(None)
    assert [m.objects.count() for m in (Ticket, Message, Macro, SlaPolicy, RoutingRule)] == counts
    assert counts[0] == 4
    assert set(Macro.objects.values_list("language", flat=True)) == {
        "en",
        "zh-hans",
        "zh-hant",
        "ko",
        "ja",
    }
    korean = Ticket.objects.get(customer__email="customer.ko@example.com")
    assert korean.sla_policy.name == "Institutional"
