from django.http import Http404


def contact(request):
    raise Http404


my_tickets = ticket_detail = ticket_reply = ticket_solve = contact


attachment_download = contact
