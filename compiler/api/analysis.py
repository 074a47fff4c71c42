"""The analysis verbs of the application layer (:mod:`compiler.api`): graph, simulate,
explain and report, with their requests and results.

Phase: api.  Kept apart so that ``xfc check`` and ``xfc compile`` do not build these
classes (each frozen dataclass costs about a millisecond to create on Python 3.11:
docs/performance.md); :mod:`compiler.api` exposes every name here as its own.

Codes: none of its own; a result carries the diagnostics of the phases that ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..pipeline import Compilation, Options
from . import CompileRequest, compile, front_end, guarded  # noqa: A004 - the verb's name


# ------------------------------------------------------------------ graph, simulate, explain


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphRequest:
    path: str
    options: Options = field(default_factory=Options)
    format: str = "dot"  # dot | mermaid | json


@dataclass(frozen=True, slots=True)
class GraphResult:
    unit: Compilation
    text: str | None = None  # dot, mermaid: the rendering (None when the input has errors)
    data: dict[str, Any] | None = None  # json: the graph as data

    @property
    def ok(self) -> bool:
        return self.unit.ok and self.unit.plan is not None


def graph(req: GraphRequest) -> GraphResult:
    """The dependency graph of a clean descriptor, rendered or as data."""
    from ..graph.render import render, to_json

    unit = front_end(req.path, req.options)
    if not unit.ok or unit.plan is None:
        return GraphResult(unit)
    if req.format == "json":
        return GraphResult(unit, data=guarded(lambda: to_json(unit), unit.path))
    return GraphResult(unit, text=guarded(lambda: render(unit, req.format), unit.path))


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulateRequest:
    path: str
    node: str  # the node template that fails
    options: Options = field(default_factory=Options)
    instance: bool = False  # one instance of ``node`` fails, not every one


@dataclass(frozen=True, slots=True)
class SimulateResult:
    unit: Compilation
    simulation: Any = None  # compiler.graph.simulate.Simulation; None: errors or no such node
    nodes: tuple[str, ...] = ()  # the node templates (to name them when ``node`` is none)

    @property
    def ok(self) -> bool:
        return self.unit.ok and self.simulation is not None

    @property
    def unknown_node(self) -> bool:
        return self.unit.ok and self.unit.plan is not None and self.simulation is None

    def as_json(self) -> dict[str, Any]:
        from ..graph.simulate import to_json

        return to_json(self.simulation)

    def as_text(self) -> str:
        from ..graph.simulate import render_text

        return render_text(self.simulation)


def simulate(req: SimulateRequest) -> SimulateResult:
    """Play the FailurePolicy out for the failure of ``req.node``."""
    from ..graph.simulate import simulate as _simulate

    unit = front_end(req.path, req.options)
    if not unit.ok or unit.plan is None or unit.topology is None:
        return SimulateResult(unit)
    nodes = tuple(unit.topology.nodes)
    if req.node not in unit.topology.nodes:
        return SimulateResult(unit, None, nodes)
    sim = guarded(lambda: _simulate(unit, req.node, instance=req.instance), unit.path)
    return SimulateResult(unit, sim, nodes)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExplainRequest:
    path: str
    wiring: str  # its policy name, or <source>.<requirement>
    options: Options = field(default_factory=Options)


@dataclass(frozen=True, slots=True)
class ExplainResult:
    unit: Compilation
    text: str | None = None  # None: errors, or no such wiring
    wirings: tuple[str, ...] = ()  # the topology's wirings (to name them when none matched)

    @property
    def ok(self) -> bool:
        return self.unit.ok and self.text is not None


def explain(req: ExplainRequest) -> ExplainResult:
    """How each target realises every step of one wiring's ladder.  A chosen third-party
    target that cannot be loaded raises :class:`PluginError`."""
    from ..emitters.policies.common import build_context
    from ..emitters.policies.explain import explain as _explain

    unit = front_end(req.path, req.options)
    if not unit.ok:
        return ExplainResult(unit)

    def run() -> ExplainResult:
        ctx = build_context(unit)
        if ctx is None:
            return ExplainResult(unit)
        text = _explain(ctx, req.wiring)  # PluginError (an XfcError) passes the guard
        return ExplainResult(unit, text, tuple(sorted({*ctx.plan.wirings,
                                                      *ctx.xmodel.unit_wirings})))

    return guarded(run, unit.path)


# ------------------------------------------------------------------ report


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportRequest:
    path: str
    options: Options = field(default_factory=Options)
    title: str | None = None


@dataclass(frozen=True, slots=True)
class ReportResult:
    unit: Compilation
    html: str = field(repr=False, default="")

    @property
    def ok(self) -> bool:
        return self.unit.ok


def report(req: ReportRequest) -> ReportResult:
    """Compile in memory and render the HTML page for people (errors included)."""
    from ..report import render_report

    unit = compile(CompileRequest(path=req.path, options=req.options)).unit
    html = guarded(lambda: render_report(unit, title=req.title), unit.path)
    return ReportResult(unit, html)
