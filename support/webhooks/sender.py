"""One HTTP POST to a checked target (url_guard.Target), connected to its checked address.

No redirect is followed (a 3xx is a failure, named in the log), nothing is read of the answer
but its status line, and every socket operation has a deadline: a receiver that hangs costs
the sender the connect timeout or the read timeout (WEBHOOK_CONNECT_TIMEOUT,
WEBHOOK_READ_TIMEOUT), and one that trickles its answer is cut off after the connect timeout
and twice the read timeout in all.
"""

import contextlib
import http.client
import socket
import ssl
import threading
from dataclasses import dataclass

from django.utils.translation import gettext as _

from support.webhooks.url_guard import Target


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer at all
    error: str = ""  # empty when the receiver took it (2xx)

    @property
    def ok(self) -> bool:
        return not self.error


class PinnedConnection(http.client.HTTPConnection):
    """HTTP to the checked address (never the name again), reads under their own deadline."""

    def __init__(self, target: Target, *, connect_timeout: float, read_timeout: float):
        super().__init__(target.address, target.port, timeout=connect_timeout)
        self.read_timeout = read_timeout

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(self.read_timeout)


class PinnedTlsConnection(PinnedConnection):
    """HTTPS to the checked address, the certificate checked against the URL's host name."""

    def __init__(self, target: Target, **timeouts: float):
        super().__init__(target, **timeouts)
        self.server_name = target.host
        self.context = ssl.create_default_context()

    def connect(self) -> None:
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.server_name)


def post(
    target: Target,
    body: bytes,
    headers: dict[str, str],
    *,
    connect_timeout: float,
    read_timeout: float,
) -> Answer:
    kind = PinnedTlsConnection if target.scheme == "https" else PinnedConnection
    connection = kind(target, connect_timeout=connect_timeout, read_timeout=read_timeout)
    # Each read has its deadline; a receiver trickling its answer a byte at a time is cut off
    # when the whole exchange has taken longer than this.
    cut = threading.Event()  # set before the socket is shut, so the sender knows why it ended
    cutoff = threading.Timer(connect_timeout + 2 * read_timeout, _cut, [connection, cut])
    cutoff.start()
    try:
        connection.request("POST", target.path, body, {**headers, "Host": target.host_header})
        response = connection.getresponse()
        if cut.is_set():  # cut mid-answer: what was read is not the answer
            return Answer(None, _("No answer within the time limit."))
        return judge(response)
    except TimeoutError:
        return Answer(None, _("No answer within the time limit."))
    except (OSError, http.client.HTTPException) as error:
        if cut.is_set():
            return Answer(None, _("No answer within the time limit."))
        return Answer(None, _("Connection failed: %(error)s") % {"error": error or type(error)})
    finally:
        cutoff.cancel()
        connection.close()


def _cut(connection: PinnedConnection, cut: threading.Event) -> None:
    """Unblock the sender's read by shutting the socket (from the timer's thread)."""
    cut.set()
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def judge(response: http.client.HTTPResponse) -> Answer:
    status = response.status
    if 200 <= status < 300:
        return Answer(status)
    if 300 <= status < 400:
        location = (response.getheader("Location") or "")[:500]
        return Answer(
            status,
            _("Redirect to %(location)s not followed: set the endpoint's URL to the final one.")
            % {"location": location or "?"},
        )
    return Answer(status, _("The receiver answered %(status)s.") % {"status": status})
