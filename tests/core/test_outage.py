"""``core.outage`` and ``core.cache``: doing without Redis, with warnings that stay few, and
going back to Redis once it answers."""

import logging

import pytest
import redis
from django.core.cache import cache

from core import outage as outage_module
from core.outage import Outage, redacted_url
from tests.core.test_redis_down import closed_port, redis_settings
from tests.private_redis import PrivateRedis, redis_server_available

ERROR = redis.exceptions.ConnectionError("Connection refused.")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(outage_module.time, "monotonic", clock)
    return clock


@pytest.fixture
def outage(settings, caplog):
    settings.REDIS_RETRY_SECONDS = 5
    caplog.set_level(logging.WARNING, logger="tests.outage")
    return Outage("Redis", doing_without="doing without", logger=logging.getLogger("tests.outage"))


def messages(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "tests.outage"]


def test_one_warning_when_redis_goes_then_calls_skip_it_until_the_retry(outage, clock, caplog):
    assert outage.skip() is False
    outage.failed(ERROR)
    assert outage.down
    assert [m.split(";")[0] for m in messages(caplog)] == [
        "Redis is unreachable (ConnectionError: Connection refused.)"
    ]
    # Within the retry time every call does without Redis at once, silently.
    assert all(outage.skip() for _ in range(1000))
    clock.now += 5
    assert outage.skip() is False  # one call tries again...
    assert outage.skip() is True  # ...while the others still skip
    outage.failed(ERROR)
    assert len(messages(caplog)) == 1


def test_a_reminder_at_most_once_a_minute_while_it_lasts(outage, clock, caplog):
    outage.failed(ERROR)
    for _ in range(30):  # two minutes of failures, a try every 5 s and skips between
        clock.now += 4
        outage.skip()
        clock.now += 1
        assert outage.skip() is False
        outage.failed(ERROR)
    reminders = [m for m in messages(caplog) if "still unreachable" in m]
    assert len(reminders) == 2
    assert "call(s) did without it since the last warning" in reminders[0]


def test_one_warning_when_it_is_back(outage, clock, caplog):
    outage.succeeded()
    assert messages(caplog) == []  # nothing to say while all is well
    outage.failed(ERROR)
    outage.skip()
    clock.now += 5
    assert outage.skip() is False
    outage.succeeded()
    outage.succeeded()
    assert not outage.down and outage.skip() is False
    back = [m for m in messages(caplog) if "reachable again" in m]
    assert back == [
        "Redis is reachable again after 5 s; 2 call(s) did without it since the last warning."
    ]


def test_the_log_never_shows_a_redis_password():
    assert redacted_url("redis://:s3cret@10.0.0.5:6380/2") == "redis://:***@10.0.0.5:6380/2"
    assert redacted_url("rediss://app:s3cret@cache/0") == "rediss://app:***@cache/0"
    assert redacted_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


# The cache backend ----------------------------------------------------------------------------


@pytest.fixture
def cache_on(settings):
    def use(url: str, prefix: str = "outage-unit"):
        _layers, settings.CACHES = redis_settings(url, prefix)
        settings.REDIS_RETRY_SECONDS = 0
        return cache

    yield use
    cache.clear()


def test_every_cache_call_answers_from_the_fallback_while_redis_is_down(cache_on, caplog):
    down = cache_on(f"redis://:pw@127.0.0.1:{closed_port()}/0")
    caplog.set_level(logging.WARNING, logger="core.cache")

    assert down.get("missing", "default") == "default"
    assert down.add("counter", 0, timeout=60) is True
    assert down.incr("counter") == 1 and down.decr("counter") == 0
    down.set("kept", {"rows": [1, 2]}, timeout=60)
    assert down.get("kept") == {"rows": [1, 2]} and down.has_key("kept")
    assert down.touch("kept", 120) is True
    down.set_many({"a": 1, "b": 2})
    assert down.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert down.get_or_set("c", 3) == 3
    down.delete_many(["a", "b"])
    assert down.delete("kept") is True and down.get("kept") is None
    with pytest.raises(ValueError):
        down.incr("never-set")  # as with Redis: callers count on it
    assert down.clear() is True

    warnings = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1 and "per-process cache" in warnings[0]
    assert "pw" not in warnings[0]


@pytest.mark.skipif(not redis_server_available(), reason="redis-server is not on PATH")
def test_the_cache_goes_back_to_redis_once_it_answers(cache_on):
    with PrivateRedis() as server:
        up = cache_on(server.url)
        up.set("before", 1)
        assert server.client().exists("outage-unit:1:before")

        server.kill()
        up.set("during", 2)  # into this process's fallback
        assert up.get("during") == 2
        assert up.get("before") is None  # kept in Redis: out of reach meanwhile

        server.start()  # an empty Redis again, on the same port
        assert up.get("during") is None  # Redis answers again, not the fallback
        up.set("after", 3)
        assert server.client().exists("outage-unit:1:after")
