"""django-helpdesk's public ticket form under gunicorn: the reference for ticket intake.

Measures how many tickets per second django-helpdesk (2.6.x, the open-source Django ticket
tracker) stores through its public submission form (`POST /tickets/submit/`: queue, title,
body, priority, due date, submitter e-mail) on this machine, so that bench/tickets_intake.py
can print it beside our own intake in the same run. Each request does what helpdesk does for a
customer: form validation, the ticket, its first follow-up, the "new ticket" e-mail to the
submitter rendered from helpdesk's e-mail templates, and the 302 to the ticket's public page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<any db> \\
        .venv/bin/python bench/helpdesk_reference.py \\
        [--clients 16] [--seconds 20] [--workers 2] [--port 8766]

or, from another bench script: `from helpdesk_reference import measure` (bench/ is on sys.path
when a script in it runs), then `measure(clients=16, seconds=20, workers=2, port=8766)`, which
returns {"tickets_per_s", "p50_ms", "p99_ms", "errors"} and starts and stops its own gunicorn.

Setup, all outside the project's own dependencies:
- var/bench-helpdesk-venv: made with `python3 -m venv` on first use, then `pip install`
  django-helpdesk 2.6.x, gunicorn and psycopg2-binary (helpdesk brings Django and the rest).
- Database `bench_helpdesk` on the server of DATABASE_URL (same URL, other database name),
  created when missing; helpdesk's migrations (which load its e-mail templates); one queue,
  "Exchange support", open to public submission. Tickets accumulate between runs.
- The site (bench/helpdesk_reference/site_settings.py and site_urls.py): helpdesk at the root
  as its docs show, DEBUG off, Django's default middleware, helpdesk's default settings except
  HELPDESK_TEAMS_MODE_ENABLED = False (the default needs pinax-teams, which does not support
  Django 5) and the locmem e-mail backend (each message is built, none is sent; no SMTP).
- Served by the venv's gunicorn, N sync workers, on 127.0.0.1:<port>.

Load: `wrk` (Debian package) with bench/helpdesk_reference/submit.lua, 2 threads, multipart
bodies as a browser sends them, texts in English, Korean, Japanese and Chinese, five
priorities, ~1000 submitter addresses. CSRF stays on: the script GETs the form once and every
connection sends that csrftoken cookie with the form's token (one token for the whole run, as
one browser tab would reuse it; the middleware checks it on every request). A 2 s warm-up
with 2 connections comes first. Tickets/s is the growth of helpdesk_ticket during the measured
run (counted 1 s after each wrk run, once requests in flight when wrk stopped have committed)
divided by wrk's duration; p50/p99 are wrk's; errors are responses other than helpdesk's 302
(a 200 is the form shown again with errors) plus socket errors and timeouts.
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "bench/helpdesk_reference"
VENV = ROOT / "var/bench-helpdesk-venv"
DATABASE = "bench_helpdesk"
SETTLE = 1.0  # seconds for requests still in flight when wrk stops to commit
PACKAGES = ["django-helpdesk>=2.6,<2.7", "gunicorn", "psycopg2-binary"]


def ensure_venv() -> None:
    if (VENV / "bin/gunicorn").exists() and (VENV / "bin/django-admin").exists():
        return
    subprocess.run(["python3", "-m", "venv", VENV], check=True)
    subprocess.run([VENV / "bin/pip", "install", "--quiet", *PACKAGES], check=True)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("Set DATABASE_URL (postgres://…): the site uses its bench_helpdesk")
    return urlunsplit(urlsplit(url)._replace(path="/" + DATABASE))


def ensure_database(url: str) -> None:
    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        connection.close()


def site_env(url: str) -> dict:
    return {
        **os.environ,
        "HELPDESK_BENCH_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "site_settings",
        "PYTHONPATH": str(SITE),
    }


def prepare_site(url: str) -> int:
    result = subprocess.run(
        [VENV / "bin/python", SITE / "setup_site.py"],
        env=site_env(url),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return int(result.stdout.split()[-1])


def count_tickets(url: str) -> int:
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM helpdesk_ticket")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def start_server(url: str, workers: int, port: int) -> subprocess.Popen:
    if not port_is_free(port):
        raise RuntimeError(f"Port {port} is already in use; pick another with --port")
    return subprocess.Popen(
        [
            VENV / "bin/gunicorn",
            "site_wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=SITE,
        env=site_env(url),
    )


def wait_until_serving(server: subprocess.Popen, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        if not port_is_free(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port} within {timeout:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def fetch_csrf(port: int) -> tuple[str, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"http://127.0.0.1:{port}/tickets/submit/", timeout=10) as response:
        page = response.read().decode()
    cookie = next(item.value for item in jar if item.name == "csrftoken")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return cookie, token


def wrk(port: int, *, clients: int, seconds: float, csrf: tuple[str, str], queue: int) -> dict:
    result = subprocess.run(
        [
            "wrk",
            f"--threads={min(clients, 2)}",
            f"--connections={clients}",
            f"--duration={int(seconds)}s",
            "--timeout=10s",
            f"--script={SITE / 'submit.lua'}",
            f"http://127.0.0.1:{port}",
        ],
        env={**os.environ, "CSRF_COOKIE": csrf[0], "CSRF_TOKEN": csrf[1], "QUEUE": str(queue)},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    line = next(row for row in result.stdout.splitlines() if row.startswith("RESULT"))
    return {name: float(value) for name, value in re.findall(r"(\w+)=([\d.]+)", line)}


def measure(clients: int = 16, seconds: float = 20, workers: int = 2, port: int = 8766) -> dict:
    """Runs the reference and returns tickets_per_s, p50_ms, p99_ms and errors."""
    if shutil.which("wrk") is None:
        raise RuntimeError("This benchmark drives the server with wrk: apt-get install wrk")
    ensure_venv()
    url = database_url()
    ensure_database(url)
    queue = prepare_site(url)
    server = start_server(url, workers, port)
    try:
        wait_until_serving(server, port)
        csrf = fetch_csrf(port)
        wrk(port, clients=2, seconds=2, csrf=csrf, queue=queue)  # warm up both workers
        time.sleep(SETTLE)
        before = count_tickets(url)
        run = wrk(port, clients=clients, seconds=seconds, csrf=csrf, queue=queue)
        time.sleep(SETTLE)
        created = count_tickets(url) - before
    finally:
        stop_server(server)
    return {
        "tickets_per_s": created / run["seconds"],
        "p50_ms": run["p50_ms"],
        "p99_ms": run["p99_ms"],
        "errors": int(run["not_redirects"] + run["errors_other"]),
        "requests": int(run["requests"]),
        "redirects": int(run["redirects"]),
        "tickets": created,
        "seconds": run["seconds"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    try:
        result = measure(args.clients, args.seconds, args.workers, args.port)
    except RuntimeError as error:
        sys.exit(str(error))
    print(
        f"django-helpdesk public form, {args.clients} clients (wrk), gunicorn x{args.workers}: "
        f"{result['tickets_per_s']:.0f} tickets/s (DB rows), p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, non-302 or failed {result['errors']}"
    )
    print(
        f"  {result['tickets']} tickets stored in {result['seconds']:.1f} s; wrk: "
        f"{result['requests']} responses, {result['redirects']} of them 302"
    )
    print(f"  load average (1 min) at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
