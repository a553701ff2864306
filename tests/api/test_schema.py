"""The OpenAPI schema is valid, documents every filter, and describes what the API does:
schemathesis, with all its checks, finds no server error and no failure, as an anonymous
reader and as an editor, one operation at a time and in chains of calls (stateful)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

from accounts.tokens import issue
from config.wsgi import application
from incidents import demo
from tests.api import schemathesis_hooks  # noqa: F401  (registers the CSV deserializer)
from tests.factories import UserFactory

FILTERS = [
    "date_after", "date_before", "event_type", "sub_event_type", "country", "admin1",
    "location", "actor", "perpetrator", "target", "source", "publisher", "fatalities_min",
    "fatalities_max", "independent_sources_min", "weapon", "outcome", "confidence", "tag",
    "bbox", "near", "q",
    "updated_since", "status", "ordering", "cursor", "page_size", "format",
]  # fmt: skip

# A bounded, deterministic run; `make fuzz` (bin/fuzz) makes thousands of requests.
FUZZ_SETTINGS = hypothesis_settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


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


def fuzz_config() -> SchemathesisConfig:
    """schemathesis.toml, with the boundary-value ("coverage") phase of the operations that take
    a body left to `make fuzz`: there, one field at a time, it multiplies the suite's time."""
    root = Path(django_settings.BASE_DIR)
    config = tomllib.loads((root / "schemathesis.toml").read_text())
    config.setdefault("operations", []).append(
        {"include-method-regex": "^(POST|PUT|PATCH)$", "phases": {"coverage": {"enabled": False}}}
    )
    return SchemathesisConfig.from_dict(config, base_dir=str(root))


fuzzed = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True), config=fuzz_config()
)
fuzzed.app = application


@pytest.fixture
def editor_token(db) -> str:
    editor = UserFactory(username="fuzz-editor", role="editor")
    _, secret = issue(editor)
    return secret


@pytest.fixture
def demo_data(db) -> None:
    demo.load()


@pytest.mark.django_db
@fuzzed.parametrize()
@FUZZ_SETTINGS
def test_api_answers_anonymous_readers_as_its_schema_says(case, demo_data, unthrottled):
    case.call_and_validate()


@pytest.mark.django_db
@fuzzed.parametrize()
@FUZZ_SETTINGS
def test_api_answers_editors_as_its_schema_says(case, demo_data, editor_token, unthrottled):
    case.call_and_validate(headers={"Authorization": f"Token {editor_token}"})


def chains_of_calls(headers: dict[str, str]) -> type:
    """Calls chained by the schema's links: a record created, then read, changed, deleted."""

    class Chains(fuzzed.as_state_machine()):
        def __init__(self) -> None:
            # Each chain starts from the same records: Hypothesis replays a chain to shrink or
            # check it, and one that found another chain's writes would draw differently.
            self.savepoint = transaction.savepoint()
            super().__init__()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)
            super().teardown()

        def get_call_kwargs(self, case) -> dict:
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
            # Named as headers, the credentials are known to be the caller's, not generated.
            case.validate_response(
                response,
                additional_checks=additional_checks,
                headers=headers,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    return Chains


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_chains_of_calls_are_answered_as_the_schema_says(
    role, demo_data, editor_token, unthrottled
):
    headers = {"Authorization": f"Token {editor_token}"} if role == "editor" else {}
    chains_of_calls(headers).run(
        settings=hypothesis_settings(FUZZ_SETTINGS, max_examples=20, stateful_step_count=8)
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
    """The fuzzer is not a client to slow down, nor a password guesser to lock out."""
    settings.API_THROTTLE_RATES = {"anon": "100000/minute", "user": "100000/minute"}
    settings.AXES_FAILURE_LIMIT = 100000
