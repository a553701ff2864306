from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from accounts.roles import ANALYST, EDITOR, RESEARCHER
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", role=ANALYST)


@pytest.fixture
def editor(db):
    return UserFactory(username="edith", role=EDITOR)


@pytest.fixture
def researcher(db):
    return UserFactory(username="rhea", role=RESEARCHER)


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def analyst_client(analyst) -> Client:
    return _logged_in(analyst)


@pytest.fixture
def editor_client(editor) -> Client:
    return _logged_in(editor)


@pytest.fixture
def seeded(db):
    """The five demo incidents, loaded as `manage.py seed_demo` loads them."""
    from incidents import demo

    return {incident.dataset_event_id: incident for incident in demo.load()}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing takes most of a second per password; tests only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def demo_database_file(tmp_path_factory) -> dict[str, str]:
    """The environment for a server process (gunicorn) on a SQLite file holding the demo data
    and accounts: its workers are other processes, which cannot see the test database."""
    path = tmp_path_factory.mktemp("served") / "demo.sqlite3"
    # No replica: a standby copies the suite's PostgreSQL cluster, not this file.
    served = {"DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": "", "DATABASE_REPLICA_URLS": ""}
    env = {**os.environ, **served}
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    return served


def pytest_collection_modifyitems(items):
    """With DATABASE_REPLICA_URLS set, a test whose records are committed (a live server's
    threads read them on connections of their own) may use the replica aliases: in tests each
    mirrors the test database, so the routed reads find the committed records."""
    from core.replicas import replica_aliases

    aliases = replica_aliases()
    if not aliases:
        return
    for item in items:
        if item.get_closest_marker("real_replica") or not _commits(item):
            continue
        marker = item.get_closest_marker("django_db")
        options = dict(marker.kwargs) if marker else {}
        options.update(transaction=True, databases=["default", *aliases])
        item.add_marker(pytest.mark.django_db(**options), append=False)


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & set(fixtures)
    )


@pytest.fixture(autouse=True)
def replicas_share_the_test_transaction(request):
    """With DATABASE_REPLICA_URLS set, the router sends the public's reads to a replica. A test's
    records live in a transaction no replica can see, so for ordinary tests each replica alias
    is the default connection itself: the routing runs, the data is the test's. Tests marked
    `real_replica` (tests/core/test_replicas.py) read from the real standby instead."""
    from django.db import connections

    from core.replicas import ReplicaState, health, replica_aliases

    aliases = replica_aliases()
    if not aliases or request.node.get_closest_marker("real_replica"):
        yield
        return
    # After pytest-django has set up the test's databases (and fenced off the others).
    if request.node.get_closest_marker("django_db") or "_django_db_helper" in request.fixturenames:
        request.getfixturevalue("_django_db_helper")
    own = {alias: connections[alias] for alias in aliases}
    for alias in aliases:
        connections[alias] = connections["default"]
        health.remember(alias, ReplicaState("ok", 0.0, checked_at=float("inf")))
    yield
    for alias, connection in own.items():
        connections[alias] = connection
    health.forget()
