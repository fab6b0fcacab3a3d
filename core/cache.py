"""The cache backend used with ``REDIS_URL``: Django's Redis cache that never raises because
Redis is down.

Every cache user (the login and verification limits, the token endpoint's throttle, uploads
kept between an import's preview and its confirmation) goes on working when Redis cannot be
reached: the call is answered by a local-memory cache of this process instead, and the
outage is logged now and then (``core.outage``), not once per call. Limits therefore still
hold while Redis is away, counted per process: a guesser gets at most the limit per worker,
never an unlimited run, and nobody is refused for nothing. What was kept in Redis is out of
reach until it is back (a preview kept there is asked for again), and what was kept in the
fallback stays in this process.

Configured in ``config/settings.py``::

    CACHES = {"default": {"BACKEND": "core.cache.RedisCacheWithFallback", "LOCATION": url}}
"""

import logging

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from core.outage import REDIS_DOWN, Outage, redacted_url

logger = logging.getLogger(__name__)

# Room in the per-process fallback (the local-memory default is 300 entries).
FALLBACK_MAX_ENTRIES = 5000

_outages: dict[str, Outage] = {}


def cache_outage(location: str) -> Outage:
    """The outage state of the Redis cache at ``location``, shared by every thread."""
    outage = _outages.get(location)
    if outage is None:
        outage = _outages.setdefault(
            location,
            Outage(
                f"The Redis cache at {redacted_url(location)}",
                doing_without="using a per-process cache instead",
                logger=logger,
            ),
        )
    return outage


def _with_fallback(name: str):
    def method(self, *args, **kwargs):
        if self.outage.skip():
            return getattr(self.fallback, name)(*args, **kwargs)
        try:
            result = getattr(RedisCache, name)(self, *args, **kwargs)
        except REDIS_DOWN as error:
            self.outage.failed(error)
            return getattr(self.fallback, name)(*args, **kwargs)
        self.outage.succeeded()
        return result

    method.__name__ = name
    method.__doc__ = f"``RedisCache.{name}``, or the per-process cache's while Redis is down."
    return method


class RedisCacheWithFallback(RedisCache):
    """``RedisCache`` whose every call falls back to a per-process ``LocMemCache`` (same key
    prefix, version and timeouts) when Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        location = server if isinstance(server, str) else ",".join(server)
        self.outage = cache_outage(location)
        fallback_params = {key: value for key, value in params.items() if key != "OPTIONS"}
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}
        # LocMemCache keeps its data per name at module level: every thread of the process
        # shares one fallback per Redis location and key prefix.
        self.fallback = LocMemCache(
            f"redis-fallback:{location}:{params.get('KEY_PREFIX', '')}", fallback_params
        )

    add = _with_fallback("add")
    get = _with_fallback("get")
    set = _with_fallback("set")
    touch = _with_fallback("touch")
    delete = _with_fallback("delete")
    get_many = _with_fallback("get_many")
    has_key = _with_fallback("has_key")
    incr = _with_fallback("incr")
    set_many = _with_fallback("set_many")
    delete_many = _with_fallback("delete_many")

    def clear(self):
        """Clear Redis (when it answers) and this process's fallback."""
        self.fallback.clear()
        if self.outage.skip():
            return True
        try:
            result = RedisCache.clear(self)
        except REDIS_DOWN as error:
            self.outage.failed(error)
            return True
        self.outage.succeeded()
        return result
