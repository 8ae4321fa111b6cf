"""The unit lane: rules, parsers and blocks, pure Python. No database: a test that asks for one fails, and
belongs in tests/services. `make test-fast` runs this lane alone."""

from __future__ import annotations

import pytest


@pytest.fixture
def database_url() -> str:
    pytest.fail("a unit test has no database: move it to tests/services (or tests/slack, tests/http)")
