"""The customer's complaint pages."""

from django.http import Http404, HttpRequest, HttpResponse


def track(request: HttpRequest) -> HttpResponse:
    raise Http404


def detail(request: HttpRequest, reference: str) -> HttpResponse:
    raise Http404


def complaint_list(request: HttpRequest) -> HttpResponse:
    raise Http404
