"""What the OpenAPI schema says about the answers, read the way a generated client reads it."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from core.errors import ERROR_BODY_SCHEMA

INCIDENTS = "/api/v1/incidents/"
INCIDENT = "/api/v1/incidents/{public_id}/"


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def component(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def test_related_records_are_read_as_objects_and_written_as_ids(schema):
    read, written = component(schema, "Incident"), component(schema, "IncidentRequest")

    assert read["properties"]["location"] == ref("LocationBrief")
    assert written["properties"]["location"]["type"] == "integer"
    assert component(schema, "Actor")["properties"]["backed_by"]["items"] == ref("ActorBrief")
    assert component(schema, "ActorRequest")["properties"]["backed_by"]["items"]["type"] == (
        "integer"
    )


def test_a_record_that_may_have_no_duplicate_of_says_so(schema):
    duplicate_of = component(schema, "Incident")["properties"]["duplicate_of"]

    assert duplicate_of["nullable"] is True
    assert duplicate_of["allOf"] == [ref("IncidentBrief")]


def test_a_text_that_may_be_empty_or_a_url_is_documented_as_either(schema):
    archive_url = component(schema, "SourceRequest")["properties"]["archive_url"]

    assert archive_url["anyOf"] == [
        {"type": "string", "format": "uri", "maxLength": 1000},
        {"type": "string", "maxLength": 0},
    ]


@pytest.mark.parametrize("resource", ["actors", "sources", "locations"])
def test_brief_pages_are_documented_beside_full_ones(schema, resource):
    listing = schema["paths"][f"/api/v1/{resource}/"]["get"]
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]
    full = component(schema, page["anyOf"][0]["$ref"].rsplit("/", 1)[1])
    brief = component(schema, page["anyOf"][1]["$ref"].rsplit("/", 1)[1])

    assert full["properties"]["results"]["items"]["$ref"].endswith(resource[:-1].title())
    assert brief["properties"]["results"]["items"]["$ref"].endswith("Brief")
    assert [p["schema"] for p in listing["parameters"] if p["name"] == "brief"] == [
        {"type": "boolean"}
    ]


@pytest.mark.parametrize("path", [INCIDENTS, INCIDENT])
def test_the_downloads_of_the_list_and_of_one_incident_are_documented(schema, path):
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    formats = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}["format"]

    assert content["text/csv"]["schema"] == ref("CSVFile")
    assert content["application/geo+json"]["schema"] == ref("FeatureCollection")
    assert formats["schema"]["enum"] == ["csv", "geojson", "json"]
    assert component(schema, "CSVFile")["type"] == "string"


def test_the_export_is_documented_as_csv_or_geojson_only(schema):
    content = schema["paths"][f"{INCIDENTS}export/"]["get"]["responses"]["200"]["content"]

    assert set(content) == {"text/csv", "application/geo+json"}


def test_other_incident_answers_are_documented_as_json_only(schema):
    for method in ("post", "put", "patch", "delete"):
        path = INCIDENTS if method == "post" else INCIDENT
        for code, response in schema["paths"][path][method]["responses"].items():
            assert set(response.get("content", {})) <= {"application/json"}, (method, code)


def test_every_error_is_documented_with_the_one_error_body(schema):
    errors = {
        code: response
        for code, response in schema["paths"][INCIDENT]["patch"]["responses"].items()
        if code >= "400"
    }

    assert sorted(errors) == ["400", "401", "403", "404", "406", "412", "415", "428", "429", "503"]
    for response in errors.values():
        assert response["content"] == {"application/json": {"schema": ref("Error")}}
    assert component(schema, "Error") == ERROR_BODY_SCHEMA
    assert "Retry-After" in errors["503"]["headers"]


def test_a_deletion_documents_its_conflict_and_the_retraction_reason(schema):
    deletion = schema["paths"][INCIDENT]["delete"]

    assert {"200", "204", "409", "412", "428"} <= set(deletion["responses"])
    assert "reason" in {p["name"] for p in deletion["parameters"] if p["in"] == "query"}


def test_anonymous_readers_need_no_credentials_but_writers_do(schema):
    assert {} in schema["paths"][INCIDENTS]["get"]["security"]
    assert {} not in schema["paths"][INCIDENTS]["post"]["security"]
    assert {} in schema["paths"]["/api/v1/auth/token/"]["post"]["security"]


def test_a_created_incident_links_to_its_operations_with_its_version(schema):
    links = schema["paths"][INCIDENTS]["post"]["responses"]["201"]["links"]

    assert links["incidents_partial_update"]["parameters"] == {
        "public_id": "$response.body#/public_id",
        "header.If-Match": "$response.header.ETag",
    }
    assert links["incidents_retrieve"]["parameters"] == {"public_id": "$response.body#/public_id"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", [INCIDENTS, "/api/v1/actors/", f"{INCIDENTS}export/"])
def test_a_query_parameter_sent_empty_is_documented_and_read_as_not_sent(schema, seeded, path):
    parameters = [p for p in schema["paths"][path]["get"]["parameters"] if p["in"] == "query"]
    client = APIClient()
    unfiltered = listed(client.get(path))

    for parameter in parameters:
        if parameter["schema"]["type"] == "array":
            assert "" in parameter["schema"]["items"].get("enum", [""]), parameter["name"]
        else:
            assert parameter["allowEmptyValue"], parameter["name"]

        response = client.get(path, {parameter["name"]: ""})
        assert response.status_code == 200, parameter["name"]
        assert listed(response) == unfiltered, parameter["name"]


def listed(response) -> list:
    """The records an answer lists: its rows, in a download; their keys, in a page."""
    if response.streaming:
        return b"".join(response.streaming_content).splitlines()
    return [row.get("public_id", row.get("id")) for row in response.json()["results"]]
