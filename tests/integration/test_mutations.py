"""Structure-aware mutation fuzzing: bad input never crashes xfc.

House rule: every malformed, hostile or oversized input ends in a diagnostic and exit
code 1 -- never a traceback, a partial output directory, a write outside the output
directory, or a network access.  Exit code 3 (internal error) is always a bug.

The fuzzer starts from real inputs (the samples, a handful of corpus descriptors, the
``tests/diagnostics`` inputs), loads one YAML file of the input with positions
(:func:`compiler.loader.yamlpos.load_yaml`), applies 1-3 mutations to the tree (drop a
key, duplicate a node template, replace a value with a hostile one, a requirement on
itself, a cycle of requirements, a YAML-special key ...), serialises the mutant with
``yaml.safe_dump`` into a copy of the input under ``tmp_path`` and compiles it:

* ``compiler.compile(path)`` (front end and every back end, nothing written) must not
  raise; the result is clean (and every emitted ``.yaml`` parses) or has an error
  diagnostic at a real position (line >= 1) in a file that exists;
* on every 5th mutant the CLI (``xfc compile PATH -o OUT``) must exit 0 or 1, never 3,
  print no traceback, leave ``OUT`` absent on 1, and write nothing else in ``tmp_path``;
* on every 25th, ``xfc check``, ``graph``, ``simulate --fail`` and ``explain --wiring``
  must exit 0, 1 or 2 (an unknown name is misuse), never 3, and write nothing;
* no network access is attempted (``socket`` connections and name look-ups are trapped).

Mutant ``i`` is a pure function of (``XFC_FUZZ_SEED``, ``i``): a failure names its index,
and ``XFC_FUZZ_ONLY=i`` replays it.  ``XFC_FUZZ_ITERATIONS`` (default 250, under 60 s on
two cores) sets how many run in the test suite; for long runs use the runner::

    python -m tests.integration.test_mutations --start 0 --count 5000 --report crashes.jsonl
    python -m tests.integration.test_mutations --only 1234 --show     # print that mutant

The seeds, the hostile values and the mutations live in :mod:`tests.integration.mutations`;
this module is the oracle, the tests and the long-run driver.  See docs/robustness.md.
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import socket
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import compiler  # noqa: E402
from compiler import cli  # noqa: E402
from compiler.diagnostics import Diagnostics, Severity  # noqa: E402
from compiler.loader.yamlpos import load_yaml, to_plain  # noqa: E402
from tests.integration.mutations import (  # noqa: E402
    ALL_VALUES, CORPUS, CORPUS_SEEDS, ITERATIONS, SAMPLES, SEED, TARGETS, Mutant, Seed,
    _fresh, _parent, _short, _sites, all_seeds, make_mutant, materialise,
)
from tests.hostile import shapes  # noqa: E402

CLI_EVERY = 5  # every CLI_EVERY-th mutant also goes through the command line

# --------------------------------------------------------------------------------------
# the oracle


class NetworkAttempt(AssertionError):
    pass


class _NoNetwork:
    """Traps socket connections and name look-ups while a compilation runs."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self._saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> "_NoNetwork":
        def trap(what: str) -> Callable[..., Any]:
            def f(*args: Any, **kwargs: Any) -> Any:
                self.attempts.append(f"{what}{args[1:] if what == 'connect' else args}"[:200])
                raise OSError(f"network access blocked by the fuzzer ({what})")
            return f

        for owner, name in ((socket.socket, "connect"), (socket.socket, "connect_ex"),
                            (socket, "create_connection"), (socket, "getaddrinfo"),
                            (socket, "gethostbyname")):
            self._saved.append((owner, name, getattr(owner, name)))
            setattr(owner, name, trap(name))
        return self

    def __exit__(self, *exc: Any) -> None:
        for owner, name, value in reversed(self._saved):
            setattr(owner, name, value)


_BASELINE: dict[Seed, frozenset[str]] = {}


def unplaced_baseline(seed: Seed) -> frozenset[str]:
    """Codes of the errors the unmutated seed reports without a line (a CSAR directory
    without an entry has no line to point at): a mutant may keep reporting those."""
    if seed not in _BASELINE:
        with tempfile.TemporaryDirectory(prefix="xfc-fuzz-") as d:
            path = materialise(Mutant(-1, seed, (seed.root / seed.mutate).read_text(encoding="utf-8"), []), Path(d))
            unit = compiler.compile(str(path))
        _BASELINE[seed] = frozenset(x.code for x in unit.diagnostics
                                    if x.severity == Severity.ERROR and x.span.line < 1)
    return _BASELINE[seed]


def _params(targets: tuple[str, ...]) -> dict[str, str]:
    """Back-end values: Tacker's alerts need the VNF instance id (else every tacker
    mutant would stop at policy-missing-input before the back ends run)."""
    return {"vnf_instance_id": "3f2a-77"} if "tacker" in targets else {}


def check_compile(path: Path, allowed_unplaced: frozenset[str] = frozenset(), *,
                  targets: tuple[str, ...] = ("kubernetes",), inputs: dict | None = None) -> list[str]:
    """Problems with ``compiler.compile(path)``: an exception, a bad outcome."""
    problems: list[str] = []
    with _NoNetwork() as net:
        try:
            unit = compiler.compile(str(path), targets=targets, inputs=inputs or {}, params=_params(targets))
        except BaseException as exc:  # noqa: BLE001 - that is the finding
            tb = "\n".join(ln[:300] for ln in traceback.format_exc().splitlines())
            return [f"compile raised {type(exc).__name__}: {str(exc)[:300]}\n{tb}"]
    if net.attempts:
        problems.append(f"network access attempted: {net.attempts[:3]}")
    diags = list(unit.diagnostics)
    errors = [d for d in diags if d.severity == Severity.ERROR]
    if errors:
        # caller-given input values have no file: their errors name the input, "<inputs>"
        placed = [d for d in errors if (d.span.line >= 1 and Path(d.span.file).is_file())
                  or d.code in allowed_unplaced or (inputs and d.span.file == "<inputs>")]
        if not placed:
            problems.append("errors without a real position: " + "; ".join(
                f"{d.code} at {d.span.file}:{d.span.line}" for d in errors[:5]))
        # (back ends may return files beside an error: the CLI then writes none of them,
        # which check_cli asserts)
    else:
        for f in unit.outputs:
            if f.path.endswith((".yaml", ".yml")):
                try:
                    list(yaml.safe_load_all(f.content.decode("utf-8")))
                except Exception as exc:  # noqa: BLE001
                    problems.append(f"output {f.path} is not valid YAML: {str(exc)[:200]}")
    return problems


def _listing(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def check_cli(path: Path, work: Path, *, targets: tuple[str, ...] = ("kubernetes",),
              inputs: dict | None = None) -> list[str]:
    """Problems with ``xfc compile PATH -o OUT``: exit code, traceback, stray writes."""
    problems: list[str] = []
    out_dir = work / "out"
    argv = ["compile", str(path), "-o", str(out_dir), "--color", "never"]
    for t in targets:
        argv += ["--target", t]
    for k, v in _params(targets).items():
        argv += ["--param", f"{k}={v}"]
    if inputs:
        inputs_file = work / "inputs.json"  # JSON is YAML: no safe_dump surprises
        inputs_file.write_text(json.dumps(inputs, allow_nan=True), encoding="utf-8")
        argv += ["--inputs", str(inputs_file)]
    before = _listing(work)
    out, err = io.StringIO(), io.StringIO()
    saved_err = sys.stderr
    sys.stderr = err
    try:
        with _NoNetwork() as net:
            rc = cli.main(argv, out=out)
    finally:
        sys.stderr = saved_err
    text = out.getvalue() + err.getvalue()
    if net.attempts:
        problems.append(f"CLI network access attempted: {net.attempts[:3]}")
    if rc not in (0, 1):
        problems.append(f"CLI exit code {rc}: {text[-1500:]}")
    if "Traceback" in text:
        problems.append("CLI printed a traceback")
    if rc == 1 and out_dir.exists():
        problems.append("CLI exit code 1 but the output directory exists")
    if rc == 0 and not out_dir.is_dir():
        problems.append("CLI exit code 0 but no output directory")
    stray = {p for p in _listing(work) - before if p != "out" and not p.startswith("out/")}
    if stray:
        problems.append(f"CLI wrote outside the output directory: {sorted(stray)[:5]}")
    return problems


VERBS_EVERY = 25  # every VERBS_EVERY-th mutant also goes through check, graph, simulate, explain


def _names(text: str) -> tuple[list[str], list[str]]:
    """Node template and policy names of a mutant, for --fail and --wiring."""
    try:
        tree = yaml.safe_load(text)
        tt = tree.get("topology_template") if isinstance(tree, dict) else None
        nodes = sorted(str(k) for k in tt.get("node_templates") or {}) if isinstance(tt, dict) else []
        pols = [str(k) for p in (tt.get("policies") or []) if isinstance(p, dict) for k in p] \
            if isinstance(tt, dict) and isinstance(tt.get("policies"), list) else []
        return nodes, pols
    except Exception:  # noqa: BLE001 - a mutant the names cannot be read from
        return [], []


def check_verbs(mutant: Mutant, path: Path, work: Path) -> list[str]:
    """The other verbs that read a descriptor: exit 0, 1 or 2 (an unknown --fail or
    --wiring name is misuse), never 3, no traceback, nothing written."""
    rng = random.Random(f"{SEED}:verbs:{mutant.index}")
    nodes, pols = _names(mutant.text)
    targets = [a for t in mutant.targets for a in ("--target", t)]
    runs = (
        ["check", str(path), "--format", rng.choice(("text", "json"))],
        ["graph", str(path), "--format", rng.choice(("dot", "mermaid", "json"))],
        ["simulate", str(path), "--fail", rng.choice(nodes or ["x"])]
        + (["--instance"] if rng.random() < 0.3 else []) + (["--format", "json"] if rng.random() < 0.5 else []),
        ["explain", str(path), "--wiring", rng.choice(pols + nodes + ["x"])] + targets,
    )
    problems: list[str] = []
    before = _listing(work)
    for argv in runs:
        out, err = io.StringIO(), io.StringIO()
        saved_err = sys.stderr
        sys.stderr = err
        try:
            with _NoNetwork() as net:
                rc = cli.main(argv + ["--color", "never"], out=out)
        finally:
            sys.stderr = saved_err
        text = out.getvalue() + err.getvalue()
        if rc not in (0, 1, 2) or "Traceback" in text or net.attempts:
            problems.append(f"xfc {argv[0]} {' '.join(argv[2:])}: exit {rc}, network {net.attempts[:2]}: "
                            f"{text[-1500:]}")
    if _listing(work) != before:
        problems.append(f"the verbs wrote files: {sorted(_listing(work) - before)[:5]}")
    return problems


def run_one(index: int, work: Path, seeds: list[Seed] | None = None, *, cli_too: bool | None = None,
            verbs_too: bool | None = None) -> list[str]:
    """Build mutant ``index`` under ``work`` and return the problems found (empty: fine)."""
    mutant = make_mutant(index, seeds)
    if mutant is None:
        return []
    path = materialise(mutant, work)
    problems = check_compile(path, unplaced_baseline(mutant.seed), targets=mutant.targets, inputs=mutant.inputs)
    if cli_too if cli_too is not None else index % CLI_EVERY == 0:
        problems += check_cli(path, work, targets=mutant.targets, inputs=mutant.inputs)
    if verbs_too if verbs_too is not None else index % VERBS_EVERY == 0:
        problems += check_verbs(mutant, path, work)
    if problems:
        head = f"mutant {index} of seed {mutant.seed.name}: {'; '.join(mutant.log)}"
        problems = [head] + problems
    return problems


# --------------------------------------------------------------------------------------
# pytest


def _indices() -> list[int]:
    only = os.environ.get("XFC_FUZZ_ONLY")
    if only:
        return [int(x) for x in only.split(",")]
    return list(range(ITERATIONS))


@pytest.fixture(scope="module")
def seeds() -> list[Seed]:
    return all_seeds()


def test_seed_inputs_are_found(seeds):
    names = {s.name.split("/", 1)[0] for s in seeds}
    assert {"sample", "diag"} <= names
    assert len([s for s in seeds if s.name.startswith("sample/")]) >= 3
    if CORPUS.is_dir():
        assert len({s.name for s in seeds if s.name.startswith("corpus/")}) == len(CORPUS_SEEDS)


def test_corpus_seeds_present():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (../shared is missing; set XFC_SHARED)")
    missing = [rel for rel in CORPUS_SEEDS if not (CORPUS / rel).is_file()]
    assert not missing


def test_mutants_are_deterministic(seeds):
    a = [make_mutant(i, seeds) for i in range(10)]
    b = [make_mutant(i, seeds) for i in range(10)]
    assert [(m.text, m.log) if m else None for m in a] == [(m.text, m.log) if m else None for m in b]
    assert len({m.text for m in a if m}) >= 8  # and actually different from each other


def test_no_network_trap_works():
    with _NoNetwork() as net:
        with pytest.raises(OSError):
            socket.getaddrinfo("example.invalid", 80)
    assert net.attempts


def test_root_of_the_whole_filesystem_is_not_an_internal_error(tmp_path):
    # found by hand while fuzzing the flags: --root / listed every file on the machine
    # and exited 3 on PermissionError for /proc/1/cwd
    out = io.StringIO()
    rc = cli.main(["compile", str(SAMPLES / "sol001-v4-container-vnf" / "vnfd.yaml"), "--root", "/",
                   "-o", str(tmp_path / "out"), "--color", "never"], out=out)
    assert rc == 0, out.getvalue()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".xfc-manifest", "kubernetes", "operator", "policies"]


ARCHIVE_SHAPES = 12
#: An archive refused as a whole has no line to point at: the archive is the position.
ARCHIVE_CODES = frozenset({"csar-zip-bomb", "csar-zip-unsafe", "csar-zip-invalid", "limit-exceeded"})


@pytest.mark.parametrize("index", range(ARCHIVE_SHAPES))
def test_archive_shape_never_crashes(index, tmp_path):
    # issue 12: members of zeros, a file/folder clash, a lying member count, a member
    # just under the ratio floor (tests/hostile/shapes.py)
    rng = random.Random(f"{SEED}:archive:{index}")
    path, what = shapes.archive_shape(rng, tmp_path / "shape.csar")
    work = tmp_path / "work"
    work.mkdir()
    problems = check_compile(path, ARCHIVE_CODES) + check_cli(path, work)
    assert not problems, f"archive shape {index} ({what}):\n" + "\n".join(problems)


def test_growth_shapes_are_among_the_mutations(seeds):
    # the grow mutation (chains, doubling functions, extreme numbers) is drawn by the
    # ordinary stream, so the default run exercises it
    logs = [m.log for m in (make_mutant(i, seeds) for i in range(ITERATIONS)) if m]
    assert any(entry.startswith(("grow ", "extreme number")) for log in logs for entry in log)


@pytest.mark.parametrize("index", _indices())
def test_mutant_never_crashes(index, seeds, tmp_path):
    problems = run_one(index, tmp_path, seeds)
    assert not problems, "\n".join(problems) + f"\n(replay: XFC_FUZZ_ONLY={index} XFC_FUZZ_SEED={SEED})"


# --------------------------------------------------------------------------------------
# the long-run driver


def _signature(problems: list[str]) -> str:
    """Group findings: exception type and innermost compiler frame, or the first problem."""
    body = problems[1] if len(problems) > 1 else problems[0]
    if "Traceback" in body:
        frames = [ln.strip() for ln in body.splitlines() if ln.strip().startswith('File "') and "/compiler/" in ln]
        last = frames[-1] if frames else ""
        return body.split(":", 1)[0] + " @ " + last.split("/compiler/", 1)[-1]
    return body.split(":", 1)[0][:120]


GRID_VALUES: tuple[Any, ...] = ALL_VALUES[::4] + (
    None, 0, -1, "", "x" * 10240, [], {}, {"get_input": "nope"}, {"concat": 5}, 1e308, math.inf, True)


def grid_jobs(seed: Seed) -> list[tuple[tuple, int]]:
    """Exhaustive mode: every place under topology_template x every GRID_VALUES value."""
    diags = Diagnostics()
    tree = to_plain(load_yaml((seed.root / seed.mutate).read_text(encoding="utf-8"), seed.mutate, diags))
    sites = [p for p, _ in _sites(tree) if p and p[0] == "topology_template"]
    return [(p, j) for p in sites for j in range(len(GRID_VALUES))]


def grid_mutant(seed: Seed, path: tuple, j: int) -> Mutant:
    diags = Diagnostics()
    tree = to_plain(load_yaml((seed.root / seed.mutate).read_text(encoding="utf-8"), seed.mutate, diags))
    value = _fresh(GRID_VALUES[j])
    _parent(tree, path)[path[-1]] = value
    text = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)
    return Mutant(-1, seed, text, [f"grid: {path!r} = {_short(value)}"], TARGETS[:3])


def main(argv: list[str] | None = None) -> int:
    import argparse
    import signal
    import time

    p = argparse.ArgumentParser(description="run many mutants; record every finding as a JSON line")
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--only", type=int, action="append", help="run (or --show) just these indices")
    p.add_argument("--report", default="-", help="JSON-lines file for findings (default: stdout)")
    p.add_argument("--show", action="store_true", help="print the mutant text and log, do not run")
    p.add_argument("--timeout", type=int, default=20, help="seconds before a mutant counts as a hang")
    p.add_argument("--cli-every", type=int, default=CLI_EVERY)
    p.add_argument("--verbs-every", type=int, default=VERBS_EVERY,
                   help="every Nth mutant also runs check, graph, simulate and explain (1: all)")
    p.add_argument("--grid", metavar="SEED", help="exhaustive mode for the seed of this name "
                   "(e.g. sample/5g-core-slice/slice.yaml): every place x every grid value; "
                   "--start/--count then slice the job list")
    args = p.parse_args(argv)
    seeds = all_seeds()
    if args.grid:
        return _run_grid(args, [s for s in seeds if s.name == args.grid][:1])
    indices = args.only or list(range(args.start, args.start + args.count))
    if args.show:
        for i in indices:
            m = make_mutant(i, seeds)
            if m is None:
                print(f"# mutant {i}: none")
                continue
            print(f"# mutant {i} of {m.seed.name} ({m.seed.mutate} in {m.seed.root}, entry {m.seed.entry})")
            print("# " + "; ".join(m.log))
            print(m.text)
        return 0
    report = sys.stdout if args.report == "-" else open(args.report, "a", encoding="utf-8")

    def alarm(signum: int, frame: Any) -> None:
        raise TimeoutError("mutant took too long")

    signal.signal(signal.SIGALRM, alarm)
    found = 0
    t0 = time.time()
    for n, i in enumerate(indices):
        with tempfile.TemporaryDirectory(prefix="xfc-fuzz-") as d:
            signal.alarm(args.timeout)
            try:
                problems = run_one(i, Path(d), seeds, cli_too=i % args.cli_every == 0,
                                   verbs_too=i % args.verbs_every == 0)
            except TimeoutError:
                problems = [f"mutant {i}", f"hang: more than {args.timeout} s"]
            except BaseException as exc:  # noqa: BLE001 - a bug in the oracle itself
                problems = [f"mutant {i}", f"fuzzer error {type(exc).__name__}: {exc}\n{traceback.format_exc()}"]
            finally:
                signal.alarm(0)
        if problems:
            found += 1
            report.write(json.dumps({"index": i, "signature": _signature(problems), "problems": problems}) + "\n")
            report.flush()
        if (n + 1) % 500 == 0:
            sys.stderr.write(f"{n + 1}/{len(indices)} mutants, {found} findings, {time.time() - t0:.0f} s\n")
    sys.stderr.write(f"done: {len(indices)} mutants, {found} findings, {time.time() - t0:.0f} s\n")
    return 0


def _run_grid(args: Any, chosen: list[Seed]) -> int:
    import time

    if not chosen:
        sys.stderr.write(f"no seed named {args.grid!r}\n")
        return 2
    seed = chosen[0]
    jobs = grid_jobs(seed)[args.start: args.start + args.count]
    report = sys.stdout if args.report == "-" else open(args.report, "a", encoding="utf-8")
    t0, found = time.time(), 0
    for n, (path, j) in enumerate(jobs):
        mutant = grid_mutant(seed, path, j)
        with tempfile.TemporaryDirectory(prefix="xfc-fuzz-") as d:
            problems = check_compile(materialise(mutant, Path(d)), unplaced_baseline(seed),
                                     targets=mutant.targets)
        if problems:
            found += 1
            problems = [f"{seed.name}: {mutant.log[0]}"] + problems
            report.write(json.dumps({"grid": [repr(path), j], "signature": _signature(problems),
                                     "problems": problems}) + "\n")
            report.flush()
        if (n + 1) % 500 == 0:
            sys.stderr.write(f"{n + 1}/{len(jobs)} grid mutants, {found} findings, {time.time() - t0:.0f} s\n")
    sys.stderr.write(f"done: {len(jobs)} grid mutants, {found} findings, {time.time() - t0:.0f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
