"""Reads from a real streaming standby (`bin/replica start`): the public's reads are served by the
replica, editorial traffic by the primary, and a lagging or stopped replica changes only where
reads go — never an error.

`.ci/run` starts the standby and sets DATABASE_REPLICA_URLS for the PostgreSQL run; without
them these tests skip, saying so.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from core.replicas import health
from tests.conftest import _logged_in
from tests.factories import IncidentFactory, UserFactory

REPLICA = "replica1"
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.real_replica,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
    pytest.mark.skipif(
        not settings.DATABASE_REPLICA_URLS,
        reason="no replica: run `bin/replica start` and set DATABASE_REPLICA_URLS "
        "(PostgreSQL only; .ci/run does both)",
    ),
]


def _sql(alias: str, statement: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def caught_up() -> None:
    """Wait until the standby has replayed everything the primary has written."""
    written = _sql("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + 30
    while not _sql(REPLICA, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written]):
        assert time.monotonic() < deadline, "the standby did not catch up within 30 s"
        time.sleep(0.05)


@pytest.fixture
def standby(transactional_db):
    """The replica alias connected to the real standby, reading the test database."""
    configured = connections.settings[REPLICA]
    mirror = connections[REPLICA]
    test_database = connections["default"].settings_dict["NAME"]
    connections.settings[REPLICA] = {**configured, "NAME": test_database}
    connections[REPLICA] = connections.create_connection(REPLICA)
    health.forget()
    assert _sql(REPLICA, "SELECT pg_is_in_recovery()"), "DATABASE_REPLICA_URLS is no standby"
    yield connections[REPLICA]
    if _sql(REPLICA, "SELECT pg_is_wal_replay_paused()"):
        _sql(REPLICA, "SELECT pg_wal_replay_resume()::text")
    connections[REPLICA].close()
    connections.settings[REPLICA] = configured
    connections[REPLICA] = mirror
    health.forget()


@pytest.fixture
def paused(standby):
    """Replay paused once the standby holds what was written so far: later writes wait."""
    caught_up()
    _sql(REPLICA, "SELECT pg_wal_replay_pause()::text")
    return standby


@pytest.fixture
def editor_client(standby):
    # A superuser: an earlier transactional test may have flushed the role groups.
    return _logged_in(UserFactory(username="edith", is_staff=True, is_superuser=True))


def titles(client, **params) -> list[str]:
    response = client.get("/api/v1/incidents/", params)
    assert response.status_code == 200, response.content
    return [incident["title"] for incident in response.json()["results"]]


def test_the_public_s_reads_are_served_by_the_standby(client, standby):
    IncidentFactory(title="Rockets at the airport")
    caught_up()

    with CaptureQueriesContext(standby) as on_replica:
        assert titles(client) == ["Rockets at the airport"]
        assert client.get("/api/v1/incidents/count/").json()["count"] == 1
        export = client.get("/api/v1/incidents/export/")
        assert b"Rockets at the airport" in b"".join(export.streaming_content)
        assert client.get("/incidents/").status_code == 200

    read = " ".join(query["sql"] for query in on_replica.captured_queries)
    assert "incidents_incident" in read
    assert _sql(REPLICA, "SELECT inet_server_port()") != _sql(
        "default", "SELECT inet_server_port()"
    )


def test_a_paused_standby_serves_the_public_an_older_state_and_staff_the_fresh_one(
    client, editor_client, paused
):
    IncidentFactory(title="Published while the replica waits")

    assert titles(client) == []
    assert titles(editor_client) == ["Published while the replica waits"]


def test_an_editor_writes_on_the_primary_and_reads_the_write_back(editor_client, paused):
    response = editor_client.post(
        "/api/v1/actors/",
        {"name": "Saraya Awliya al-Dam", "actor_type": 3},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    actor = response.json()["id"]

    # Read back at once: from the primary, since the standby has not replayed the write.
    assert editor_client.get(f"/api/v1/actors/{actor}/").json()["name"] == "Saraya Awliya al-Dam"


def test_a_researcher_who_wrote_reads_the_primary_then_the_replica_again(paused, settings):
    settings.REPLICA_STICKY_SECONDS = 1
    researcher = UserFactory(username="rhea")  # signed in, not staff
    client = _logged_in(researcher)
    IncidentFactory(title="Published while the replica waits")
    assert titles(client) == []

    assert client.post("/account/token/", {"name": "laptop", "days": "30"}).status_code == 200
    assert titles(client) == ["Published while the replica waits"]

    time.sleep(1.1)
    assert titles(client) == []


def test_a_lagging_standby_is_skipped(client, paused, settings):
    IncidentFactory(title="Published while the replica waits")
    time.sleep(0.2)
    settings.REPLICA_MAX_LAG_SECONDS = 0
    health.forget()

    assert titles(client) == ["Published while the replica waits"]
    health_report = client.get("/healthz/").json()
    assert health_report["status"] == "degraded"
    assert health_report["databases"][REPLICA]["state"] == "lagging"


def test_a_stopped_standby_changes_where_reads_go_and_nothing_else(client, standby):
    IncidentFactory(title="Rockets at the airport")
    caught_up()
    assert health.state(REPLICA).state == "ok"
    subprocess.run([ROOT / "bin" / "replica", "down"], check=True)
    try:
        # The check made before the standby stopped still holds: the request meets the dead
        # replica and is answered again from the primary.
        assert titles(client) == ["Rockets at the airport"]
        assert health.state(REPLICA).state == "down"
        assert titles(client) == ["Rockets at the airport"]
        report = client.get("/healthz/").json()
        assert report["databases"][REPLICA]["state"] == "down"
        assert report["databases"]["default"] == {"state": "ok"}
    finally:
        subprocess.run([ROOT / "bin" / "replica", "up"], check=True)
        standby.close()
