"""Logging helpers loaded with the settings (before the apps): nothing here imports Django's
request machinery or a model."""

import logging


class RequestIdLogFilter(logging.Filter):
    """Puts the request id (support.edge) on log records about a request, Django's error log
    among them, so the id a caller quotes from an error answer finds the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", None)
        return True
