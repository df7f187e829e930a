"""Web pages: the customer's chat page and the agents' chat console."""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from livechat import selectors, services
from livechat.labels import console_labels
from livechat.models import Conversation
from support.models import AgentProfile, Team
from support.taxonomy import Category, Language

PAGE_CHATS = 30


def widget_strings() -> dict:
    """Every text the chat widget shows, in the active language (passed as JSON, not in JS)."""
    return {
        "title": _("Live chat"),
        "open": _("Chat with us"),
        "close": _("Close chat"),
        "start": _("Start chat"),
        "language": _("Language"),
        "category": _("Topic"),
        "email": _("Your email"),
        "email_help": _("We send the transcript and any follow-up here."),
        "transcript": _("Email me the transcript"),
        "send": _("Send"),
        "placeholder": _("Type your message…"),
        "automated": _("Automated"),
        "you": pgettext("message author: the customer reading it", "You"),
        "agent": _("Support agent"),
        "assistant": _("Assistant"),
        "sending": _("Sending…"),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "connected": _("Connected"),
        "typing": _("The agent is typing…"),
        "queue": _("You are number {position} in the queue. Estimated wait: {minutes} min."),
        "offline": _("No agent is available right now. Leave a message and we will email you."),
        "leave": _("Leave a message"),
        "end": _("End chat"),
        "ended": _("The chat has ended."),
        "rate": _("How was this chat?"),
        "comment": _("Comment (optional)"),
        "submit_rating": _("Send rating"),
        "thanks": _("Thank you for your feedback."),
        "stars": _("{n} of 5"),
        "never_share": _("We will never ask for your password, codes or seed phrase."),
        "start_failed": _("The chat could not start. Please try again."),
        "read": _("Read"),
        "attach": _("Send an image or a PDF"),
        "upload_failed": _("The file could not be sent. Please try again."),
    }


def widget_context(request: HttpRequest) -> dict:
    """What `livechat/_widget.html` needs: include it with this context on any page."""
    return {
        "livechat_config": {
            "strings": widget_strings(),
            "languages": [{"value": value, "label": label} for value, label in Language.choices],
            "categories": [
                {"value": value, "label": str(label)} for value, label in Category.choices
            ],
        },
        "livechat_websocket_url": settings.WEBSOCKET_URL,
    }


@never_cache
def widget_config(request: HttpRequest) -> JsonResponse:
    """What the widget needs when a page carries only its script tag (the exchange's own
    site, docs/livechat.md): strings in this URL's language, where to start a chat and open
    its socket, and a CSRF token (the cookie is set with it). Same-origin pages only: the
    start API's CSRF check and the socket's origin check refuse any other."""
    context = widget_context(request)
    return JsonResponse(
        {
            "config": context["livechat_config"],
            "api": reverse("livechat-start"),
            "ws": context["livechat_websocket_url"],
            "csrf": get_token(request),
            "signedIn": "1" if request.user.is_authenticated else "0",
            "lang": get_language(),
        }
    )


def chat_page(request: HttpRequest) -> HttpResponse:
    return render(request, "livechat/chat_page.html")


@login_required
@permission_required("support.use_console", raise_exception=True)
def console_chats(request: HttpRequest) -> HttpResponse:
    supervisor = services.is_supervisor(request.user)
    context = {
        # the first screenful; the socket's snapshot brings the whole list (200) right after
        "chats": selectors.agent_chats(request.user, limit=PAGE_CHATS),
        "supervisor": supervisor,
        "console_section": "chats",
        "agent_presence": selectors.agent_presence(request.user),
        "presence_choices": AgentProfile.Presence.choices,
        "console_strings": console_strings(),
        "console_directory": console_directory(),
        "livechat_websocket_url": settings.WEBSOCKET_URL,
    }
    return render(request, "livechat/console_chats.html", context)


@login_required
@permission_required("support.use_console", raise_exception=True)
def console_chat_customer(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer 360 panel beside a chat (an HTML fragment the console inserts)."""
    from tickets.customer360 import customer_360

    conversation = console_conversation(request, pk)
    customer = conversation.customer
    context = {
        "conversation": conversation,
        "customer": customer_360(customer, user=request.user) if customer else None,
    }
    return render(request, "livechat/_customer_360.html", context)


@login_required
@permission_required("support.use_console", raise_exception=True)
def console_chat_macros(request: HttpRequest, pk: int) -> JsonResponse:
    """The macros for a chat's pane, filled for this chat (the composer inserts them)."""
    conversation = console_conversation(request, pk)
    return JsonResponse({"macros": selectors.chat_macros(conversation)})


def console_conversation(request: HttpRequest, pk: int) -> Conversation:
    """A chat this agent may open in the console; 404 for missing and not-yours alike."""
    return selectors.conversation_get_for_user(user=request.user, pk=pk)


def console_directory() -> dict:
    """Who a chat can be transferred to: teams and agents (for the pane's pickers)."""
    agents = AgentProfile.objects.select_related("user").order_by("user__email")[:500]
    return {
        "teams": [{"id": team.pk, "name": team.name} for team in Team.objects.order_by("name")],
        "agents": [
            {"id": profile.user_id, "name": profile.user.get_full_name() or profile.user.email}
            for profile in agents
        ],
    }


def console_strings() -> dict:
    return {
        "labels": console_labels(),  # codes in frames → what the agent reads (livechat/labels.py)
        "accept": pgettext("button: accept a chat offer", "Accept"),
        "join": pgettext("button: open a chat", "Open"),
        "watch": _("Watch"),
        "end": _("End chat"),
        "hand_back": _("Back to bot"),
        "transfer": _("Transfer"),
        "transfer_team": _("To a team"),
        "transfer_agent": _("To an agent"),
        "note": _("Internal note"),
        "send": _("Send"),
        "placeholder": _("Reply to the customer…"),
        "internal": _("Internal"),
        "automated": _("Automated"),
        "typing": _("The customer is typing…"),
        "summary": _("What the bot already tried"),
        "reason": _("Handoff reason"),
        "urgent": _("Urgent"),
        "queued": pgettext("chat status", "Waiting"),
        "assigned": _("With an agent"),
        "ended": _("Ended"),
        "bot": _("With the bot"),
        "offered": _("Offered to you"),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "read": _("Read"),
        "close": _("Close"),
        "suggested": _("Suggested articles"),
        "attach": _("Send an image or a PDF"),
        "follow_up": _("Convert to ticket, follow up by email"),
        "offer_expired": _("Chat #{id} was not accepted in time; it is no longer offered to you."),
        "macros": _("Macros"),
        "macro_search": _("Find a macro…"),
        "no_macros": _("No macro matches."),
        "show": pgettext("button: show an open chat", "Show"),
        "unread": _("{n} unread"),
        "new_offer": _("Chat #{id} is offered to you."),
        "notifications_blocked": _("This browser does not allow notifications for this site."),
        "conversation": _("Conversation #{id}"),
        "notes": _("Notes"),
        "add_note": _("Add note"),
        "transfer_note": _("Note for whoever takes the chat"),
        "transfer_pick": _("Choose a team or an agent to transfer to."),
        # the ticket page's warning, word for word (tickets/console/ticket.html)
        "impersonation_title": _("Possible impersonation scam."),
        "impersonation_text": _(
            "The customer may have been contacted by someone posing as our support, or sent a "
            "look-alike link. They received a safety notice; point them to the verification "
            "page and do not open their links."
        ),
        "impersonation_badge": pgettext(
            "badge: a chat in the agents' list", "Possible impersonation"
        ),
    }
