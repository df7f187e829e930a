"""The customer's complaint pages, and the public status page.

Every page and action finds the complaint through `complaint_get_for_user` and then keeps it to
its owner: anyone else gets 404, the answer for a complaint that does not exist (staff work in
the console). Each action is its own POST URL; a refusal of the workflow becomes a message on
the complaint's page, never an error page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints import customer_pages as pages
from complaints import services, tracking
from complaints.errors import AppealWindowClosed, ComplaintError, ComplaintInvalid
from complaints.forms import (
    AppealForm,
    ComplaintForm,
    ReplyForm,
    TrackCodeForm,
    TrackReferenceForm,
    WithdrawForm,
)
from complaints.models import OPEN_STAGES, Complaint, Source, Stage
from complaints.selectors import complaint_get_for_user
from support import throttle
from support.client import client_address
from support.downloads import file_download
from support.queueing import task_queue
from support.unavailable import Unavailable
from tickets.errors import TicketError


def _own_complaint(request: HttpRequest, reference: str) -> Complaint:
    complaint = complaint_get_for_user(user=request.user, reference=reference)
    if complaint.customer_id != request.user.pk:
        raise Http404
    return complaint


# --- My complaints and the form --------------------------------------------------------------


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    before = request.GET.get("before", "")
    rows = pages.customer_complaint_page(
        request.user, before=int(before) if before.isdigit() else None
    )
    complaints = [{"complaint": c, "next": pages.next_date(c)} for c in rows]
    context = {"complaints": complaints, "more": len(rows) == pages.PAGE_SIZE}
    return render(request, "complaints/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    transfers = pages.exchange_transfers(request.user)  # before any transaction: a network call
    form = _complaint_form(request, transfers)
    if request.method == "POST" and form.is_valid():
        if wait := throttle.limits_hit(_form_limits(request)):
            form.add_error(None, throttle.retry_message(wait))
            page = _form_page(request, form, transfers, status=429)
            return throttle.too_many_requests(page, wait)
        try:
            complaint = _submit(request, form, transfers)
        except Unavailable as error:  # the file storage is down: the text stays in the form
            form.add_error("attachments", str(error))
            return _form_page(request, form, transfers, status=503)
        except (ComplaintInvalid, TicketError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _submitted_message(complaint))
            return redirect("complaints:detail", complaint.reference)
    return _form_page(request, form, transfers, status=400 if form.errors else 200)


def _complaint_form(request: HttpRequest, transfers: pages.Transfers) -> ComplaintForm:
    """The form with the customer's own tickets, transfers and chats to pick from."""
    posted = request.method == "POST"
    wanted = request.POST.getlist("tickets") if posted else request.GET.getlist("ticket")
    chats = pages.chat_choices(request.user)
    return ComplaintForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=_form_initial(request, chats),
        tickets=pages.ticket_choices(request.user, [str(r)[:20] for r in wanted]),
        transactions=transfers.choices,
        chats=chats,
    )


def _form_initial(request: HttpRequest, chats: list[tuple[int, str]]) -> dict:
    chat = request.GET.get("chat", "")
    own_chats = {str(value) for value, _label in chats}
    if request.GET.get("about") == "chat" and chats:
        chat = str(chats[0][0])  # "a chat" from the chat page: the latest one
    return {
        "tickets": [str(r)[:20] for r in request.GET.getlist("ticket")],
        "chat": chat if chat in own_chats else "",
    }


def _form_limits(request: HttpRequest) -> list[tuple[throttle.Limit, str]]:
    """The contact form's rates, counted on their own: complaints and requests are apart."""
    by_account = throttle.Limit.of("complaint-account", settings.THROTTLE_CONTACT_FORM)
    by_client = throttle.Limit.of("complaint-client", settings.THROTTLE_CONTACT_FORM_CLIENT)
    address = throttle.client_key(client_address(request))
    return [(by_account, throttle.request_key(request)), (by_client, address)]


def _submit(request: HttpRequest, form: ComplaintForm, transfers: pages.Transfers) -> Complaint:
    data = form.cleaned_data
    return services.complaint_submit(
        customer=request.user,
        category=data["category"],
        description=data["description"],
        desired_outcome=data["desired_outcome"],
        ticket_references=data["tickets"],
        transactions=data["transactions"],
        known_transactions=transfers.ids,
        source=Source.CHAT if data["chat"] else Source.FORM,
        conversation_id=data["chat"],
        uploads=data["attachments"],
    )


def _submitted_message(complaint: Complaint) -> str:
    return _(
        "Your complaint %(reference)s was received. We have emailed you an acknowledgement "
        "with its reference and the dates to expect."
    ) % {"reference": complaint.reference}


def _form_page(request, form, transfers: pages.Transfers, *, status: int) -> HttpResponse:
    context = {"form": form, "transfers_notice": transfers.notice}
    return render(request, "complaints/new.html", context, status=status)


# --- The complaint's page and its actions ----------------------------------------------------


@login_required
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _detail_page(request, _own_complaint(request, reference))


def _detail_page(request, complaint: Complaint, *, forms=None, status: int = 200):
    now = timezone.now()
    appeal = pages.appeal_of(complaint)
    deadline = complaint.appeal_deadline
    window_open = deadline is None or now <= deadline
    decided = complaint.stage == Stage.DECIDED
    context = {
        "complaint": complaint,
        "appeal": appeal,
        "timeline": pages.timeline(complaint, with_people=True),
        "conversation": pages.message_rows(complaint, appeal),
        "files": pages.complaint_files(complaint),
        "deadlines": pages.deadline_rows(complaint, now=now),
        "remedies": pages.remedy_rows(complaint),
        "can_reply": complaint.stage != Stage.CLOSED,
        "can_appeal": decided and appeal is None and window_open,
        "appeal_ended": _appeal_ended(deadline) if decided and not window_open else "",
        "can_accept": decided,
        "can_withdraw": complaint.stage in OPEN_STAGES,
        "reply_form": ReplyForm(),
        "appeal_form": AppealForm(),
        "withdraw_form": WithdrawForm(),
        **(forms or {}),
    }
    return render(request, "complaints/detail.html", context, status=status)


def _appeal_ended(deadline) -> str:
    return str(AppealWindowClosed(services.local_date(deadline, get_language())))


def _back(complaint: Complaint) -> HttpResponse:
    return redirect("complaints:detail", complaint.reference)


@login_required
@require_POST
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _own_complaint(request, reference)
    form, status = ReplyForm(request.POST, request.FILES), 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_customer_reply(
                complaint=complaint,
                customer=request.user,
                text=data["text"],
                uploads=data["attachments"],
            )
        except Unavailable as error:  # the file storage is down: the text stays in the form
            form.add_error("attachments", str(error))
            status = 503
        except (ComplaintInvalid, TicketError) as error:
            form.add_error(None, str(error))
        except ComplaintError as error:
            messages.error(request, str(error))
            return _back(complaint)
        else:
            messages.success(request, _("Your message was sent."))
            return _back(complaint)
    return _detail_page(request, complaint, forms={"reply_form": form}, status=status)


@login_required
@require_POST
def appeal(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _own_complaint(request, reference)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_submit(
                complaint=complaint, customer=request.user, grounds=form.cleaned_data["grounds"]
            )
        except ComplaintInvalid as error:
            form.add_error(None, str(error))
        except ComplaintError as error:
            messages.error(request, str(error))
            return _back(complaint)
        else:
            messages.success(
                request, _("Your appeal was received. An independent reviewer will decide it.")
            )
            return _back(complaint)
    return _detail_page(request, complaint, forms={"appeal_form": form}, status=400)


@login_required
@require_POST
def accept(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _own_complaint(request, reference)
    try:
        services.complaint_accept(complaint=complaint, customer=request.user)
    except ComplaintError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You accepted the decision. The complaint is closed."))
    return _back(complaint)


@login_required
@require_POST
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _own_complaint(request, reference)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.complaint_withdraw(complaint=complaint, customer=request.user, reason=reason)
    except ComplaintError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your complaint was withdrawn."))
    return _back(complaint)


@login_required
@require_GET
def attachment(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    complaint = _own_complaint(request, reference)
    found = pages.attachment_for_customer(complaint, pk)
    if found is None:
        raise Http404
    return file_download(
        found.file.open("rb"), filename=found.filename, content_type=found.content_type
    )


# --- The public status page ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Step 1: a reference in, the same neutral answer out, a code emailed if it exists."""
    form = TrackReferenceForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.errors else 200
        return _track_page(request, reference_form=form, status=status)
    if wait := throttle.tracking_code_lookup_hit(request):
        return _throttled(request, form, wait)
    reference = form.cleaned_data["reference"]
    _issue_code_in_the_background(reference)
    code_form = TrackCodeForm(initial={"reference": reference})
    return _track_page(request, code_form=code_form, step="code", sent=True)


def _issue_code_in_the_background(reference: str) -> None:
    """Look the reference up and email its code in a worker: the page's answer then takes the
    same time whether or not the reference exists. Broker down: done here (the code must
    still reach the customer), at the cost of that timing difference."""
    from complaints.tasks import tracking_code_issue_task

    if not task_queue(tracking_code_issue_task, reference):
        tracking.tracking_code_issue(reference=reference)


@never_cache
@require_POST
def track_status(request: HttpRequest) -> HttpResponse:
    """Step 2: the reference and its code; the status once, or the one neutral refusal."""
    form = TrackCodeForm(request.POST)
    if not form.is_valid():
        return _track_page(request, code_form=form, step="code", status=400)
    if wait := throttle.tracking_code_lookup_hit(request):
        return _throttled(request, form, wait)
    data = form.cleaned_data
    complaint = tracking.tracking_code_redeem(reference=data["reference"], code=data["code"])
    if complaint is None:
        code_form = TrackCodeForm(initial={"reference": data["reference"]})
        return _track_page(request, code_form=code_form, step="code", refused=True, status=400)
    context = {"status": tracking.public_status(complaint)}
    return render(request, "complaints/track_status.html", context)


def _track_page(request: HttpRequest, *, status: int = 200, **context) -> HttpResponse:
    context.setdefault("reference_form", TrackReferenceForm())
    context.setdefault("code_form", TrackCodeForm())
    context["code_minutes"] = tracking.CODE_MINUTES
    return render(request, "complaints/track.html", context, status=status)


def _throttled(request: HttpRequest, form, wait: int) -> HttpResponse:
    form.add_error(None, throttle.retry_message(wait))
    if isinstance(form, TrackCodeForm):
        page = _track_page(request, code_form=form, step="code", status=429)
    else:
        page = _track_page(request, reference_form=form, status=429)
    return throttle.too_many_requests(page, wait)
