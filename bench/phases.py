#!/usr/bin/env python3
"""Benchmark: growth of three compiler phases from 1,000 to 10,000 nodes.

usage: python bench/phases.py [--repeat 3] [--gc-on] [--strict]

Each phase runs on a generated input of N = 1,000 and N = 10,000 nodes, built before
timing starts:

  types      TypeRegistry.build on one parsed file with N node types (a chain of
             derived types, each adding a property with a default and a constraint)
             and N node templates, then the merged properties of every 7th type.
             The per-file type cache is cleared before every run.
  templates  load_yaml + compiler.resolve.resolve of a plain TOSCA topology of N
             tosca.nodes.Compute templates, each with a `dependency` on the one before.
  graph      compiler.normalize + compiler.graph.build_plan of N CNFs in
             chains of 10 joined by wirings, the last of each chain on a backing
             service (the IR is made in memory, no front end).

Times are CPU time (time.process_time), the best of --repeat runs, the sizes
interleaved after one warm-up run at 1,000.  The cyclic garbage collector is paused
around each timed call (compiler.check no longer pauses it: the host's collector is left
alone); --gc-on leaves it running, as in a real call.  For each phase it prints the times, the ratio 10k/1k next to the node
ratio (10), and PASS or FAIL against the bound of the performance issue: 10x the nodes
in at most 12x the time.  A phase that reports errors or a wrong result is a FAIL too.

Exit code 0, or 1 with --strict when a phase FAILs.  Nothing is written to disk.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SIZES = (1000, 10000)
BOUND = 12.0  # time(10,000) / time(1,000) may be at most this
HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"


class Wrong(Exception):
    """The phase ran but its result is not what the input must give."""


# -- inputs -------------------------------------------------------------------------

def types_text(n: int) -> str:
    """N node types, each derived from the one before (a new chain every 50, rooted at
    Compute), each adding an integer property with a default and a constraint; then
    one template of each type."""
    lines = [HEAD, "node_types:"]
    for i in range(n):
        parent = "tosca.nodes.Compute" if i % 50 == 0 else f"t{i - 1}"
        lines.append(f"  t{i}:\n    derived_from: {parent}\n    properties:\n"
                     f"      p{i}: {{type: integer, default: {i}, "
                     f"constraints: [{{greater_or_equal: 0}}]}}")
    lines.append("topology_template:\n  node_templates:")
    for i in range(n):
        lines.append(f"    n{i}: {{type: t{i}}}")
    return "\n".join(lines) + "\n"


def templates_text(n: int) -> str:
    """N Compute templates, each with a `dependency` requirement on the one before."""
    lines = [HEAD, "topology_template:\n  node_templates:\n"]
    for i in range(n):
        lines.append(f"    n{i}:\n      type: tosca.nodes.Compute\n")
        if i:
            lines.append(f"      requirements:\n        - dependency: n{i - 1}\n")
    return "".join(lines)


def cnf_topology(n: int) -> Any:
    """N CNFs in chains of 10, each wired to the next (propagate: both; the first of a
    chain with an explicit ladder), the last on a backing service of its own; one
    xfactor.groups.Chain per chain.  Made in memory, as the front end would."""
    from compiler.diagnostics import Span
    from compiler.model import Group, NodeTemplate, Requirement, Topology

    cnf = ("xfactor.nodes.CNF", "tosca.nodes.Root")
    backing = ("xfactor.nodes.BackingService", "tosca.nodes.Root")
    chain = ("xfactor.groups.Chain", "tosca.groups.Root")
    line = 0

    def sp() -> Span:
        nonlocal line
        line += 1
        return Span("bench.yaml", line, 1)

    def template(name: str, types: tuple[str, ...], reqs: tuple[Requirement, ...] = (),
                 **props: Any) -> NodeTemplate:
        return NodeTemplate(name=name, type=types[0], types=types, properties=props,
                            requirements=reqs, span=sp(),
                            property_spans={k: sp() for k in props})

    nodes: list[NodeTemplate] = []
    groups: list[Group] = []
    for c in range(n // 10):
        names = [f"n{c}_{i}" for i in range(10)]
        for i, name in enumerate(names):
            if i + 1 < len(names):
                props: dict[str, Any] = {"propagate": "both"}
                if i == 0:
                    props["on_failure"] = ["reinstantiate(scope=upstream)"]
                r = Requirement(name="wiring", node=names[i + 1],
                                relationship="xfactor.relationships.Wiring",
                                properties=props, span=sp())
            else:
                r = Requirement(name="backing_service", node=f"db{c}", span=sp())
            nodes.append(template(name, cnf, (r,), replicas={"min": 1, "max": 3}))
        nodes.append(template(f"db{c}", backing))
        groups.append(Group(name=f"chain{c}", type=chain[0], types=chain,
                            members=tuple(names), properties={"fragile": False}, span=sp()))
    return Topology(file="bench.yaml", version="tosca_simple_yaml_1_3",
                    nodes={t.name: t for t in nodes}, groups={g.name: g for g in groups})


# -- phases: prepare(n) -> input (untimed); run(input, n) (timed) --------------------

def _errors(diags: Any) -> str:
    from compiler.diagnostics import Severity

    bad = [d for d in diags if d.severity >= Severity.ERROR]
    return "" if not bad else f"{len(bad)} error(s), first: {bad[0].code} {bad[0].message}"


def prep_types(n: int) -> Any:
    from compiler.diagnostics import Diagnostics
    from compiler.loader.yamlpos import load_yaml
    from compiler.loader.package import Package, SourceFile

    name = f"types{n}.yaml"
    d = Diagnostics()
    data = load_yaml(types_text(n), name, d)
    if d.has_errors:
        raise Wrong(_errors(d))
    return Package(root=name, entry=name,
                   files=(SourceFile(name=name, display=name, data=data),))


def run_types(pkg: Any, n: int) -> None:
    from dataclasses import replace

    from compiler.diagnostics import Diagnostics
    from compiler.limits import DEFAULT_LIMITS
    from compiler.resolve.types import TypeRegistry

    d = Diagnostics()
    # the registry's growth is what is timed: 10,000 types is past max_types (3,000), the
    # bound a real package is held to, so the limit is raised for this phase alone
    limits = replace(DEFAULT_LIMITS, max_types=2 * n)
    reg = TypeRegistry.build(pkg, d, "tosca_simple_yaml_1_3", limits=limits)
    for i in range(0, n, 7):
        reg.properties("node", f"t{i}")
    if d.has_errors:
        raise Wrong(_errors(d))


def clear_type_cache() -> None:
    from compiler.resolve import types

    types._FILE_CACHE.clear()  # every run reads the big file afresh


def prep_templates(n: int) -> str:
    return templates_text(n)


def run_templates(text: str, n: int) -> None:
    from compiler.diagnostics import Diagnostics
    from compiler.loader.yamlpos import load_yaml
    from compiler.loader.package import Package, SourceFile
    from compiler.pipeline import Options
    from compiler.resolve import resolve

    d = Diagnostics()
    data = load_yaml(text, "templates.yaml", d)
    pkg = Package(root="templates.yaml", entry="templates.yaml",
                  files=(SourceFile(name="templates.yaml", display="templates.yaml", data=data),))
    topo = resolve(pkg, Options(), d)
    if _errors(d):
        raise Wrong(_errors(d))
    if topo is None or len(topo.nodes) != n:
        raise Wrong(f"{0 if topo is None else len(topo.nodes)} nodes resolved, not {n}")


def run_graph(topo: Any, n: int) -> None:
    from compiler.diagnostics import Diagnostics
    from compiler.graph import build_plan
    from compiler.normalize import normalize

    d = Diagnostics()
    plan = build_plan(topo, normalize(topo, d), d)
    if _errors(d):
        raise Wrong(_errors(d))
    want = (11, n // 10 * 9)  # ten CNFs and a database in line; nine wirings a chain
    got = (len(plan.waves), len(plan.wirings))
    if got != want:
        raise Wrong(f"(waves, wirings) = {got}, expected {want}")


PHASES: tuple[tuple[str, str, Callable[[int], Any], Callable[[Any, int], None],
                    Callable[[], None] | None], ...] = (
    ("types", "registry: N derived types + N templates", prep_types, run_types,
     clear_type_cache),
    ("templates", "load + resolve: N Compute, dependency chain", prep_templates,
     run_templates, None),
    ("graph", "normalize + plan: N CNFs in wired chains", cnf_topology, run_graph, None),
)


# -- timing ---------------------------------------------------------------------------

def timed(fn: Callable[[Any, int], None], arg: Any, n: int, before: Callable[[], None] | None,
          gc_on: bool) -> float:
    if before is not None:
        before()
    gc.collect()  # garbage of the previous run is not this run's cost
    paused = not gc_on and gc.isenabled()
    if paused:
        gc.disable()
    try:
        t = time.process_time()
        fn(arg, n)
        return time.process_time() - t
    finally:
        if paused:
            gc.enable()


def measure(prep, run, before, repeat: int, gc_on: bool) -> dict[int, float]:
    inputs = {n: prep(n) for n in SIZES}
    timed(run, inputs[SIZES[0]], SIZES[0], before, gc_on)  # warm up: imports, caches
    best = {n: float("inf") for n in SIZES}
    for _ in range(repeat):
        for n in SIZES:  # interleaved: a burst of load hits both sizes alike
            best[n] = min(best[n], timed(run, inputs[n], n, before, gc_on))
    return best


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs (3)")
    ap.add_argument("--gc-on", action="store_true",
                    help="leave the cyclic garbage collector running while timing")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a phase FAILs")
    args = ap.parse_args(argv)
    repeat = max(1, args.repeat)

    small, large = SIZES
    node_ratio = large / small
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"best of {repeat} by CPU time, gc {'on' if args.gc_on else 'paused'}; "
          f"bound: {large:,} nodes in at most {BOUND:g}x the time of {small:,}")
    header = ("phase", "what is timed", f"{small:,} nodes", f"{large:,} nodes",
              f"{large // 1000}k/{small // 1000}k", "nodes", "result")
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    failed = False
    for name, what, prep, run, before in PHASES:
        try:
            best = measure(prep, run, before, repeat, args.gc_on)
        except Exception as exc:  # noqa: BLE001 - a wrong result or a bug: report it, time the rest
            reason = str(exc) if isinstance(exc, Wrong) else f"{type(exc).__name__}: {exc}"
            notes.append(f"{name}: {reason[:300]}")
            rows.append((name, what, "-", "-", "-", f"{node_ratio:g}", "FAIL"))
            failed = True
            continue
        ratio = best[large] / best[small] if best[small] > 0 else float("inf")
        ok = ratio <= BOUND
        failed |= not ok
        rows.append((name, what, fmt(best[small]), fmt(best[large]), f"{ratio:.2f}",
                     f"{node_ratio:g}", "PASS" if ok else "FAIL"))

    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    left = {0, 1}
    for r in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(c.ljust(w) if i in left else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    for note in notes:
        print(note)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
