from __future__ import annotations

import pytest
from django.test import Client

from accounts.roles import ANALYST, EDITOR, RESEARCHER
from tests.factories import UserFactory


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", role=ANALYST)


@pytest.fixture
def editor(db):
    return UserFactory(username="edith", role=EDITOR)


@pytest.fixture
def researcher(db):
    return UserFactory(username="rhea", role=RESEARCHER)


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def analyst_client(analyst) -> Client:
    return _logged_in(analyst)


@pytest.fixture
def editor_client(editor) -> Client:
    return _logged_in(editor)


@pytest.fixture
def seeded(db):
    """The five demo incidents, loaded as `manage.py seed_demo` loads them."""
    from incidents import demo

    return {incident.dataset_event_id: incident for incident in demo.load()}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing takes most of a second per password; tests only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
