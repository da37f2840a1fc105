"""Shared fixtures (helpers live in tests/helpers.py)."""

from __future__ import annotations

import os

import pytest

import autarky as ak

from .helpers import random_world


@pytest.fixture
def small_world() -> ak.World:
    return random_world()


@pytest.fixture(scope="session", autouse=True)
def _private_calibration_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Barriers remembered between runs go to a folder of this session, not the user's."""
    os.environ["AUTARKY_CACHE"] = str(tmp_path_factory.mktemp("autarky-cache"))
