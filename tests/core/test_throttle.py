"""The API throttle counts each client once, whatever it says about itself, and holds its rate
under concurrent requests."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis
from django.db import connection
from django.test import RequestFactory
from rest_framework.test import APIClient

from core import rate_limits
from core.addresses import client_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def forget_rate_counts():
    """A transactional test commits its throttle counts; later tests must not inherit them."""
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {rate_limits.TABLE}")


@pytest.fixture
def three_a_minute(settings):
    settings.API_THROTTLE_RATES = {"anon": "3/minute", "user": "1000/minute"}


def test_a_forged_forwarded_for_does_not_reset_the_limit(three_a_minute):
    client = APIClient()

    codes = [
        client.get("/api/v1/incidents/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]

    assert codes == [200, 200, 200, 429, 429]


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


def test_a_burst_across_a_minute_boundary_is_still_limited(three_a_minute, monkeypatch):
    clock = _Clock(1_800_000_059.5)  # half a second before a minute ends
    monkeypatch.setattr(rate_limits, "time", clock)
    client = APIClient()

    before = [client.get("/api/v1/incidents/").status_code for _ in range(3)]
    clock.now += 1
    after = client.get("/api/v1/incidents/").status_code
    clock.now += 60  # a whole minute later the earlier burst no longer counts
    later = client.get("/api/v1/incidents/").status_code

    assert (before, after, later) == ([200, 200, 200], 429, 200)


def test_the_token_endpoint_is_throttled_whatever_the_forwarded_for(three_a_minute):
    client = APIClient()
    body = {"username": "nobody", "password": "guess"}

    codes = [
        client.post("/api/v1/auth/token/", body, HTTP_X_FORWARDED_FOR=f"10.1.0.{n}").status_code
        for n in range(4)
    ]

    assert codes[-1] == 429
    assert "Retry-After" in client.post("/api/v1/auth/token/", body).headers


def test_behind_one_trusted_proxy_each_client_has_its_own_limit(three_a_minute, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()

    def get(forwarded: str) -> int:
        return client.get("/api/v1/incidents/", HTTP_X_FORWARDED_FOR=forwarded).status_code

    # What the client wrote (left of the proxy's entry) changes nothing.
    first = [get(f"6.6.6.{n}, 203.0.113.5") for n in range(4)]
    second = get("203.0.113.6")

    assert first == [200, 200, 200, 429]
    assert second == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "127.0.0.9"),
        (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),
        (2, "1.1.1.1, 2.2.2.2, 3.3.3.3", "2.2.2.2"),
        (2, "2.2.2.2", "2.2.2.2"),
        (1, "not-an-address", "127.0.0.9"),
        (1, "", "127.0.0.9"),
    ],
)
def test_the_client_is_the_hop_the_trusted_proxies_name(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def _allowed_under_concurrency(rate: int, threads: int, per_thread: int) -> int:
    key = f"test:{uuid.uuid4()}"
    allowed = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def hammer() -> None:
        start.wait()
        try:
            for _ in range(per_thread):
                if rate_limits.hit(key, 3600).count <= rate:
                    with lock:
                        allowed.append(1)
        finally:
            connection.close()  # each thread has its own database connection

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(allowed)


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def test_concurrent_requests_never_exceed_the_rate_in_redis(settings):
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    settings.REDIS_URL = REDIS_TEST_URL

    assert _allowed_under_concurrency(rate=120, threads=16, per_thread=25) == 120


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_exceed_the_rate_in_postgresql(forget_rate_counts):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write at a time; the concurrent case is PostgreSQL's")

    assert _allowed_under_concurrency(rate=120, threads=8, per_thread=25) == 120


def test_counts_in_the_database_are_exact_one_after_another():
    key = f"test:{uuid.uuid4()}"

    counts = [rate_limits.hit(key, 60).count for _ in range(5)]

    assert counts == [1, 2, 3, 4, 5]
