"""Library calls in concurrent threads give the same results as one at a time.

tosca-parser keeps its errors in a global collector, so a valid template can fail while
another thread parses a bad one; xfc's compilations share only read-only caches.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import compiler

REPO = Path(__file__).resolve().parent.parent.parent
CASES = [
    REPO / "samples/5g-core-slice/slice.yaml",
    REPO / "samples/sol001-v4-container-vnf/vnfd.yaml",
    REPO / "samples/sol001-firewall-chain",
    REPO / "tests/diagnostics/yaml-duplicate-key/fail.yaml",
    REPO / "tests/diagnostics/import-unresolved/fail.yaml",
    REPO / "tests/diagnostics/xf-dependency-cycle/fail.yaml",
]


def fingerprint(path: Path) -> tuple:
    r = compiler.compile(str(path))
    diags = tuple((str(d.severity), d.code, d.span.file, d.span.line, d.span.column, d.message)
                  for d in r.diagnostics)
    files = tuple((f.path, f.content) for f in r.outputs)
    return diags, files


def test_concurrent_compilations_match_sequential_ones():
    expected = {p: fingerprint(p) for p in CASES}
    work = CASES * 6
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fingerprint, work))
    for path, got in zip(work, results, strict=True):
        assert got == expected[path], f"{path} differs when compiled concurrently"
    # the valid samples stay clean while invalid inputs are compiled beside them
    for p in CASES[:3]:
        assert expected[p][1], f"{p} produced no output"
        assert not [d for d in expected[p][0] if d[0] == "error"], f"{p} has errors"
    for p in CASES[3:]:
        assert [d for d in expected[p][0] if d[0] == "error"], f"{p} should fail"


def test_the_host_garbage_collector_is_never_touched():
    """No call changes the collector, after it or while it runs in another thread (issue
    11: two pauses switched it off for the whole host process)."""
    import gc
    import threading

    before = (gc.isenabled(), gc.get_threshold())
    assert before[0]
    samples: list[tuple] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            samples.append((gc.isenabled(), gc.get_threshold()))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(fingerprint, CASES[:3] + [CASES[0]]))
        compiler.check(str(CASES[0]))
        compiler.load(str(CASES[1]))
    finally:
        stop.set()
        watcher.join()
    assert samples and set(samples) == {before}
    assert (gc.isenabled(), gc.get_threshold()) == before
    gc.disable()
    try:
        compiler.compile(str(CASES[0]))
        assert not gc.isenabled()  # a caller's own choice is left alone
    finally:
        gc.enable()


MORE = CASES + [
    REPO / "tests/diagnostics/k8s-duplicate-object/fail",
    REPO / "tests/diagnostics/yaml-alias-limit/fail-shipped",
    REPO / "tests/diagnostics/policy-missing-input/fail.yaml",
    REPO / "tests/diagnostics/xf-sticky-session/fail.yaml",
    REPO / "tests/diagnostics/xf-sticky-session/fail-affinity.yaml",
]


def test_eight_threads_of_different_compiles_for_several_rounds_match_serial_bytes():
    cases = MORE
    assert all(p.exists() for p in cases)
    expected = {p: fingerprint(p) for p in cases}
    for round_ in range(3):
        work = [cases[(i + round_) % len(cases)] for i in range(len(cases) * 2)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(fingerprint, work))
        for path, got in zip(work, results, strict=True):
            assert got == expected[path], f"round {round_}: {path} differs when compiled concurrently"


def test_option_errors_are_raised_in_threads_too():
    import pytest

    def bad(name: str):
        with pytest.raises(compiler.OptionsError, match="Options.targets"):
            compiler.compile(str(CASES[0]), targets=(name,))
        return True

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(bad, ["nope", "also-nope", "x", "y"]))
