"""The complaints console."""

from django.http import Http404, HttpRequest, HttpResponse


def complaint(request: HttpRequest, reference: str) -> HttpResponse:
    raise Http404


def queue(request: HttpRequest) -> HttpResponse:
    raise Http404
