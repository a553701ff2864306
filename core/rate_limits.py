"""Counting requests per client and time window, atomically across workers.

The count is a sliding-window estimate: the requests of the current fixed window plus those of
the previous one, weighted by how much of it still lies within the last `period` seconds. A
plain fixed window would let a client send twice its rate across a window boundary (and made
the limit depend on when in the minute a burst began).

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
    count: float  # requests within the last `period` seconds, this one included (estimated)
    retry_after: int  # seconds until the current window ends


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def hit(key: str, period: int) -> Hit:
    """Count one request for `key` over the last `period` seconds."""
    now = time.time()
    window_start = int(now) - int(now) % period
    window_end = window_start + period
    this_window, last_window = f"rate:{key}:{window_end}", f"rate:{key}:{window_start}"
    if settings.REDIS_URL:
        current, previous = _count_in_redis(this_window, last_window, period)
    else:
        current, previous = _count_in_database(this_window, last_window, window_end + period)
    share_of_last_window = 1 - (now - window_start) / period
    return Hit(
        count=current + previous * share_of_last_window,
        retry_after=max(window_end - int(now), 1),
    )


def _count_in_redis(this_window: str, last_window: str, period: int) -> tuple[int, int]:
    pipe = _redis(settings.REDIS_URL).pipeline(transaction=True)
    pipe.incr(this_window)
    pipe.expire(this_window, 2 * period + 1)  # the next window still weighs it
    pipe.get(last_window)
    current, _, previous = pipe.execute()
    return int(current), int(previous or 0)


def _count_in_database(this_window: str, last_window: str, expires: int) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE expires < %s", [int(time.time())])
        cursor.execute(
            f"INSERT INTO {TABLE} (bucket, hits, expires) VALUES (%s, 1, %s) "
            f"ON CONFLICT (bucket) DO UPDATE SET hits = {TABLE}.hits + 1 RETURNING hits",
            [this_window, expires],
        )
        current = cursor.fetchone()
        cursor.execute(f"SELECT hits FROM {TABLE} WHERE bucket = %s", [last_window])
        previous = cursor.fetchone()
    assert current is not None
    return int(current[0]), int(previous[0]) if previous else 0
