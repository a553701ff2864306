"""An import checks rows by the models' own rules, sharing their work between rows that hold
the same values, and reports what full_clean() would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from csvio.imports.validate import NOT_VALIDATED, ModelRules
from incidents.models import Incident
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def broken(incident: Incident) -> Incident:
    incident.weapon = "catapult"
    incident.date_end = incident.date_start - dt.timedelta(days=1)
    incident.fatalities_low, incident.fatalities_best = 5, 3
    incident.status, incident.retraction_reason = "retracted", ""
    return incident


def full_clean_errors(incident: Incident) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        incident.full_clean(exclude=NOT_VALIDATED, validate_unique=False)
    return refused.value.message_dict


def test_the_rules_report_what_full_clean_reports(db):
    incident = broken(IncidentFactory())
    rules = ModelRules(Incident, skip=NOT_VALIDATED)

    errors = rules.add_constraint_errors(incident, rules.errors(incident), NOT_VALIDATED)

    assert errors == full_clean_errors(incident)
    assert set(errors) == {"weapon", "date_end", "fatalities_low", "retraction_reason"}


def test_a_record_with_the_same_values_is_checked_without_asking_the_database(
    db, django_assert_num_queries
):
    first, second = broken(IncidentFactory()), broken(IncidentFactory())
    second.date_start, second.date_end = first.date_start, first.date_end
    rules = ModelRules(Incident, skip=NOT_VALIDATED)
    expected = rules.add_constraint_errors(first, rules.errors(first), NOT_VALIDATED)

    with django_assert_num_queries(0):
        errors = rules.add_constraint_errors(second, rules.errors(second), NOT_VALIDATED)

    assert errors == expected


def test_a_constraint_on_a_field_with_an_error_is_not_checked(db):
    incident = IncidentFactory()
    incident.fatalities_low, incident.fatalities_best = -1, -2  # low > best, but both invalid
    rules = ModelRules(Incident, skip=NOT_VALIDATED)

    errors = rules.add_constraint_errors(incident, rules.errors(incident), NOT_VALIDATED)

    assert set(errors) == {"fatalities_low", "fatalities_best"}
    assert errors == full_clean_errors(incident)
