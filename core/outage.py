"""Doing without Redis for a while: the cache and live events are conveniences.

When a call to Redis fails because the server cannot be reached, the caller does without it
(``core.cache`` answers from a per-process cache, ``core.live`` drops the event) and tells
its ``Outage``. For ``settings.REDIS_RETRY_SECONDS`` after a failure the next calls skip
Redis at once instead of each waiting for a refused or timed-out connection; then one call
tries again. The log gets one warning when Redis goes away, at most one a minute while it
stays away (with how many calls did without it), and one when it answers again: never one
per call, which at a few hundred saves a second would bury everything else.

The state is per process on purpose: each worker finds out for itself.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

import redis.exceptions
from django.conf import settings

# What an unreachable, restarting or overloaded Redis raises: refused or reset connections,
# timeouts, "loading the dataset". Anything else (a wrong command, a bug) is not an outage
# and is raised as usual.
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

# While Redis stays down, repeat the warning at most this often.
WARNING_INTERVAL_SECONDS = 60.0


def redacted_url(url: str) -> str:
    """``url`` without a password, fit for the log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return parts._replace(netloc=f"{parts.username or ''}:***@{host}").geturl()


def _retry_seconds() -> float:
    return max(0.0, float(getattr(settings, "REDIS_RETRY_SECONDS", 5)))


class Outage:
    """Whether one Redis service (``what``, as the log names it) is down in this process.

    ``skip()`` before a call: True while the service is marked down and it is not yet time
    to try again (the caller does without it at once). ``failed(error)`` after a call that
    raised one of ``REDIS_DOWN``; ``succeeded()`` after one that worked.
    """

    def __init__(self, what: str, *, doing_without: str, logger: logging.Logger):
        self.what = what
        self.doing_without = doing_without
        self.logger = logger
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._last_warning = 0.0
        self._missed = 0  # calls that did without the service since the last warning

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def skip(self) -> bool:
        if self._down_since is None:  # the common case: no lock taken
            return False
        with self._lock:
            if self._down_since is None:
                return False
            now = time.monotonic()
            if now >= self._retry_at:
                # This call tries; the others keep skipping until it has failed or worked.
                self._retry_at = now + _retry_seconds()
                return False
            self._missed += 1
            self._warn_if_due(now)
            return True

    def failed(self, error: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            self._missed += 1
            self._retry_at = now + _retry_seconds()
            if self._down_since is None:
                self._down_since = now
                self._last_warning = now
                self.logger.warning(
                    "%s is unreachable (%s: %s); %s. Trying again every %g s.",
                    self.what,
                    type(error).__name__,
                    error,
                    self.doing_without,
                    _retry_seconds(),
                )
            else:
                self._warn_if_due(now, error)

    def succeeded(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            self.logger.warning(
                "%s is reachable again after %d s; %d call(s) did without it since the last "
                "warning.",
                self.what,
                time.monotonic() - self._down_since,
                self._missed,
            )
            self._down_since, self._missed = None, 0

    def _warn_if_due(self, now: float, error: BaseException | None = None) -> None:
        if now - self._last_warning < WARNING_INTERVAL_SECONDS:
            return
        self._last_warning = now
        self.logger.warning(
            "%s is still unreachable after %d s%s; %s: %d call(s) did without it since the "
            "last warning.",
            self.what,
            now - self._down_since,
            f" ({type(error).__name__}: {error})" if error is not None else "",
            self.doing_without,
            self._missed,
        )
        self._missed = 0
