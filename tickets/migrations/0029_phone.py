"""The phone channel: call records, telephony providers, customers' numbers, callback
requests and their policy (tickets/phone/)."""

import django.contrib.postgres.fields
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def create_policy(apps, schema_editor) -> None:
    """The shipped policy: VIP and institutional customers may ask for a callback."""
    policy = apps.get_model("tickets", "CallbackPolicy")
    if not policy.objects.exists():
        policy.objects.create(eligible_tiers=["vip", "institutional"])


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_initial"),
        ("tickets", "0028_raw_payload_uncompressed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CallbackPolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "eligible_tiers",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("standard", "Standard"),
                                ("vip", "VIP"),
                                ("institutional", "Institutional"),
                            ],
                            max_length=16,
                        ),
                        blank=True,
                        default=list,
                        help_text="Anyone reporting a security incident may request one too.",
                        size=None,
                        verbose_name="tiers that may request a callback",
                    ),
                ),
                (
                    "target_minutes",
                    models.PositiveIntegerField(
                        default=240, verbose_name="call within (business minutes)"
                    ),
                ),
                (
                    "incident_target_minutes",
                    models.PositiveIntegerField(
                        default=30,
                        verbose_name="security incidents: call within (business minutes)",
                    ),
                ),
                (
                    "warn_share",
                    models.DecimalField(
                        decimal_places=2,
                        default=0.75,
                        max_digits=3,
                        verbose_name="warn at share of target",
                    ),
                ),
                (
                    "calendar",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: 24/7.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="tickets.businesscalendar",
                        verbose_name="calendar",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        help_text="Its supervisor is told about callbacks at risk and overdue.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="support.team",
                        verbose_name="team that calls back",
                    ),
                ),
            ],
            options={
                "verbose_name": "callback policy",
                "verbose_name_plural": "callback policies",
            },
        ),
        migrations.CreateModel(
            name="CallbackRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=20, verbose_name="phone number")),
                (
                    "language",
                    models.CharField(
                        choices=[
                            ("en", "English"),
                            ("zh-hans", "简体中文"),
                            ("zh-hant", "繁體中文"),
                            ("ko", "한국어"),
                            ("ja", "日本語"),
                        ],
                        max_length=7,
                        verbose_name="language",
                    ),
                ),
                (
                    "window",
                    models.CharField(
                        choices=[
                            ("soon", "As soon as possible"),
                            ("morning", "Morning (9:00–12:00)"),
                            ("afternoon", "Afternoon (12:00–18:00)"),
                            ("evening", "Evening (18:00–21:00)"),
                        ],
                        default="soon",
                        max_length=10,
                        verbose_name="preferred time",
                    ),
                ),
                (
                    "time_zone",
                    models.CharField(default="UTC", max_length=64, verbose_name="time zone"),
                ),
                (
                    "topic",
                    models.CharField(
                        choices=[
                            ("kyc", "Identity verification (KYC)"),
                            ("password_reset", "Password reset"),
                            ("account_recovery", "Account recovery"),
                            ("two_factor", "Two-factor authentication"),
                            ("fees", "Fees"),
                            ("trading", "Trading"),
                            ("deposit_withdrawal", "Deposits and withdrawals"),
                            ("scam_report", "Scam report"),
                            ("security_incident", "Security incident"),
                            ("compliance", "Compliance"),
                            ("technical", "Technical problem"),
                            ("general", "General question"),
                        ],
                        max_length=32,
                        verbose_name="topic",
                    ),
                ),
                (
                    "security_incident",
                    models.BooleanField(default=False, verbose_name="security incident"),
                ),
                (
                    "details",
                    models.TextField(
                        blank=True,
                        default="",
                        help_text="Stored with secrets already redacted.",
                        verbose_name="details",
                    ),
                ),
                (
                    "tier",
                    models.CharField(
                        choices=[
                            ("standard", "Standard"),
                            ("vip", "VIP"),
                            ("institutional", "Institutional"),
                        ],
                        default="standard",
                        max_length=16,
                        verbose_name="tier",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("waiting", "Waiting"),
                            ("claimed", "Being called"),
                            ("done", "Called"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="waiting",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                (
                    "claimed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="claimed at"),
                ),
                (
                    "attempts",
                    models.PositiveSmallIntegerField(default=0, verbose_name="calls made"),
                ),
                (
                    "first_called_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="first called at"),
                ),
                ("due_at", models.DateTimeField(verbose_name="call due")),
                ("warn_at", models.DateTimeField(verbose_name="warn at")),
                ("next_due", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "warned_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="warned at"),
                ),
                (
                    "breached_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="overdue since"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="requested at",
                    ),
                ),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
                ),
                (
                    "claimed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="claimed by",
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="callback_requests",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="customer",
                    ),
                ),
                (
                    "ticket",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="callback_requests",
                        to="tickets.ticket",
                        verbose_name="ticket",
                    ),
                ),
            ],
            options={
                "verbose_name": "callback request",
                "verbose_name_plural": "callback requests",
            },
        ),
        migrations.CreateModel(
            name="CustomerPhone",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=20, verbose_name="phone number")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("callback", "Callback request"),
                            ("agent", "Confirmed by an agent"),
                        ],
                        max_length=10,
                        verbose_name="source",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phone_numbers",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "customer phone number",
                "verbose_name_plural": "customer phone numbers",
            },
        ),
        migrations.CreateModel(
            name="TelephonyProvider",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.SlugField(max_length=40, unique=True, verbose_name="key")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "secret_sealed",
                    models.BinaryField(default=b"", verbose_name="signing secret (encrypted)"),
                ),
                ("enabled", models.BooleanField(default=True, verbose_name="enabled")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="support.team",
                        verbose_name="team of new phone tickets",
                    ),
                ),
            ],
            options={
                "verbose_name": "telephony provider",
                "verbose_name_plural": "telephony providers",
                "ordering": ["key"],
            },
        ),
        migrations.CreateModel(
            name="CallRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "external_id",
                    models.CharField(
                        blank=True, default="", max_length=200, verbose_name="provider's call id"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[("inbound", "Inbound"), ("outbound", "Outbound")],
                        max_length=8,
                        verbose_name="direction",
                    ),
                ),
                (
                    "number",
                    models.CharField(
                        blank=True, default="", max_length=20, verbose_name="customer's number"
                    ),
                ),
                (
                    "started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="started at"),
                ),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended at")),
                (
                    "duration_seconds",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="duration (seconds)"
                    ),
                ),
                (
                    "notes",
                    models.TextField(
                        blank=True,
                        default="",
                        help_text="Stored with secrets already redacted.",
                        verbose_name="notes",
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("resolved", "Resolved"),
                            ("follow_up", "Follow-up needed"),
                            ("callback_needed", "Callback needed"),
                            ("no_answer", "No answer"),
                            ("voicemail", "Left a voicemail"),
                            ("busy", "Line busy"),
                            ("wrong_number", "Wrong number"),
                        ],
                        default="",
                        max_length=16,
                        verbose_name="outcome",
                    ),
                ),
                (
                    "recording_url",
                    models.URLField(
                        blank=True,
                        default="",
                        max_length=500,
                        validators=[
                            django.core.validators.URLValidator(
                                message="Enter an https:// link.", schemes=["https"]
                            )
                        ],
                        verbose_name="recording link",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "agent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="agent",
                    ),
                ),
                (
                    "callback",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="calls",
                        to="tickets.callbackrequest",
                        verbose_name="callback request",
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="calls",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="customer",
                    ),
                ),
                (
                    "ticket",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="calls",
                        to="tickets.ticket",
                        verbose_name="ticket",
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="tickets.telephonyprovider",
                        verbose_name="telephony provider",
                    ),
                ),
            ],
            options={
                "verbose_name": "call",
                "verbose_name_plural": "calls",
                "ordering": ["-id"],
            },
        ),
        migrations.AddIndex(
            model_name="callbackrequest",
            index=models.Index(
                condition=models.Q(
                    ("next_due__isnull", False), ("state__in", ["waiting", "claimed"])
                ),
                fields=["next_due"],
                name="callback_next_due_open",
            ),
        ),
        migrations.AddIndex(
            model_name="callbackrequest",
            index=models.Index(
                condition=models.Q(("state__in", ["waiting", "claimed"])),
                fields=["-security_incident", "due_at", "id"],
                name="callback_queue",
            ),
        ),
        migrations.AddIndex(
            model_name="callbackrequest",
            index=models.Index(fields=["customer", "-id"], name="callback_customer"),
        ),
        migrations.AddIndex(
            model_name="customerphone",
            index=models.Index(fields=["number"], name="customer_phone_number"),
        ),
        migrations.AddConstraint(
            model_name="customerphone",
            constraint=models.UniqueConstraint(
                fields=("customer", "number"), name="customer_phone_once"
            ),
        ),
        migrations.AddIndex(
            model_name="callrecord",
            index=models.Index(fields=["ticket", "id"], name="call_ticket"),
        ),
        migrations.AddIndex(
            model_name="callrecord",
            index=models.Index(
                condition=models.Q(("ticket__isnull", True)), fields=["-id"], name="call_unlinked"
            ),
        ),
        migrations.AddConstraint(
            model_name="callrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=("provider", "external_id"),
                name="call_external_id_once",
            ),
        ),
        migrations.RunPython(create_policy, migrations.RunPython.noop),
    ]
