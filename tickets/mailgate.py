"""`python -m tickets.mailgate`: hand one raw email on standard input to the HTTP endpoint, for
a Postfix or Exim pipe (docs/email.md, "The pipe"). Python's standard library only: it starts
no Django, so it answers the MTA in the time the web server takes to store and process the
message, instead of the two seconds `manage.py email_pipe` needs to start.

    python3 -P tickets/mailgate.py --url https://support.example.com/api/v1/tickets/inbound/email/

(`-P`: the script's folder, whose selectors.py would hide the standard library's, stays off
the import path; or `python3 -m tickets.mailgate` from the project's folder.)

The staff token is read from the environment (EMAIL_MAILGATE_TOKEN) or a file
(--token-file), never from the command line, where `ps` would show it. Exit codes are those of
sysexits.h, as for `email_pipe`: 0 accepted; 75 (EX_TEMPFAIL) the endpoint cannot be reached,
answers 5xx or 429, or refuses the token: the MTA keeps the message and delivers it again (a
second delivery changes nothing); 65 (EX_DATAERR) nothing on standard input, or the endpoint
refused the message itself.
"""

import argparse
import os
import sys
import urllib.error
import urllib.request
from typing import BinaryIO

EX_OK, EX_DATAERR, EX_TEMPFAIL = 0, 65, 75
MAX_BYTES = 80 * 1024 * 1024  # the endpoint's EMAIL_MAX_BYTES default: the rest is cut
READ_CHUNK = 1024 * 1024
ACCEPTED = {200, 201, 202}
REFUSED_MESSAGE = {400, 413, 415}  # retrying the same bytes would be refused again


def main(argv: list[str] | None = None, stdin: BinaryIO | None = None) -> int:
    args = _arguments(argv)
    token = _token(args.token_file)
    if not token:
        return _fail("no token: set EMAIL_MAILGATE_TOKEN or --token-file", EX_TEMPFAIL)
    raw = read_message(stdin or sys.stdin.buffer, limit=args.max_bytes)
    if not raw.strip():
        return _fail("no message on standard input", EX_DATAERR)
    return _post(args.url, token, raw, timeout=args.timeout)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("EMAIL_MAILGATE_URL", ""))
    parser.add_argument("--token-file", default="")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--max-bytes", type=int, default=MAX_BYTES)
    args = parser.parse_args(argv)
    if not args.url.startswith(("https://", "http://")):
        parser.error("--url (or EMAIL_MAILGATE_URL) must be the endpoint's http(s) address")
    return args


def _token(path: str) -> str:
    if path:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    return os.environ.get("EMAIL_MAILGATE_TOKEN", "").strip()


def read_message(stream: BinaryIO, *, limit: int) -> bytes:
    """The first `limit` bytes; the rest is read and dropped (an MTA whose pipe is left
    unread reports a failed delivery)."""
    raw = stream.read(limit)
    while stream.read(READ_CHUNK):
        pass
    return raw


def _post(url: str, token: str, raw: bytes, *, timeout: float) -> int:
    request = urllib.request.Request(  # noqa: S310 - only http(s), checked in _arguments
        url,
        data=raw,
        method="POST",
        headers={"Content-Type": "message/rfc822", "Authorization": f"Token {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError) as error:
        return _fail(f"endpoint unreachable ({error}): the MTA will retry", EX_TEMPFAIL)
    if status in ACCEPTED:
        return EX_OK
    if status in REFUSED_MESSAGE:
        return _fail(f"the endpoint refused the message ({status})", EX_DATAERR)
    return _fail(f"the endpoint answered {status}: the MTA will retry", EX_TEMPFAIL)


def _fail(message: str, code: int) -> int:
    print(f"mailgate: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
