"""The add form records only what the analyst chose, and explains the vocabularies it offers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.models import Incident, IncidentActor
from tests.factories import ActorFactory, CitationFactory, IncidentFactory, LocationFactory
from tests.incidents.admin_forms import incident_form_data

ADD_URL = reverse("admin:incidents_incident_add")


def sections(page) -> list[str | None]:
    return [fieldset.name for fieldset in page.context["adminform"]]


@pytest.fixture
def baghdad_airport(db):
    return LocationFactory(name="Baghdad International Airport", country="IRQ")


def test_the_add_form_presumes_no_precision_confidence_or_attribution(analyst_client):
    form_page = analyst_client.get(ADD_URL)

    form = form_page.context["adminform"].form
    for name in ["date_precision", "geo_precision", "confidence"]:
        assert form[name].value() in (None, ""), name
        assert '<option value="" selected>---------</option>' in str(form[name]), name
    actor_rows = form_page.context["inline_admin_formsets"][0].formset
    for row in actor_rows.forms:
        assert row["attribution"].value() in (None, "")
        assert '<option value="" selected>---------</option>' in str(row["attribution"])


@pytest.mark.parametrize("judgement", ["date_precision", "geo_precision", "confidence"])
def test_a_missing_judgement_is_a_form_error(analyst_client, baghdad_airport, judgement):
    response = analyst_client.post(ADD_URL, incident_form_data(baghdad_airport, **{judgement: ""}))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[judgement] == ["This field is required."]
    assert not Incident.objects.exists()


def test_an_unidentified_perpetrator_without_attribution_is_not_saved_as_confirmed(
    analyst_client, baghdad_airport
):
    unidentified = ActorFactory(name="Unidentified armed group")

    response = analyst_client.post(
        ADD_URL,
        incident_form_data(
            baghdad_airport,
            actors=[{"actor": unidentified.pk, "role": "perpetrator", "attribution": ""}],
        ),
    )

    assert response.status_code == 200
    actor_rows = response.context["inline_admin_formsets"][0].formset
    assert actor_rows.errors == [{"attribution": ["This field is required."]}]
    assert not IncidentActor.objects.exists()


def test_a_precision_passed_in_the_address_is_kept(analyst_client):
    form = analyst_client.get(f"{ADD_URL}?geo_precision=2").context["adminform"].form

    assert form["geo_precision"].value() == "2"


def test_weapons_damage_and_outcome_are_defined_on_the_form(analyst_client):
    page = analyst_client.get(ADD_URL).content.decode()

    assert "rocket: unguided rocket, fired singly or in salvos" in page
    assert "missile: guided rocket" in page
    assert "minor: repairable, the target stays in use" in page
    assert "major: out of use until repaired" in page
    assert "intercepted: every munition reported was shot down" in page


def test_a_citations_supports_is_one_row_of_toggles_that_new_rows_fill_in(analyst_client):
    incident = IncidentFactory(status="draft")
    CitationFactory(incident=incident, supports=["date"])

    page = analyst_client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))

    stored, new = (form["supports"] for form in page.context["inline_admin_formsets"][1].formset)
    assert 'class="claim-toggles"' in str(stored) and 'class="claim-toggles"' in str(new)
    # Only the new row follows the form (js/citation_supports.js); the stored one stays.
    assert "data-claim-fields" not in str(stored)
    assert "data-claim-fields" in str(new)
    assert "js/citation_supports.js" in page.content.decode()


def test_a_new_record_has_no_review_section(editor_client):
    page = editor_client.get(ADD_URL)

    assert "Review" not in sections(page)
    assert 'name="review_note"' not in page.content.decode()


def test_the_author_sees_the_review_section_only_when_an_editor_wrote_in_it(analyst_client):
    quiet = IncidentFactory(status="draft")
    sent_back = IncidentFactory(status="draft", review_note="Which airport gate?")

    quiet_page = analyst_client.get(reverse("admin:incidents_incident_change", args=[quiet.pk]))
    sent_back_page = analyst_client.get(
        reverse("admin:incidents_incident_change", args=[sent_back.pk])
    )

    assert "Review" not in sections(quiet_page)
    assert "Review" in sections(sent_back_page)
    assert "Which airport gate?" in sent_back_page.content.decode()


def test_an_editor_always_has_the_review_section_of_an_existing_record(editor_client):
    incident = IncidentFactory(status="in review")

    page = editor_client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))

    assert "Review" in sections(page)
    assert 'name="review_note"' in page.content.decode()
