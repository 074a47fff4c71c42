"""tests/support/cpu_lock.py: under pytest-xdist a timing test runs with no other test beside
it, a waiting timing test is not starved, and the API-server tests share one worker; the CI
command is the README's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.support.cpu_lock import CpuLock

REPO = Path(__file__).resolve().parents[2]
WAIT = 0.5  # seconds a blocked thread is given to (wrongly) get through


def _try(lock: CpuLock, exclusive: bool) -> threading.Event:
    """Take ``lock`` in a thread; the event is set once it is held."""
    got = threading.Event()

    def take() -> None:
        lock.hold(exclusive)
        got.set()

    threading.Thread(target=take, daemon=True).start()
    return got


def test_shared_holders_coexist_and_exclude_an_exclusive_one(tmp_path: Path) -> None:
    a, b, w = CpuLock(tmp_path), CpuLock(tmp_path), CpuLock(tmp_path)
    try:
        a.hold(exclusive=False)
        assert _try(b, exclusive=False).wait(60), "two shared holders must coexist"
        writer = _try(w, exclusive=True)
        assert not writer.wait(WAIT), "an exclusive holder got in beside shared ones"
        a.release()
        assert not writer.wait(WAIT)
        b.release()
        assert writer.wait(60)
        late = _try(a, exclusive=False)
        assert not late.wait(WAIT), "a shared holder got in beside an exclusive one"
        w.release()
        assert late.wait(60)
    finally:
        for lock in (a, b, w):
            lock.close()


def test_a_waiting_exclusive_holder_is_served_before_later_shared_ones(tmp_path: Path) -> None:
    first, writer_lock, second = CpuLock(tmp_path), CpuLock(tmp_path), CpuLock(tmp_path)
    try:
        first.hold(exclusive=False)
        writer = _try(writer_lock, exclusive=True)
        assert not writer.wait(WAIT)
        later = _try(second, exclusive=False)  # would get in at once without the turnstile
        assert not later.wait(WAIT), "a new shared holder overtook the waiting exclusive one"
        first.release()
        assert writer.wait(60) and not later.is_set()
        writer_lock.release()
        assert later.wait(60)
    finally:
        for lock in (first, writer_lock, second):
            lock.close()


def test_holding_the_same_mode_again_is_a_no_op(tmp_path: Path) -> None:
    lock = CpuLock(tmp_path)
    try:
        lock.hold(exclusive=True)
        lock.hold(exclusive=True)  # a second flock from the same holder would not block anyway
        assert lock.held == "exclusive"
        lock.hold(exclusive=False)
        assert lock.held == "shared"
        lock.release()
        assert lock.held is None
    finally:
        lock.close()


_CONFTEST = """
import os, time
from pathlib import Path
import pytest
from tests.support.cpu_lock import (pytest_collection_modifyitems, pytest_configure,
    pytest_configure_node, pytest_runtest_protocol, pytest_unconfigure)

LOG = Path(os.environ["CPU_LOCK_LOG"])

@pytest.fixture(scope="session")
def apiserver():
    return os.environ.get("PYTEST_XDIST_WORKER", "none")

@pytest.fixture(autouse=True)
def record(request):
    start = time.monotonic()
    yield
    end = time.monotonic()
    with LOG.open("a") as f:
        f.write(f"{request.node.name} {os.environ.get('PYTEST_XDIST_WORKER', 'none')} "
                f"{request.node.get_closest_marker('timing') is not None} {start} {end}\\n")
"""

_TESTS = """
import time
import pytest

@pytest.mark.parametrize("i", range(12))
def test_plain(i):
    time.sleep(0.15)

@pytest.mark.timing
@pytest.mark.parametrize("i", range(4))
def test_timed(i):
    time.sleep(0.15)

@pytest.mark.parametrize("i", range(4))
def test_on_the_server(i, apiserver):
    time.sleep(0.05)
"""


def test_under_xdist_timing_tests_run_alone_and_server_tests_on_one_worker(tmp_path: Path) -> None:
    pytest.importorskip("xdist", reason="pytest-xdist (the test extra) is not installed")
    (tmp_path / "conftest.py").write_text(_CONFTEST)
    (tmp_path / "test_many.py").write_text(_TESTS)
    log = tmp_path / "log"
    env = dict(os.environ, PYTHONPATH=str(REPO), CPU_LOCK_LOG=str(log))
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                        "--dist", "loadgroup", str(tmp_path), "--rootdir", str(tmp_path)],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    rows = [ln.split() for ln in log.read_text().splitlines()]
    runs = [(name, worker, timing == "True", float(s), float(e)) for name, worker, timing, s, e in rows]
    assert len(runs) == 20 and {w for _, w, _, _, _ in runs} == {"gw0", "gw1"}, runs
    timed = [r for r in runs if r[2]]
    assert len(timed) == 4 and len({w for _, w, _, _, _ in timed}) == 1  # one group, one worker
    for name, _, _, start, end in timed:
        beside = [o[0] for o in runs if o[0] != name and o[3] < end and start < o[4]]
        assert not beside, f"{name} ran beside {beside}"
    on_server = {w for n, w, _, _, _ in runs if n.startswith("test_on_the_server")}
    assert len(on_server) == 1, "the API-server tests were spread over several workers"


def test_no_test_collected_still_exits_5_under_xdist(tmp_path: Path) -> None:
    """.ci/run fails on exit 5; -n 2 must keep that exit code."""
    pytest.importorskip("xdist", reason="pytest-xdist (the test extra) is not installed")
    (tmp_path / "test_nothing.py").write_text("X = 1\n")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                        str(tmp_path), "--rootdir", str(tmp_path)],
                       capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 5, r.stdout + r.stderr


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    [line] = [ln for ln in readme.splitlines() if "bash .ci/tools.sh &&" in ln]
    command = line.split("&&")[-1].strip()
    assert command == "python3 -m pytest -n 2 --dist loadgroup", command
    run = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert f"bash .ci/tools.sh && {command}\n" in run
