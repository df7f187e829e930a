"""Keyset (cursor) pagination for every API list: no counts, a fixed page size."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, status


class InvalidCursor(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_cursor"
    default_detail = _("Invalid cursor")


class CursorPage(pagination.CursorPagination):
    """DRF answers a cursor it cannot decode with 404, as if the list did not exist; it is a
    bad parameter (400). The page size is not the caller's to choose."""

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as error:
            raise InvalidCursor() from error

    def paginate_queryset(self, queryset, request, view=None):
        """A cursor that decodes but whose position is no value of the ordering (a forged
        one, `p=abc` for an id) is a bad parameter too: 400, not a server error."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, ValidationError) as error:
            raise InvalidCursor() from error
