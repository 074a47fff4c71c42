"""Shared helpers of the bundle tests: compile a sample, bundle it, render with real tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

import compiler
from compiler.bundlers import BundleInput, Settings, k8s_objects
from compiler.output import write_outputs
from compiler.pipeline import Options
from compiler.plugins import bundlers

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "bundles"
SAMPLES = sorted(
    str(p.relative_to(REPO)) for p in [
        *(REPO / "samples").glob("*/*.yaml"),
        *(d for d in (REPO / "samples").iterdir() if (d / "TOSCA-Metadata").is_dir()),
    ]
)

#: the samples that are network services (an NSD with VNFs): their orchestrator packages
#: are several files (tests/unit/test_bundle_ns.py), not one
NS_SAMPLES = [s for s in SAMPLES if s.startswith("samples/5g-core-slice-ns/")]
VNF_SAMPLES = [s for s in SAMPLES if s not in NS_SAMPLES]


def compiled(path: str | Path, **opts: Any) -> compiler.Compilation:
    unit = compiler.compile(str(path), Options(**opts))
    assert unit.ok, unit.diagnostics.render_text()
    return unit


def bundle_input(unit: compiler.Compilation, settings: Settings | None = None) -> BundleInput:
    """What the application layer hands every bundler (with the variants, the inputs'
    wiring and the package's sources, whichever bundler a test calls)."""
    from compiler.api.bundle import bundle_input as make

    return make(unit, settings, {"variants", "wiring", "sources"})


def run_bundler(fmt: str, unit: compiler.Compilation, settings: Settings | None = None) -> list:
    """The files of the bundler ``fmt`` on ``unit`` (raises what the bundler raises)."""
    return bundlers()[fmt].package(bundle_input(unit, settings or Settings()))


def bundle(path: str | Path, fmt: str, out: Path, settings: Settings | None = None,
           **opts: Any) -> tuple[compiler.Compilation, list]:
    unit = compiled(path, **opts)
    files = run_bundler(fmt, unit, settings)
    write_outputs(files, out)
    return unit, files


def keyed(objs: list[dict]) -> dict[tuple[str, str, str], dict]:
    out = {}
    for o in objs:
        key = (o["apiVersion"], o["kind"], o["metadata"]["name"])
        assert key not in out, f"{key} rendered twice"
        out[key] = o
    return out


def rendered(text: str) -> dict[tuple[str, str, str], dict]:
    return keyed([d for d in yaml.safe_load_all(text) if d is not None])


def expected(unit: compiler.Compilation, *, operator: bool = True
             ) -> dict[tuple[str, str, str], dict]:
    """The compiled objects (``operator=False``: less those under ``operator/``)."""
    return keyed([o.body for o in k8s_objects(unit.outputs)
                  if operator or not o.path.startswith("operator/")])


def leaf_diff(a: Any, b: Any, path: str = "") -> list[str]:
    """Every field path where ``a`` and ``b`` differ (for readable failures)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(f"{path}.{k}")
            else:
                out += leaf_diff(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in leaf_diff(x, y, f"{path}[{i}]")]
    return [] if (type(a) is type(b) and a == b) else [path or "."]


def assert_same_objects(got: dict, want: dict) -> None:
    assert sorted(got) == sorted(want)
    problems = {k: leaf_diff(got[k], want[k]) for k in want}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, problems
