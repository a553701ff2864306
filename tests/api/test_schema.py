"""The OpenAPI schema is valid, documents every filter, and fuzzing it finds no server error."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from accounts.tokens import issue
from config.wsgi import application
from incidents import demo
from tests.factories import UserFactory

FILTERS = [
    "date_after", "date_before", "event_type", "sub_event_type", "country", "admin1",
    "location", "actor", "perpetrator", "target", "source", "publisher", "fatalities_min",
    "fatalities_max", "independent_sources_min", "weapon", "outcome", "confidence", "tag",
    "bbox", "near", "q",
    "updated_since", "status", "ordering", "cursor", "page_size", "format",
]  # fmt: skip


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yaml")

    assert (tmp_path / "api.yaml").read_text().startswith("openapi: 3")


def test_every_incident_filter_is_documented_with_its_format():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/incidents/"]["get"]["parameters"]
    }

    missing = [name for name in FILTERS if name not in parameters]
    assert missing == []
    undocumented = [name for name in FILTERS if not parameters[name].get("description")]
    assert undocumented == []


@pytest.mark.django_db
def test_docs_page_serves_its_assets_locally(client):
    page = client.get("/api/v1/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()


fuzzed = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
fuzzed.app = application
# Random fuzzing only: the boundary-value "coverage" phase multiplies the run time tenfold.
fuzzed.config.phases.coverage.enabled = False


@pytest.fixture
def editor_token(db) -> str:
    demo.load()
    editor = UserFactory(username="fuzz-editor", role="editor")
    _, secret = issue(editor)
    return secret


@pytest.mark.django_db
@fuzzed.parametrize()
@hypothesis_settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_answers_with_a_server_error(case, editor_token, unthrottled):
    case.call_and_validate(
        headers={"Authorization": f"Token {editor_token}"}, checks=[not_a_server_error]
    )


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calls go straight into the WSGI app, which closes the database connection after each
    request; Django's own test client keeps it open (the test's transaction lives on it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def unthrottled(settings):
    settings.API_THROTTLE_RATES = {"anon": "100000/minute", "user": "100000/minute"}
