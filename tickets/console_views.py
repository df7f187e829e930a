from django.http import Http404


def queue(request):
    raise Http404


ticket = reply = set_status = set_priority = assign = take = set_tags = queue
remediation_request = remediation_approve = queue
