"""Writing and finding many rows at once: what the importer's batches lean on."""

from __future__ import annotations

import pytest

from core.bulk_writes import among
from incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_among_finds_the_records_of_the_values_given(seeded):
    wanted = ["SYR-2022-00001", "IRQ-2022-00002", "XXX-2022-00009", None]

    found = Incident.objects.filter(among("public_id", wanted))

    assert sorted(found.values_list("public_id", flat=True)) == wanted[:2][::-1]
    assert not Incident.objects.filter(among("public_id", []))


def test_among_prepares_its_values_for_the_field_as_in_does(seeded):
    with pytest.raises(ValueError):
        list(Incident.objects.filter(pk__in=["abc"]))
    with pytest.raises(ValueError):
        list(Incident.objects.filter(among("pk", ["abc"])))
    assert Incident.objects.filter(among("pk", [str(seeded["1"].pk)])).get() == seeded["1"]
