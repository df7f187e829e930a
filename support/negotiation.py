"""The API answers in JSON whatever the Accept header asks for."""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class JSONWhateverAccepted(DefaultContentNegotiation):
    """A browser's `Accept: text/html` (or anything else we do not render) gets the view's
    first renderer, JSON, not a 406: every answer, errors included, keeps the documented shape.
    Views with renderers of their own (the schema's YAML and JSON) still choose among them."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
