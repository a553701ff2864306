from __future__ import annotations

import pytest

from bench import generator


@pytest.fixture
def small_pools(monkeypatch):
    # The full pools (thousands of places, actors and sources) take a second to create in
    # every test; their shape, not their size, is under test here.
    monkeypatch.setattr(generator, "PLACE_POOL_SIZE", 600)
    monkeypatch.setattr(generator, "ARMED_GROUP_POOL_SIZE", 300)
    monkeypatch.setattr(generator, "SOURCE_POOL_SIZE", 200)
