"""The launcher's supervision (config/services.py), driven for real: a supervisor process with
real children, real signals sent to it, and the process table read afterwards."""

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psutil
import pytest

from config.services import RestartPolicy

ROOT = Path(__file__).resolve().parents[2]
SLEEPER = "import time; time.sleep(600)"
# Like gunicorn or a prefork Celery worker: a parent with processes of its own.
FAMILY = (
    "import subprocess, sys, time\n"
    "for _ in range(2):\n"
    "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
    "print('family ready', flush=True)\n"
    "time.sleep(600)"
)
CRASHER = "raise SystemExit(3)"
STUBBORN = (
    "import signal, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('stubborn ready', flush=True)\n"
    "time.sleep(600)"
)


class Supervised:
    """A supervisor in its own process, its output read line by line."""

    def __init__(self, children: dict[str, str], *, var: Path | None = None, **options) -> None:
        policy = options.pop("policy", RestartPolicy())
        commands = list(children.items())
        script = textwrap.dedent(
            f"""
            import sys
            from pathlib import Path
            from config import services
            from config.services import Child, RestartPolicy, Supervisor
            children = [Child(name, [sys.executable, "-c", code]) for name, code in {commands!r}]
            supervisor = Supervisor(children, policy={policy!r}, poll=0.05, **{options!r})
            started = lambda: print("[test] started", flush=True)
            if {str(var)!r} == "None":
                sys.exit(supervisor.run(on_started=started))
            services.VAR = Path({str(var)!r})
            services.unwind_on_stop_signals()
            with services.embedded_redis("test"):
                print("[test] redis at", services.os.environ["REDIS_URL"], flush=True)
                sys.exit(supervisor.run(on_started=started))
            """
        )
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        self.process = subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r}; saw:\n" + "\n".join(self.seen))

    def wait_for_count(self, text: str, count: int, timeout: float = 10.0) -> None:
        """`text` printed `count` times: children writing at the same moment may share a line."""
        seen = 0
        while seen < count:
            seen += self.wait_for(text, timeout).count(text)

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=15)

    def close(self) -> None:
        if self.process.poll() is None:
            for process in self.descendants():
                process.kill()
            self.process.kill()
            self.process.wait()


@pytest.fixture
def supervised():
    started = []

    def start(children: dict[str, str], **options) -> Supervised:
        started.append(Supervised(children, **options))
        return started[-1]

    yield start
    for supervisor in started:
        supervisor.close()


def gone(process: psutil.Process) -> bool:
    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def redis_server(socket_path: str) -> psutil.Process | None:
    for process in psutil.process_iter(["name", "cmdline"]):
        if "redis-server" in (process.info["name"] or "") and any(
            socket_path in part for part in process.info["cmdline"] or []
        ):
            return process
    return None


def test_a_killed_child_is_restarted_and_reported_in_one_line(supervised, tmp_path):
    worker_code = SLEEPER + "  # the worker"
    supervisor = supervised({"celery worker": worker_code, "gunicorn": SLEEPER}, var=tmp_path)
    socket_path = supervisor.wait_for("[test] redis at").split("unix://")[1]
    supervisor.wait_for("[test] started")
    wait_until(lambda: len(supervisor.children()) == 2)
    worker = next(p for p in supervisor.children() if "# the worker" in " ".join(p.cmdline()))
    pids_before = {p.pid for p in supervisor.children()}

    worker.kill()

    line = supervisor.wait_for("celery worker")
    assert line == (
        f"[supervisor] celery worker (pid {worker.pid}) was killed by SIGKILL; "
        "restarting it in 1 s (death 1 of 5 allowed within 60 s)."
    )
    wait_until(lambda: len(supervisor.children()) == 2 and worker.pid not in pids_now(supervisor))
    assert len(pids_before & pids_now(supervisor)) == 1  # the other child was left alone
    assert redis_server(socket_path) is not None  # the database is still up
    assert supervisor.stop() == 0


def pids_now(supervisor: Supervised) -> set[int]:
    return {process.pid for process in supervisor.children()}


def test_a_child_dying_again_and_again_is_given_up_and_the_rest_keeps_running(supervised):
    policy = RestartPolicy(first_delay=0.05, max_delay=0.1, window=30, max_crashes=3)
    supervisor = supervised({"beat": CRASHER, "gunicorn": SLEEPER}, policy=policy)
    supervisor.wait_for("[test] started")

    first = supervisor.wait_for("beat (pid")
    second = supervisor.wait_for("beat (pid")
    last = supervisor.wait_for("beat (pid")

    assert "exited with status 3; restarting it in 0.05 s (death 1 of 3" in first
    assert "restarting it in 0.1 s (death 2 of 3 allowed within 30 s)" in second
    assert last.endswith(
        "exited with status 3; it died 3 times within 30 s, so it is left stopped "
        "(the rest keeps running; fix the error above and start again)."
    )
    time.sleep(0.3)  # several supervision rounds: nothing restarts it
    assert [" ".join(p.cmdline()) for p in supervisor.children()] == [
        f"{sys.executable} -c {SLEEPER}"
    ]
    assert supervisor.stop(signal.SIGINT) == 0


def test_when_every_child_is_given_up_the_supervisor_stops(supervised):
    policy = RestartPolicy(first_delay=0.05, max_delay=0.05, window=30, max_crashes=2)
    supervisor = supervised({"beat": CRASHER}, policy=policy)

    supervisor.wait_for("every process has been given up; stopping.")

    assert supervisor.process.wait(timeout=10) == 1


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stop_signal_to_the_supervisor_leaves_no_process(supervised, tmp_path, signum):
    supervisor = supervised({"gunicorn": FAMILY, "celery worker": FAMILY}, var=tmp_path)
    socket_path = supervisor.wait_for("[test] redis at").split("unix://")[1]
    supervisor.wait_for_count("family ready", 2)
    descendants = supervisor.descendants()
    assert len(descendants) == 6  # two children, each with two processes of its own
    redis = redis_server(socket_path)
    assert redis is not None

    assert supervisor.stop(signum) == 0

    assert [p for p in descendants if not gone(p)] == []
    wait_until(lambda: gone(redis))
    assert supervisor.wait_for("Stopping the embedded Redis")


def test_a_child_that_ignores_sigterm_is_killed_after_the_stop_timeout(supervised):
    supervisor = supervised({"stubborn": STUBBORN}, stop_timeout=1.0)
    supervisor.wait_for("stubborn ready")
    (child,) = supervisor.children()

    assert supervisor.stop() == 0

    assert gone(child)


def test_a_stop_signal_during_the_tests_reaches_pytest_once(tmp_path):
    """The test command passes Ctrl-C/SIGTERM on to pytest as one SIGINT, so fixtures tear down."""
    child = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGINT, lambda *_: sys.exit(print('interrupted', flush=True) or 2))\n"
        "print('tests running', flush=True)\n"
        "time.sleep(600)"
    )
    script = (
        "import sys\n"
        "from config.services import run_to_completion\n"
        f"sys.exit(run_to_completion([sys.executable, '-c', {child!r}]))"
    )
    runner = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert runner.stdout.readline() == "tests running\n"
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=15) == 2
        assert runner.stdout.read() == "interrupted\n"
    finally:
        runner.kill()


def test_the_restart_pause_doubles_up_to_its_cap():
    policy = RestartPolicy(first_delay=1, max_delay=10)
    assert [policy.delay(crashes) for crashes in range(1, 6)] == [1, 2, 4, 8, 10]
