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


def test_collector_paused_during_compilation_and_restored():
    import gc

    import compiler as c

    seen = []
    assert gc.isenabled()
    r = c.check(str(CASES[0]))
    assert r.ok and gc.isenabled()
    with c._gc_paused():
        seen.append(gc.isenabled())
        with c._gc_paused():
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())
    assert seen == [False, False, False] and gc.isenabled()
    gc.disable()
    try:
        c.check(str(CASES[0]))
        assert not gc.isenabled()  # a caller's own choice is left alone
    finally:
        gc.enable()
