"""Counting requests per client and time window, atomically across workers.

With REDIS_URL set, each count is one INCR (with its expiry set in the same transaction), so
concurrent requests can never read the same count. Without Redis the counter is one row in the
`tessera_rate_counter` table, bumped by a single `INSERT … ON CONFLICT DO UPDATE … RETURNING`,
which PostgreSQL and SQLite both run atomically. That row write is part of the request's
transaction (ATOMIC_REQUESTS): a request that ends in an error rolls its count back, and on
PostgreSQL concurrent requests of one client wait for each other. Redis has neither limit and
is the choice for production.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection

TABLE = "tessera_rate_counter"


@dataclass(frozen=True)
class Hit:
    count: int  # requests so far in the current window, this one included
    retry_after: int  # seconds until the window ends


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def hit(key: str, period: int) -> Hit:
    """Count one request for `key` in the current fixed window of `period` seconds."""
    now = int(time.time())
    window_end = now - now % period + period
    window_key = f"rate:{key}:{window_end}"
    if settings.REDIS_URL:
        count = _count_in_redis(window_key, period)
    else:
        count = _count_in_database(window_key, window_end)
    return Hit(count=count, retry_after=max(window_end - now, 1))


def _count_in_redis(window_key: str, period: int) -> int:
    pipe = _redis(settings.REDIS_URL).pipeline(transaction=True)
    pipe.incr(window_key)
    pipe.expire(window_key, period + 1)
    count, _ = pipe.execute()
    return int(count)


def _count_in_database(window_key: str, window_end: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE expires < %s", [int(time.time())])
        cursor.execute(
            f"INSERT INTO {TABLE} (bucket, hits, expires) VALUES (%s, 1, %s) "
            f"ON CONFLICT (bucket) DO UPDATE SET hits = {TABLE}.hits + 1 RETURNING hits",
            [window_key, window_end],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])
