"""Reads of public data from PostgreSQL replicas; everything else from the primary.

One rule, applied by the router: inside a request that only reads (GET, HEAD, OPTIONS) made by
an anonymous visitor or a signed-in user who is not staff and has not written in the last
`REPLICA_STICKY_SECONDS`, the records anyone may read (the `incidents` and `geo` apps) are read
from a healthy replica. Writes, staff, the admin, commands, migrations, accounts, sessions and
throttle counts always use the primary. A replica that lags more than `REPLICA_MAX_LAG_SECONDS`
or does not answer is skipped until a later check finds it well; a request that meets a replica
failing under it is answered again from the primary.
"""

from __future__ import annotations

import contextvars
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

PUBLIC_DATA_APPS = frozenset({"incidents", "geo"})
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The request being answered, so that the router (which sees only models) can ask who reads.
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "replica_request", default=None
)
_CHOSEN = "_tessera_read_alias"
_RETRIED = "_tessera_replica_retried"

LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
END
"""


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias != DEFAULT_DB_ALIAS]


@dataclass
class ReplicaState:
    """What the last check of one replica found."""

    state: str  # "ok", "lagging" or "down"
    lag_seconds: float | None
    checked_at: float
    error: str = ""

    def as_json(self) -> dict:
        answer: dict = {"state": self.state, "lag_seconds": self.lag_seconds}
        if self.error:
            answer["error"] = self.error
        return answer


class ReplicaHealth:
    """Each replica's state, checked at most every `REPLICA_CHECK_SECONDS` per process."""

    def __init__(self) -> None:
        self._states: dict[str, ReplicaState] = {}
        self._lock = threading.Lock()
        self._turns = itertools.count()

    def state(self, alias: str) -> ReplicaState:
        with self._lock:
            known = self._states.get(alias)
        if known and time.monotonic() - known.checked_at < settings.REPLICA_CHECK_SECONDS:
            return known
        checked = self._check(alias)
        with self._lock:
            self._states[alias] = checked
        return checked

    def remember(self, alias: str, state: ReplicaState) -> None:
        with self._lock:
            self._states[alias] = state

    def mark_down(self, alias: str, error: Exception) -> None:
        self.remember(alias, ReplicaState("down", None, time.monotonic(), _first_line(error)))

    def forget(self) -> None:
        with self._lock:
            self._states.clear()

    def pick(self) -> str | None:
        """A healthy replica, taking turns among them; None when there is none."""
        healthy = [alias for alias in replica_aliases() if self.state(alias).state == "ok"]
        if not healthy:
            return None
        return healthy[next(self._turns) % len(healthy)]

    @staticmethod
    def _check(alias: str) -> ReplicaState:
        now = time.monotonic()
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(LAG_SQL)
                (lag,) = cursor.fetchone()
        except (OperationalError, InterfaceError) as error:
            connections[alias].close()
            return ReplicaState("down", None, now, _first_line(error))
        if lag is None:
            # WAL waits to be replayed and no transaction has been yet: how far behind is
            # unknown, so the replica is not trusted.
            return ReplicaState("lagging", None, now)
        lag_seconds = round(float(lag), 3)
        behind = lag_seconds > settings.REPLICA_MAX_LAG_SECONDS
        return ReplicaState("lagging" if behind else "ok", lag_seconds, now)


health = ReplicaHealth()


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


_WROTE = "replica_wrote_until"


def _wrote_key(user) -> str:
    return f"tessera:replica:wrote:{user.pk}"


def _has_session(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.session_key is not None


def remember_write(request: HttpRequest) -> None:
    """This client wrote: for `REPLICA_STICKY_SECONDS` it reads from the primary. A signed-in
    browser keeps the mark in its session; a token client (no session) in the cache."""
    if _has_session(request):
        request.session[_WROTE] = time.time() + settings.REPLICA_STICKY_SECONDS
    else:
        cache.set(_wrote_key(request.user), True, settings.REPLICA_STICKY_SECONDS)


def may_write_public_data(user) -> bool:
    """Whether the user holds a permission to change public records (read from the permissions
    the request has already loaded to authorize itself)."""
    return any(
        app in PUBLIC_DATA_APPS and not codename.startswith("view_")
        for app, _, codename in (perm.partition(".") for perm in user.get_all_permissions())
    )


def wrote_lately(request: HttpRequest) -> bool:
    if _has_session(request):
        return request.session.get(_WROTE, 0) > time.time()
    # A token client's mark is in the cache; only one that may write has one worth looking up.
    return may_write_public_data(request.user) and bool(cache.get(_wrote_key(request.user)))


def reads_from_replica(request: HttpRequest) -> str | None:
    """The replica this request's public reads go to, or None for the primary."""
    if request.method not in READ_ONLY_METHODS:
        return None
    user = getattr(request, "user", None)
    # Staff read what they edit, fresh; anyone else who just wrote reads their write.
    if user is not None and user.is_authenticated and (user.is_staff or wrote_lately(request)):
        return None
    return health.pick()


def _read_alias() -> str | None:
    request = _request.get()
    if request is None:
        return None
    if not hasattr(request, _CHOSEN):
        setattr(request, _CHOSEN, reads_from_replica(request))
    return getattr(request, _CHOSEN)


class ReplicaRouter:
    """Public records read inside a public request come from a replica; all else the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if not replica_aliases() or model._meta.app_label not in PUBLIC_DATA_APPS:
            return None
        return _read_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replicas hold the primary's rows: a record read from one relates to any other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Makes the request known to the router, remembers who wrote, and answers a request again
    from the primary when its replica fails under it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Reset when the response is closed (request_finished), not here: a streamed export
        # goes on reading after this returns.
        _request.set(request if replica_aliases() else None)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        wrote = request.method not in READ_ONLY_METHODS and response.status_code < 400
        signed_in = user if user is not None and user.is_authenticated else None
        # Staff always read from the primary: nothing to remember for them.
        if wrote and signed_in is not None and not signed_in.is_staff and replica_aliases():
            remember_write(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        alias = getattr(request, _CHOSEN, None)
        if alias is None or getattr(request, _RETRIED, False):
            return None
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        health.mark_down(alias, exception)
        connections[alias].close()
        setattr(request, _RETRIED, True)
        setattr(request, _CHOSEN, None)
        return self.get_response(request)


def _forget_request(**kwargs) -> None:
    _request.set(None)


request_finished.connect(_forget_request, dispatch_uid="core.replicas.forget_request")
