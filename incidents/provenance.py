"""Old names of the independent-source refreshes, kept for their callers until they move to
incidents.derived: migration 0008 (which should not import live code at all), the synthetic
data generator, tests/csvio/test_import_derived.py.

Independence keys and counts of independent sources are incidents.derived's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db.models import QuerySet

from incidents.derived import refresh_incidents
from incidents.derived import refresh_sources as refresh_independence_keys

__all__ = ["refresh_independence_keys", "refresh_independent_sources"]


def refresh_independent_sources(
    incident_ids: Iterable[int] | QuerySet | None = None, *, apps=global_apps
) -> int:
    """derived.refresh_incidents(incident_ids, fields=["independent_sources"])."""
    return refresh_incidents(incident_ids, fields=["independent_sources"], apps=apps)
