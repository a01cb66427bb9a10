"""Emptying the cache between tests without touching anyone else's keys.

With REDIS_URL (CI runs the throttle tests so) the cache is a Redis database other runs may
share: Django's cache.clear() would FLUSHDB it. The test settings give each run its own key
prefix, and only keys under it are deleted.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def clear_cache() -> None:
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
