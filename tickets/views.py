"""Customer pages: contact form, my tickets, the ticket page; and attachment downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from support import throttle
from support.downloads import file_download
from support.unavailable import Unavailable
from tickets.errors import InvalidTransition, TicketError
from tickets.forms import ContactForm, CustomerReplyForm
from tickets.intake import InboundAttachment, InboundMessage, intake_message
from tickets.models import Status, Ticket
from tickets.selectors import attachment_get_for_user, messages_visible, page, ticket_get_for_user
from tickets.services import ticket_rate as rate
from tickets.services import ticket_transition


def _attachments(files) -> tuple[InboundAttachment, ...]:
    return tuple(InboundAttachment(f.name, f.content_type, f.read()) for f in files)


def contact(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    initial = {"subject": request.GET.get("q", "")[:200], "article": request.GET.get("article", "")}
    form = ContactForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if wait := throttle.contact_form_hit(request):
            form.add_error(None, throttle.retry_message(wait))
            page = render(request, "tickets/contact.html", {"form": form})
            return throttle.too_many_requests(page, wait)
        data = form.cleaned_data
        try:
            ticket = intake_message(
                InboundMessage(
                    channel="web",
                    customer_id=request.user.pk,
                    subject=data["subject"],
                    text=form.message_text(),
                    category=data["category"],
                    language_hint=get_language(),
                    attachments=_attachments(data["attachments"]),
                    metadata={"article": data["article"]} if data["article"] else {},
                )
            )
        except Unavailable as error:  # the file storage is down: the text stays in the form
            form.add_error("attachments", str(error))
            return render(request, "tickets/contact.html", {"form": form}, status=503)
        except TicketError as error:
            form.add_error("attachments", str(error))
        else:
            messages.success(
                request,
                _("Thank you. Your request %(reference)s was received.")
                % {"reference": ticket.reference},
            )
            return redirect(ticket)
    status = 400 if form.errors else 200
    return render(request, "tickets/contact.html", {"form": form}, status=status)


@login_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    tickets = Ticket.objects.filter(customer=request.user)
    before = request.GET.get("before")
    rows = page(tickets, before=int(before) if before and before.isdigit() else None, size=25)
    return render(request, "tickets/my_tickets.html", {"tickets": rows})


@login_required
def ticket_detail(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, reference=reference)
    return _detail(request, ticket, CustomerReplyForm())


def _detail(request: HttpRequest, ticket: Ticket, form, status: int = 200) -> HttpResponse:
    context = {
        "ticket": ticket,
        "conversation": messages_visible(ticket=ticket, staff=False),
        "form": form,
        "can_solve": Status.SOLVED in Ticket.TRANSITIONS[ticket.status],
    }
    return render(request, "tickets/ticket.html", context, status=status)


@login_required
@require_POST
def ticket_reply(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, reference=reference)
    form = CustomerReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, ticket, form, status=400)
    try:
        landed = intake_message(
            InboundMessage(
                channel="web",
                customer_id=request.user.pk,
                reference_hint=ticket.reference,
                text=form.cleaned_data["body"],
                attachments=_attachments(form.cleaned_data["attachments"]),
            )
        )
    except (TicketError, Unavailable) as error:
        form.add_error("attachments", str(error))
        return _detail(request, ticket, form, status=503 if isinstance(error, Unavailable) else 400)
    return redirect(landed)


@login_required
@require_POST
def ticket_solve(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, reference=reference)
    try:
        ticket_transition(ticket=ticket, to=Status.SOLVED, by=request.user)
    except InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Marked as solved. Thank you!"))
    return redirect(ticket)


@login_required
@require_POST
def ticket_rate(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, reference=reference)
    score = request.POST.get("score", "")
    try:
        rate(ticket=ticket, score=int(score) if score.isdigit() else 0, by=request.user)
    except InvalidTransition:
        messages.error(request, _("Choose a score from 1 to 5."))
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect(ticket)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = attachment_get_for_user(user=request.user, pk=pk)
    return file_download(
        attachment.file.open("rb"),
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
