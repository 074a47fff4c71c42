"""The Tacker venv for the tests that run Tacker's own code (compiler/bundlers/tacker_gate.py).

Phase: test support (never imported by the compiler).  One lookup for every module that
needs Tacker: the ``tacker`` fixture gives the venv's interpreter, or skips with the reason
when ``.ci/tacker.sh`` has not made the venv -- and fails instead under CI=true and
XFC_REQUIRE_TOOLS=1.  Use it from a test module::

    from tests.support.tacker import tacker  # noqa: F401  (registers the fixture)

    def test_something(tacker):
        verdict = tacker_gate.judge(csar, request)
"""

from __future__ import annotations

import os

import pytest

from compiler.bundlers import tacker_gate

MISSING = "the Tacker venv is missing: run bash .ci/tacker.sh"


def _strict_ci() -> bool:
    return os.environ.get("CI") == "true" and os.environ.get("XFC_REQUIRE_TOOLS") == "1"


def require_tacker() -> str:
    """The Tacker venv's python; skip (fail under strict CI) when there is none."""
    exe = tacker_gate.python()
    if exe is None:
        if _strict_ci():
            pytest.fail(MISSING + " (required: CI=true and XFC_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip(MISSING)
    return exe


@pytest.fixture(scope="session")
def tacker() -> str:
    """The Tacker venv's interpreter (see the module doc)."""
    return require_tacker()


__all__ = ["MISSING", "require_tacker", "tacker"]
