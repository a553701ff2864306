from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse

from core.replicas import health, replica_aliases


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and each database's state, for container and load-balancer health checks.

    The primary answers or this fails; a replica that lags or is down leaves the service up
    (reads go to the primary) and is reported as such: "degraded"."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    databases = {"default": {"state": "ok"}}
    databases.update({alias: health.state(alias).as_json() for alias in replica_aliases()})
    degraded = any(state["state"] != "ok" for state in databases.values())
    return JsonResponse({"status": "degraded" if degraded else "ok", "databases": databases})
