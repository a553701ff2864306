"""export_incidents runs with the server's own rights, without pretending to be a user."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command

from incidents.taxonomy import Status
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_the_export_command_filters_by_any_status_without_a_user(tmp_path):
    draft = IncidentFactory(status=Status.DRAFT)
    IncidentFactory(status=Status.PUBLISHED)
    target = tmp_path / "drafts.csv"

    call_command("export_incidents", "--filter", "status=draft", "-o", str(target))

    with target.open(encoding="utf-8") as handle:
        assert [row["public_id"] for row in csv.DictReader(handle)] == [draft.public_id]
