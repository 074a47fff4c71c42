"""Exclusive CPU for the timing tests when pytest-xdist runs the suite on several workers.

Phase: test support (never imported by the compiler); its hooks are imported by
tests/conftest.py.

CI runs the suite as ``pytest -n 2 --dist loadgroup`` on 2 cores (.ci/run, the README).
Most tests only want both cores busy; a few measure time or memory and judge it against a bound --
the growth ratios of tests/hostile/test_scaling.py, the 2 s / 500 MB bounds of the hostile
harness, the fair-service test, every ``elapsed < N`` -- and a neighbour on the other core
would measure itself into their figures.  Those tests carry ``@pytest.mark.timing`` (every
test under tests/hostile/ gets it from ``pytest_collection_modifyitems`` below) and run
alone:

* every test holds a lock on ``rw`` -- shared for an ordinary test, exclusive for a timing
  test -- from its set-up to its teardown (``pytest_runtest_protocol``);
* writers are not starved: a worker first takes ``turnstile`` exclusively, then its lock
  on ``rw``, then lets the turnstile go.  A timing test waiting for ``rw`` keeps the
  turnstile, so the other worker cannot start a new test until the timing test has had
  its turn;
* a worker keeps its exclusive lock from one timing test to the next (pytest knows the
  next item), and ``conftest`` puts every timing test into one xdist group
  (``--dist loadgroup``), so the timing tests run back to back on one worker and the
  other worker waits once, not once per test.

Without xdist (``-n 0``, ``-p no:xdist``, a single test) nothing is locked: the process
runs alone anyway.  The lock files live in a folder the controller makes for the run and
hands to its workers (``workerinput``), and removes at the end.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pytest

MARK = "timing"
KEY = "xfc_cpu_lock"
#: every test under tests/hostile/ judges a run against the 2 s / 500 MB bounds (harness.py)
#: or a growth ratio (test_scaling.py): the whole folder is marked here
HOSTILE = Path(__file__).resolve().parents[1] / "hostile"


def is_timing(item: pytest.Item | None) -> bool:
    return item is not None and item.get_closest_marker(MARK) is not None


class CpuLock:
    """A reader/writer lock between the workers of one run (flock on two files)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._turnstile = os.open(folder / "turnstile", os.O_RDWR | os.O_CREAT, 0o600)
        self._rw = os.open(folder / "rw", os.O_RDWR | os.O_CREAT, 0o600)
        self.held: str | None = None  # None, "shared" or "exclusive"

    def hold(self, exclusive: bool) -> None:
        mode = "exclusive" if exclusive else "shared"
        if self.held == mode:
            return
        self.release()
        fcntl.flock(self._turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._rw, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        finally:
            fcntl.flock(self._turnstile, fcntl.LOCK_UN)
        self.held = mode

    def release(self) -> None:
        if self.held is not None:
            fcntl.flock(self._rw, fcntl.LOCK_UN)
            self.held = None

    def close(self) -> None:
        self.release()
        os.close(self._turnstile)
        os.close(self._rw)


def _lock(config: pytest.Config) -> CpuLock | None:
    return getattr(config, "_xfc_cpu_lock", None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARK}: measures time or memory against a bound; runs with no other "
        "test beside it under pytest-xdist (tests/support/cpu_lock.py)")
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:  # an xdist worker
        folder = workerinput.get(KEY)
        if folder:
            config._xfc_cpu_lock = CpuLock(Path(folder))  # type: ignore[attr-defined]
    elif config.pluginmanager.hasplugin("xdist") and config.getoption("numprocesses", None):
        config._xfc_cpu_lock_dir = tempfile.mkdtemp(prefix="xfc-cpu-lock-")  # type: ignore[attr-defined]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist (controller): give each worker the run's lock folder."""
    folder = getattr(node.config, "_xfc_cpu_lock_dir", None)
    if folder:
        node.workerinput[KEY] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    lock = _lock(config)
    if lock is not None:
        lock.close()
    folder = getattr(config, "_xfc_cpu_lock_dir", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """One xdist group for the timing tests, one for the tests on the real API server
    (one kube-apiserver per run, not one per worker)."""
    for item in items:
        if HOSTILE in Path(str(item.path)).parents:
            item.add_marker(MARK)
        if is_timing(item):
            item.add_marker(pytest.mark.xdist_group("timing"))
        elif "apiserver" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("apiserver"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    lock = _lock(item.config)
    if lock is None:
        return (yield)
    lock.hold(exclusive=is_timing(item))
    try:
        return (yield)
    finally:
        if not (is_timing(item) and is_timing(nextitem)):
            lock.release()
