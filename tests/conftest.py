"""Shared pytest set-up: the repo on sys.path, the corpus location, golden files, and the
hooks of tests/support/cpu_lock.py (the suite runs on two pytest-xdist workers).

``pytest --update-golden`` rewrites expected files under tests/golden/ from the
current output; review the diff before committing it.
"""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# pytest-xdist: timing tests run alone, API-server tests share one server (the module doc)
from tests.support.cpu_lock import (  # noqa: E402,F401  (hooks, found here by name)
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_configure_node,
    pytest_runtest_protocol,
    pytest_unconfigure,
)

SHARED = Path(os.environ.get("XFC_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
GOLDEN = REPO / "tests" / "golden"
SAMPLES = REPO / "samples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files under tests/golden/ from the current output",
    )


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The third-party corpus; tests using it skip, with the reason, when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (../shared is missing; set XFC_SHARED)")
    return CORPUS


class Golden:
    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, relpath: str, actual: str | bytes) -> None:
        """Compare ``actual`` with tests/golden/<relpath>, or write it with --update-golden."""
        path = GOLDEN / relpath
        data = actual.encode() if isinstance(actual, str) else actual
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
            return
        if not path.exists():
            pytest.fail(
                f"golden file {path.relative_to(REPO)} is missing; "
                "run `pytest --update-golden` and review it"
            )
        expected = path.read_bytes()
        if expected != data:
            diff = "".join(
                difflib.unified_diff(
                    expected.decode(errors="replace").splitlines(True),
                    data.decode(errors="replace").splitlines(True),
                    f"golden/{relpath}",
                    "actual",
                    n=2,
                )
            )
            pytest.fail(
                f"output differs from golden/{relpath}; if the change is intended, "
                f"run `pytest --update-golden` and review the diff:\n{diff[:6000]}"
            )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-golden")))
