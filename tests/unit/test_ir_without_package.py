"""The IR is self-contained after resolve: no later phase reads the package.

A :class:`compiler.model.Topology` carries neither the package it was resolved from nor
the type registry (issue 25, item 3): the syntax stays with the loader, on the
compilation (``Compilation.package``).  Every sample (with every built-in orchestrator
target) and every input of the diagnostics suite is compiled twice: as it is, and with
the compilation's package dropped once resolve is done (but for a network service,
whose composer substitutes VNFDs from the package: compiler/ns).  Diagnostics (code,
message, hint, exact span) and every output byte must be the same, so normalize, the
graph, the checks and the back ends find what they need (positions of nested values,
the package's file names) on the IR itself (issue 11).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import compiler
from compiler import pipeline, plugins
from compiler.model import Topology
from compiler.ns import is_service
from compiler.pipeline import Options
from tests import test_diagnostics_suite as suite

REPO = Path(__file__).resolve().parents[2]


def _inputs() -> list[tuple[str, Path, Options]]:
    everything = dataclasses.replace(Options(), targets=tuple(plugins.BUILTIN_TARGETS))
    out = [(f"samples/{p.name}", p, everything)
           for p in sorted((REPO / "samples").iterdir()) if not p.name.startswith(".")]
    # the TOSCA 2.0 twin of the 5G slice, in a subfolder (tests/unit/test_tosca2_sample.py)
    twin = REPO / "samples" / "5g-core-slice" / "tosca-2.0" / "slice.yaml"
    out.append(("samples/5g-core-slice/tosca-2.0/slice.yaml", twin, everything))
    for code, case in suite.FAIL + suite.PASS:
        out.append((f"diagnostics/{code}/{case.name}", suite._input(case), suite._options(case)))
    return out


INPUTS = _inputs()


def _observed(result) -> tuple[list, list]:
    diags = [(d.code, d.message, d.hint, d.span.file, d.span.line, d.span.column,
              d.span.end_line, d.span.end_column) for d in result.diagnostics]
    return diags, [(o.path, o.content) for o in result.outputs]


def test_there_are_inputs_with_profile_features() -> None:
    # the comparison below means something only if inputs reach normalize and the back ends
    assert len([i for i in INPUTS if i[0].startswith("samples/")]) >= 3
    assert any(i[0].startswith("diagnostics/xf-step-syntax/") for i in INPUTS)


def test_the_topology_holds_no_syntax() -> None:
    names = {f.name for f in dataclasses.fields(Topology)}
    assert "package" not in names and "types" not in names
    annotations = " ".join(str(f.type) for f in dataclasses.fields(Topology))
    assert "Package" not in annotations and "TypeRegistry" not in annotations


@pytest.mark.parametrize("name,path,options", INPUTS, ids=[i[0] for i in INPUTS])
def test_compiles_the_same_without_the_package(name, path, options, monkeypatch) -> None:
    with_package = compiler.compile(str(path), options)
    middle_end = pipeline.middle_end
    dropped: list[bool] = []

    def drop_package_then_middle_end(unit):
        if not is_service(unit.topology, unit.options):  # the NS composer reads VNFDs there
            unit.package = None
            dropped.append(True)
        return middle_end(unit)

    monkeypatch.setattr(pipeline, "middle_end", drop_package_then_middle_end)
    without = compiler.compile(str(path), options)
    assert _observed(without) == _observed(with_package)
    if with_package.xmodel is not None and not is_service(with_package.topology, options):
        assert dropped and without.package is None
