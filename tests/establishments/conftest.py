from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def in_english(english):
    """Every establishments test reads English (tests/conftest.py)."""
