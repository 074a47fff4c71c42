"""Back ends see the IR and the options only (issue 11): compiler.pipeline.BackEndInput."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import compiler
from compiler import pipeline, plugins
from compiler.model import OutputFile

SAMPLE = str(Path(__file__).resolve().parents[2] / "samples" / "5g-core-slice" / "slice.yaml")


class _Spy:
    name = "spy"
    description = "records what a back end is given"

    def __init__(self) -> None:
        self.seen: list = []

    def emit(self, unit, diags):
        self.seen.append(unit)
        return [OutputFile(path="spy.txt", content=b"x\n", producer="spy")]


def test_an_emitter_gets_the_ir_without_the_syntax(monkeypatch):
    spy = _Spy()
    real = plugins.emitter
    monkeypatch.setattr(plugins, "emitter", lambda name: spy if name == "spy" else real(name))
    unit = compiler.compile(SAMPLE, emitters=("kubernetes", "spy"))
    assert unit.ok and [f.path for f in unit.outputs if f.producer == "spy"] == ["spy.txt"]
    (view,) = spy.seen
    assert isinstance(view, pipeline.BackEndInput)
    assert {f.name for f in dataclasses.fields(view)} == {"path", "options", "topology",
                                                          "xmodel", "plan"}
    # the syntax and the live type registry stay behind in the front end: the topology
    # holds neither (issue 25, item 3), the caller's compilation keeps the package
    assert not hasattr(view.topology, "package") and not hasattr(view.topology, "types")
    assert not hasattr(view, "package") and unit.package is not None
    assert view.topology is unit.topology and view.plan is unit.plan
