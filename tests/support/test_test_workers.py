"""The parallel test run's isolation (tests/workers.py): each worker its own Redis database."""

from tests.workers import worker_redis_url


def test_each_worker_gets_the_next_redis_database_wrapping_at_sixteen():
    assert worker_redis_url("redis://127.0.0.1:6379/8", 0) == "redis://127.0.0.1:6379/8"
    assert worker_redis_url("redis://127.0.0.1:6379/8", 1) == "redis://127.0.0.1:6379/9"
    assert worker_redis_url("redis://127.0.0.1:6379/15", 1) == "redis://127.0.0.1:6379/0"
    assert worker_redis_url("redis://:secret@cache:6379", 2) == "redis://:secret@cache:6379/2"


def test_a_unix_socket_worker_gets_its_database_as_a_parameter():
    assert worker_redis_url("unix:///srv/var/redis/test.sock", 1) == (
        "unix:///srv/var/redis/test.sock?db=1"
    )
