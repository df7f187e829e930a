"""Demo people, teams and exchange accounts (idempotent: running it twice changes nothing)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from support.models import AgentProfile, CustomerProfile, DemoExchangeAccount, Team
from support.official.demo import load_official_channels
from support.roles import Role

User = get_user_model()
DEMO_PASSWORD = "demo-password-1"  # noqa: S105 - printed on start-up, demo only

TEAMS = [
    # slug, name, handles_security, is_escalation, restricted (support/teams.py)
    ("frontline", "Frontline (English)", False, False, False),
    ("greater-china", "Greater China", False, False, False),
    ("korea", "Korea", False, False, False),
    ("japan", "Japan", False, False, False),
    ("security", "Security", True, False, True),
    ("escalations", "Escalations", False, True, False),
]

AGENTS = [
    # email, name, languages, skills, teams
    (
        "agent.en@example.com",
        "Emma Clarke",
        ["en"],
        [
            "general",
            "fees",
            "trading",
            "technical",
            "password_reset",
            "two_factor",
            "kyc",
            "deposit_withdrawal",
        ],
        ["frontline"],
    ),
    (
        "agent.zh@example.com",
        "Li Wei",
        ["zh-hans", "zh-hant", "en"],
        ["deposit_withdrawal", "kyc", "general", "fees", "trading"],
        ["greater-china"],
    ),
    (
        "agent.ko@example.com",
        "Kim Minji",
        ["ko", "en"],
        ["deposit_withdrawal", "kyc", "two_factor", "general", "password_reset"],
        ["korea"],
    ),
    (
        "agent.ja@example.com",
        "Sato Haruka",
        ["ja", "en"],
        ["deposit_withdrawal", "kyc", "compliance", "general", "technical"],
        ["japan"],
    ),
    (
        "agent.security@example.com",
        "Alex Morgan",
        ["en", "zh-hans", "ko"],
        ["security_incident", "scam_report", "account_recovery", "two_factor"],
        ["security"],
    ),
]

STAFF = [
    ("supervisor@example.com", "Sam Supervisor", Role.SUPERVISOR),
    ("complaints@example.com", "Chris Complaints", Role.COMPLAINTS_OFFICER),
    ("appeals@example.com", "Avery Appeals", Role.APPEAL_REVIEWER),
    ("admin@example.com", "Ada Admin", Role.ADMIN),
]

CUSTOMERS = [
    # email, name, language, tier, kyc, account id
    ("customer.en@example.com", "John Miller", "en", "standard", "verified", "EX-100001"),
    ("customer.zh-hans@example.com", "王芳", "zh-hans", "vip", "verified", "EX-100002"),
    ("customer.zh-hant@example.com", "陳志明", "zh-hant", "standard", "pending", "EX-100003"),
    ("customer.ko@example.com", "박지훈", "ko", "institutional", "verified", "EX-100004"),
    ("customer.ja@example.com", "田中 優子", "ja", "vip", "rejected", "EX-100005"),
]


def _person(email: str, name: str, role: str) -> User:
    first, _, last = name.partition(" ")
    user, created = User.objects.get_or_create(
        username=email, defaults={"email": email, "first_name": first, "last_name": last}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def exchange_account_data(email: str, tier: str, kyc: str, seed: int) -> dict:
    now = timezone.now().replace(microsecond=0)

    def ago(**kwargs) -> str:
        return (now - timedelta(**kwargs)).isoformat()

    tx = "{:064x}"
    return {
        "email": email,
        "tier": tier,
        "kyc_status": kyc,
        "frozen": False,
        "two_factor_enabled": True,
        "created_at": ago(days=400 + seed),
        "balances": [
            {"asset": "BTC", "available": f"0.{seed + 1}25", "locked": "0"},
            {"asset": "USDT", "available": f"{1200 * (seed + 1)}.50", "locked": "250"},
            {"asset": "ETH", "available": f"{seed + 2}.4", "locked": "0.1"},
        ],
        "transfers": [
            {
                "id": f"W{seed}01",
                "kind": "withdrawal",
                "asset": "USDT",
                "network": "TRC20",
                "amount": "500",
                "fee": "1",
                "address": "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9",
                "tx_hash": "",
                "status": "held",
                "created_at": ago(hours=5),
            },
            {
                "id": f"D{seed}02",
                "kind": "deposit",
                "asset": "ETH",
                "network": "ERC20",
                "amount": "1.5",
                "address": "0x52908400098527886E0F7030069857D2E4169EE7",
                "tx_hash": "0x" + tx.format(0xABC123 + seed),
                "status": "confirming",
                "created_at": ago(hours=2),
            },
            {
                "id": f"D{seed}03",
                "kind": "deposit",
                "asset": "BTC",
                "network": "BTC",
                "amount": "0.05",
                "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                "tx_hash": tx.format(0xDEF456 + seed),
                "status": "completed",
                "created_at": ago(days=3),
            },
            {
                "id": f"W{seed}04",
                "kind": "withdrawal",
                "asset": "BTC",
                "network": "BTC",
                "amount": "0.02",
                "fee": "0.0002",
                "address": "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
                "tx_hash": tx.format(0x123789 + seed),
                "status": "completed",
                "created_at": ago(days=9),
            },
        ],
        "trades": [
            {
                "id": f"T{seed}1",
                "symbol": "BTC/USDT",
                "side": "buy",
                "price": "64210.5",
                "quantity": "0.01",
                "fee": "0.64",
                "created_at": ago(days=1),
            },
            {
                "id": f"T{seed}2",
                "symbol": "ETH/USDT",
                "side": "sell",
                "price": "3120.1",
                "quantity": "0.5",
                "fee": "1.56",
                "created_at": ago(days=4),
            },
        ],
        "logins": [
            {
                "at": ago(minutes=40),
                "ip": "203.0.113.10",
                "country": "KR",
                "device": "iPhone app",
                "success": True,
            },
            {
                "at": ago(hours=20),
                "ip": "198.51.100.7",
                "country": "SG",
                "device": "Chrome on Windows",
                "success": False,
            },
            {
                "at": ago(days=2),
                "ip": "203.0.113.10",
                "country": "KR",
                "device": "iPhone app",
                "success": True,
            },
        ],
        "actions": [],
    }


@transaction.atomic
def load_people(stdout) -> None:
    teams = {}
    for slug, name, security, escalation, restricted in TEAMS:
        teams[slug], _ = Team.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "handles_security": security,
                "is_escalation": escalation,
                "restricted": restricted,
            },
        )
    for email, name, languages, skills, team_slugs in AGENTS:
        user = _person(email, name, Role.AGENT)
        profile, _ = AgentProfile.objects.update_or_create(
            user=user,
            defaults={
                "languages": languages,
                "skills": skills,
                "presence": "online",
                "preferred_language": languages[0],
            },
        )
        profile.teams.set([teams[slug] for slug in team_slugs])
    for email, name, role in STAFF:
        user = _person(email, name, role)
        AgentProfile.objects.update_or_create(
            user=user, defaults={"languages": ["en"], "presence": "online"}
        )
        if role == Role.ADMIN:
            User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    supervisor = User.objects.get(username="supervisor@example.com")
    Team.objects.filter(supervisor__isnull=True).update(supervisor=supervisor)
    for seed, (email, name, language, tier, kyc, account_id) in enumerate(CUSTOMERS):
        user = _person(email, name, Role.CUSTOMER)
        CustomerProfile.objects.update_or_create(
            user=user,
            defaults={
                "preferred_language": language,
                "tier": tier,
                "kyc_status": kyc,
                "exchange_account_id": account_id,
            },
        )
        DemoExchangeAccount.objects.get_or_create(
            account_id=account_id, defaults={"data": exchange_account_data(email, tier, kyc, seed)}
        )
    stdout.write(
        f"Demo people: {len(AGENTS)} agents, {len(STAFF)} staff, {len(CUSTOMERS)} customers."
    )
    load_official_channels(stdout)
