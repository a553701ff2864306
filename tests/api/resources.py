"""A shared test of every API resource × role: list, retrieve, create, update, delete.

Each resource declares how to make a row and what to send; `ResourceMatrix` runs every
operation as anonymous, researcher, analyst and editor and checks the status code.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from rest_framework.test import APIClient

from accounts.roles import ANALYST, EDITOR, RESEARCHER
from tests.factories import UserFactory

ROLES = ["anonymous", RESEARCHER, ANALYST, EDITOR]

# What each role may do to the records of every resource.
EXPECTED_STATUS = {
    "list": {"anonymous": 200, RESEARCHER: 200, ANALYST: 200, EDITOR: 200},
    "retrieve": {"anonymous": 200, RESEARCHER: 200, ANALYST: 200, EDITOR: 200},
    "create": {"anonymous": 401, RESEARCHER: 403, ANALYST: 201, EDITOR: 201},
    "update": {"anonymous": 401, RESEARCHER: 403, ANALYST: 200, EDITOR: 200},
    "partial_update": {"anonymous": 401, RESEARCHER: 403, ANALYST: 200, EDITOR: 200},
    "delete": {"anonymous": 401, RESEARCHER: 403, ANALYST: 403, EDITOR: 204},
}


def api_client(role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(UserFactory(username=f"{role}-user", role=role))
    return client


@pytest.mark.django_db
class ResourceMatrix:
    base_url: ClassVar[str]

    def make_row(self) -> Any:
        raise NotImplementedError

    def row_url(self, row: Any) -> str:
        return f"{self.base_url}{row.pk}/"

    def create_payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def update_payload(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError

    def partial_payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def make_deletable_row(self) -> Any:
        return self.make_row()

    def write_headers(self, row: Any) -> dict[str, str]:
        """Headers a client sends to change `row` (e.g. If-Match with its ETag)."""
        return {}

    @pytest.mark.parametrize("role", ROLES)
    def test_list(self, role):
        row = self.make_row()
        response = api_client(role).get(self.base_url)
        assert response.status_code == EXPECTED_STATUS["list"][role]
        assert self.row_url(row).rstrip("/").split("/")[-1] in str(response.json()["results"])

    @pytest.mark.parametrize("role", ROLES)
    def test_retrieve(self, role):
        row = self.make_row()
        response = api_client(role).get(self.row_url(row))
        assert response.status_code == EXPECTED_STATUS["retrieve"][role]

    @pytest.mark.parametrize("role", ROLES)
    def test_create(self, role):
        response = api_client(role).post(self.base_url, self.create_payload(), format="json")
        assert response.status_code == EXPECTED_STATUS["create"][role], response.content

    @pytest.mark.parametrize("role", ROLES)
    def test_update(self, role):
        row = self.make_row()
        response = api_client(role).put(
            self.row_url(row), self.update_payload(row), format="json", **self.write_headers(row)
        )
        assert response.status_code == EXPECTED_STATUS["update"][role], response.content

    @pytest.mark.parametrize("role", ROLES)
    def test_partial_update(self, role):
        row = self.make_row()
        payload = self.partial_payload()
        response = api_client(role).patch(
            self.row_url(row), payload, format="json", **self.write_headers(row)
        )
        assert response.status_code == EXPECTED_STATUS["partial_update"][role], response.content
        row.refresh_from_db()
        changed = all(str(getattr(row, k)) == str(v) for k, v in self.partial_stored().items())
        assert changed is (response.status_code == 200)

    @pytest.mark.parametrize("role", ROLES)
    def test_delete(self, role):
        row = self.make_deletable_row()
        response = api_client(role).delete(self.row_url(row), **self.write_headers(row))
        assert response.status_code == EXPECTED_STATUS["delete"][role]
        assert type(row).objects.filter(pk=row.pk).exists() is (response.status_code != 204)

    def partial_stored(self) -> dict[str, Any]:
        """How the partial update reads back on the model."""
        return self.partial_payload()
