"""Tokens of the previous scheme (DRF's authtoken, keys in plain text) keep working, hashed."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

migration = import_module("accounts.migrations.0006_carry_over_old_tokens")
OLD_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"


def create_old_table(user_id: int) -> None:
    """authtoken_token as DRF's migrations left it, holding one key."""
    moment = "datetime" if connection.vendor == "sqlite" else "timestamp with time zone"
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE authtoken_token ("key" varchar(40) NOT NULL PRIMARY KEY, '
            f"created {moment} NOT NULL, user_id bigint NOT NULL UNIQUE)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [OLD_KEY, "2025-03-01 10:00:00", user_id],
        )


def carry_over() -> None:
    migration.carry_over_old_tokens(apps, connection.schema_editor())


def test_an_old_token_keeps_working_and_its_plain_key_is_gone(researcher):
    create_old_table(researcher.pk)

    carry_over()

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert client.get("/api/v1/incidents/").status_code == 200
    token = ApiToken.objects.get()
    assert (token.user, token.prefix, token.expires) == (researcher, OLD_KEY[:8], None)
    assert token.created.isoformat() == "2025-03-01T10:00:00+00:00"
    assert "Carried over" in token.name
    assert "authtoken_token" not in connection.introspection.table_names()


def test_a_database_without_old_tokens_is_left_as_it_is(researcher):
    carry_over()

    assert not ApiToken.objects.exists()
