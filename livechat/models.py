"""Chat conversations, their messages and the audit trail of every state change."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.models import Team
from support.roles import has_role, is_staff_member
from support.taxonomy import Category, Language
from support.teams import team_readable_filter


class Status(models.TextChoices):
    BOT = "bot", _("With the bot")
    QUEUED = "queued", _("Waiting for an agent")
    ASSIGNED = "assigned", _("With an agent")
    ENDED = "ended", _("Ended")


OPEN_STATUSES = (Status.BOT, Status.QUEUED, Status.ASSIGNED)


def is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Supervisors (and admins) may watch and act in any chat they can read."""
    return bool(
        getattr(user, "is_superuser", False)
        or has_role(user, "supervisor")
        or has_role(user, "admin")
    )


class HandoffReason(models.TextChoices):
    ASKED_FOR_HUMAN = "asked_for_human", _("Customer asked for a person")
    BOT_FAILED = "bot_failed", _("The bot could not help twice")
    NEGATIVE_SENTIMENT = "negative_sentiment", _("Customer is very unhappy")
    SECURITY = "security", _("Security incident")
    TRANSFER = "transfer", _("Transferred by an agent")


class ConversationQuerySet(models.QuerySet):
    def open(self) -> "ConversationQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def of_teams(self, teams: tuple[int, ...] | None) -> "ConversationQuerySet":
        """The chats of `teams`; None: every chat, those of no team too."""
        return self if teams is None else self.filter(team__in=teams)

    def queued(self) -> "ConversationQuerySet":
        return self.filter(status=Status.QUEUED).order_by("-urgent", "queued_at", "id")

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> "ConversationQuerySet":
        """The one place that decides which chats a signed-in person may see: a customer their
        own; staff with the console the queue and their own chats, supervisors every chat;
        and of a restricted team's chats (Security, VIP) only its people see any
        (support.teams). Guests reach their chat by its signed token instead
        (livechat.selectors.conversation_get_for_user)."""
        if not user.is_authenticated:
            return self.none()
        if not is_staff_member(user):
            return self.filter(customer=user)
        if not user.has_perm("support.use_console"):
            return self.none()
        chats = (
            self if is_supervisor(user) else self.filter(Q(status=Status.QUEUED) | Q(agent=user))
        )
        return chats.filter(team_readable_filter(user))

    def takeable_by(self, user: AbstractBaseUser | AnonymousUser) -> "ConversationQuerySet":
        """The chats `user` may try to accept: staff with the console, any chat of a team they
        may read (accepting then refuses all but a queued one: `already_taken`)."""
        if not (is_staff_member(user) and user.has_perm("support.use_console")):
            return self.none()
        return self.filter(team_readable_filter(user))

    def actable_by(self, user: AbstractBaseUser | AnonymousUser) -> "ConversationQuerySet":
        """The chats `user` may write in or change (end, transfer, hand back, follow up): of
        the visible ones, a customer's own, an agent's assigned chats, any for supervisors."""
        chats = self.visible_to(user)
        if is_staff_member(user) and not is_supervisor(user):
            chats = chats.filter(agent=user)
        return chats


class Conversation(models.Model):
    Status = Status
    HandoffReason = HandoffReason

    # The one transitions table of the chat workflow: status -> statuses it may move to.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.BOT: frozenset({Status.QUEUED, Status.ENDED}),
        Status.QUEUED: frozenset({Status.ASSIGNED, Status.BOT, Status.ENDED}),
        Status.ASSIGNED: frozenset({Status.QUEUED, Status.BOT, Status.ENDED}),
        Status.ENDED: frozenset(),
    }

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_conversations",
    )
    guest_email = models.EmailField(_("guest email"), blank=True)
    guest_key = models.CharField(max_length=64, blank=True, editable=False)
    guest_address = models.GenericIPAddressField(_("guest address"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=7, choices=Language.choices, default=Language.EN
    )
    category = models.CharField(
        _("category"), max_length=32, choices=Category.choices, default=Category.GENERAL
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.BOT)
    urgent = models.BooleanField(_("urgent"), default=False)
    handoff_reason = models.CharField(
        _("handoff reason"), max_length=24, choices=HandoffReason.choices, blank=True
    )
    bot_summary = models.TextField(_("what the bot already tried"), blank=True)
    # Someone posed as our support, or the customer sent a look-alike link
    # (support.text.impersonation): every agent who opens the chat sees a warning.
    impersonation_suspected = models.BooleanField(_("impersonation suspected"), default=False)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_chats",
    )
    offered_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offered_chats",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    transfer_note = models.TextField(_("transfer note"), blank=True)
    wants_transcript = models.BooleanField(_("transcript by email"), default=True)
    customer_read_up_to = models.BigIntegerField(default=0)
    agent_read_up_to = models.BigIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    ticket_reference = models.CharField(_("ticket"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["queued_at"], name="chat_queue", condition=Q(status="queued")),
            models.Index(fields=["agent", "status"], name="chat_agent"),
            models.Index(fields=["customer", "-id"], name="chat_customer"),
            models.Index(
                fields=["guest_email"], name="chat_open_guest", condition=~Q(status="ended")
            ),
            # The dashboards: chats still open or ended in a period; the latest waits measured.
            models.Index(fields=["ended_at"], name="chat_ended"),
            models.Index(
                fields=["-assigned_at"], name="chat_assigned", condition=Q(queued_at__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="chat_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.status})"

    @property
    def email(self) -> str:
        return self.customer.email if self.customer_id else self.guest_email

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class SenderKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    BOT = "bot", _("Bot")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class ChatMessage(models.Model):
    """One message; its id orders the conversation and is what clients resume after."""

    SenderKind = SenderKind

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.CharField(_("sender"), max_length=8, choices=SenderKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("body"), help_text=_("Already redacted: never holds a secret."))
    client_message_id = models.CharField(max_length=64, blank=True)
    automated = models.BooleanField(_("automated"), default=False)
    bot_action = models.CharField(_("bot action"), max_length=16, blank=True)
    internal = models.BooleanField(_("internal note"), default=False)
    articles = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "client_message_id"],
                condition=~Q(client_message_id=""),
                name="chat_message_once",
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "id"], name="chat_message_replay"),
            # Deflection: the chats in which the bot answered.
            models.Index(
                fields=["conversation"],
                name="chat_bot_answer",
                condition=Q(sender="bot", bot_action="answer"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.pk} {self.sender}"


class ConversationEvent(models.Model):
    """Who changed what, and when: one row per state change."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    before = models.CharField(max_length=16, blank=True)
    after = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("conversation event")
        verbose_name_plural = _("conversation events")

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.kind} {self.before}→{self.after}"


def attachment_path(instance: "ChatAttachment", filename: str) -> str:
    return f"livechat/{instance.message.conversation_id}/{uuid.uuid4().hex}"


class ChatAttachment(models.Model):
    """A file sent in a chat (an image or PDF from the widget; from Telegram, also a voice note
    or a text file); downloaded only through the permission-checked view."""

    message = models.ForeignKey(ChatMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("chat attachment")
        verbose_name_plural = _("chat attachments")

    def __str__(self) -> str:
        return self.name


class OfferOutcome(models.TextChoices):
    OPEN = "open", pgettext_lazy("chat offer", "Open")
    ACCEPTED = "accepted", pgettext_lazy("chat offer", "Accepted")
    EXPIRED = "expired", _("Not accepted in time")
    WITHDRAWN = "withdrawn", pgettext_lazy("chat offer", "Withdrawn")


class ChatOffer(models.Model):
    """A queued chat offered to one agent: open until accepted, withdrawn or expired.

    At most one open offer per chat; `Conversation.offered_to` names its agent. Changed only
    by livechat.offers, under the chat's row lock."""

    Outcome = OfferOutcome

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="offers")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="chat_offers",
    )
    offered_at = models.DateTimeField(_("offered at"))
    expires_at = models.DateTimeField(_("expires at"))
    outcome = models.CharField(
        _("outcome"), max_length=9, choices=OfferOutcome.choices, default=OfferOutcome.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("chat offer")
        verbose_name_plural = _("chat offers")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"], condition=Q(outcome="open"), name="chat_offer_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["expires_at"], name="chat_offer_due", condition=Q(outcome="open")),
            models.Index(fields=["agent", "-id"], name="chat_offer_agent"),
        ]

    def __str__(self) -> str:
        return f"chat {self.conversation_id} to {self.agent_id} ({self.outcome})"


class TeamChatPolicy(models.Model):
    """How a team's chats are offered to its agents; a team without a row uses the defaults."""

    DEFAULT_OFFER_TIMEOUT_SECONDS = 60
    DEFAULT_AWAY_AFTER_MISSED = 3

    team = models.OneToOneField(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="chat_policy"
    )
    offer_timeout_seconds = models.PositiveIntegerField(
        _("offer timeout (seconds)"),
        default=DEFAULT_OFFER_TIMEOUT_SECONDS,
        validators=[MinValueValidator(10)],
        help_text=_("A chat not accepted in this time is offered to the next agent."),
    )
    away_after_missed_offers = models.PositiveSmallIntegerField(
        _("away after missed offers"),
        default=DEFAULT_AWAY_AFTER_MISSED,
        help_text=_(
            "An agent who lets this many offers in a row expire is set to away (0: never)."
        ),
    )

    class Meta:
        verbose_name = _("team chat policy")
        verbose_name_plural = _("team chat policies")

    def __str__(self) -> str:
        return str(self.team)


# A chat whose customer writes from Telegram (livechat/channel_bridge.py).
from livechat.channel_models import ChannelChat  # noqa: E402, F401
