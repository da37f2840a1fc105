"""Shared fixtures (helpers live in tests/helpers.py)."""

from __future__ import annotations

import pytest

import autarky as ak

from .helpers import random_world


@pytest.fixture
def small_world() -> ak.World:
    return random_world()
