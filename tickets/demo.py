"""Demo SLA policies, calendars, routing rules, macros and tickets (idempotent: run it twice and
nothing changes; the demo tickets arrive through intake with fixed external ids)."""

import json
from pathlib import Path

from django.db import transaction

from support.models import Team
from tickets.intake import InboundMessage, intake_message
from tickets.models import BusinessCalendar, EscalationRule, Macro, RoutingRule, SlaPolicy
from tickets.routing import ticket_route

WEEKDAYS_9_TO_18 = {str(day): [["09:00", "18:00"]] for day in range(5)}

CALENDARS = [
    # name, timezone, holiday country, team slugs (None: 24/7)
    ("24/7", "UTC", "", None),
    ("Korea business hours", "Asia/Seoul", "KR", ["korea"]),
    ("Japan business hours", "Asia/Tokyo", "JP", ["japan"]),
    ("Mainland China business hours", "Asia/Shanghai", "CN", []),
    ("Taiwan business hours", "Asia/Taipei", "TW", ["greater-china"]),
    ("US business hours", "America/New_York", "US", ["frontline"]),
]

POLICIES = [
    # name, priority, tier, first response, next response, resolution (minutes), 24/7?
    ("Urgent (24/7)", "urgent", "", 15, 30, 240, True),
    ("VIP", "", "vip", 30, 60, 480, True),
    ("Institutional", "", "institutional", 30, 60, 480, True),
    ("High", "high", "", 60, 120, 960, False),
    ("Normal", "", "", 240, 480, 2880, False),
    ("Low", "low", "", 480, 960, 5760, False),
]

ROUTING = [
    # position, category, language, team slug
    (10, "security_incident", "", "security"),
    (20, "", "ko", "korea"),
    (30, "", "ja", "japan"),
    (40, "", "zh-hans", "greater-china"),
    (50, "", "zh-hant", "greater-china"),
    (100, "", "", "frontline"),
]

MACROS_FILE = Path(__file__).parent / "data" / "demo_macros.json"

TICKETS = [
    # external id, customer email, channel, subject, text
    (
        "demo-1",
        "customer.ko@example.com",
        "web",
        "출금 지연",
        "USDT 출금이 여섯 시간째 대기 중입니다. 확인 부탁드립니다.",
    ),
    (
        "demo-2",
        "customer.en@example.com",
        "email",
        "Deposit not credited",
        "I sent 0.5 ETH two hours ago and it is still not in my account.",
    ),
    (
        "demo-3",
        "customer.ja@example.com",
        "web",
        "本人確認について",
        "本人確認の審査が一週間たっても終わりません。",
    ),
    (
        "demo-4",
        "customer.zh-hans@example.com",
        "telegram",
        "二次验证",
        "我换了手机，无法使用谷歌验证器登录，请帮我重置。",
    ),
]


@transaction.atomic
def _load_policy_rows() -> None:
    calendars = {}
    for name, zone, country, team_slugs in CALENDARS:
        calendars[name], _ = BusinessCalendar.objects.update_or_create(
            name=name,
            defaults={
                "timezone": zone,
                "always_open": team_slugs is None,
                "weekly_hours": {} if team_slugs is None else WEEKDAYS_9_TO_18,
                "holiday_country": country,
            },
        )
        if team_slugs:
            calendars[name].teams.set(Team.objects.filter(slug__in=team_slugs))
    for name, priority, tier, first, following, resolution, always in POLICIES:
        SlaPolicy.objects.update_or_create(
            name=name,
            defaults={
                "priority": priority,
                "tier": tier,
                "first_response_minutes": first,
                "next_response_minutes": following,
                "resolution_minutes": resolution,
                "calendar": calendars["24/7"] if always else None,
            },
        )
    escalations = Team.objects.filter(is_escalation=True).first()
    if escalations and not EscalationRule.objects.exists():
        EscalationRule.objects.create(bump_priority=True, move_to_team=escalations)
    for position, category, language, slug in ROUTING:
        team = Team.objects.filter(slug=slug).first()
        if team:
            RoutingRule.objects.update_or_create(
                position=position,
                category=category,
                language=language,
                tier="",
                defaults={"team": team},
            )
    _load_macros()


def _load_macros() -> None:
    """Each demo macro in the five languages, title and text; a macro a supervisor has edited
    in the console (it has an `updated_at`) keeps the edit."""
    macros = json.loads(MACROS_FILE.read_text(encoding="utf-8"))
    for key, macro in macros.items():
        for language, body in macro["bodies"].items():
            text = {
                "name": macro["names"][language],
                "body": body,
                "set_status": macro["set_status"],
                "add_tags": macro["add_tags"],
            }
            rows = Macro.objects.filter(key=key, language=language)
            if not rows.filter(updated_at__isnull=True).update(**text):
                rows.get_or_create(key=key, language=language, defaults=text)


def load_demo(stdout=None) -> None:
    _load_policy_rows()
    for external_id, email, channel, subject, text in TICKETS:
        ticket = intake_message(
            InboundMessage(
                channel=channel,
                customer_email=email,
                subject=subject,
                text=text,
                external_id=external_id,
            )
        )
        ticket_route(ticket_id=ticket.pk)  # at once, not waiting for a Celery worker
    if stdout is not None:
        stdout.write("tickets: SLA policies, calendars, routing rules, macros, demo tickets\n")
