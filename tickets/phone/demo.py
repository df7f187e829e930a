"""Demo callback requests (idempotent: a customer with an open request is left as they are):
a Japanese VIP customer and an English customer reporting a security incident, and the policy's
calling team."""

from django.contrib.auth import get_user_model

from support.models import Team
from tickets.phone.callbacks import callback_policy, callback_request
from tickets.phone.errors import CallbackAlreadyOpen

REQUESTS = [
    # email, number, language, window, time zone, topic, details
    (
        "customer.ja@example.com",
        "+819012345678",
        "ja",
        "evening",
        "Asia/Tokyo",
        "deposit_withdrawal",
        "USDTの出金が6時間保留されています。",
    ),
    (
        "customer.en@example.com",
        "+12025550143",
        "en",
        "soon",
        "America/New_York",
        "security_incident",
        "Someone changed my email address and tried to withdraw.",
    ),
]


def load_demo(stdout) -> None:
    policy = callback_policy()
    if policy.pk and policy.team_id is None:
        policy.team = Team.objects.filter(slug="frontline").first()
        policy.save(update_fields=["team"])
    made = 0
    for email, number, language, window, zone, topic, details in REQUESTS:
        customer = get_user_model().objects.filter(username=email).first()
        if customer is None:
            continue
        try:
            callback_request(
                customer=customer,
                number=number,
                language=language,
                window=window,
                time_zone=zone,
                topic=topic,
                details=details,
            )
        except CallbackAlreadyOpen:
            continue
        made += 1
    stdout.write(f"Phone: {made} callback requests waiting.\n")
