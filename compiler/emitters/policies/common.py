"""Shared helpers of the failure-policy back end: names, durations, step arguments.

Phase: emit (support).  Input: the plan's :class:`ResolvedWiring` / :class:`ResolvedStep`
objects and the :class:`Compilation`.  Output: plain values (DNS-1123 names, Go-style
duration strings, whole seconds, a flat view of the typed step arguments the graph built,
with each step's time budget) and the :class:`Context`
every target module reads (with the workloads the Kubernetes back end makes, and the
names of the FailurePolicy's scopes).  Emits no diagnostics itself.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

from ..naming import service_name
from ... import defaults, durations
from ...diagnostics import NO_SPAN, Span
from ...model.ir import Analysed
from ...target_api import Context, Realisation  # the target plugins' types, defined with them
from ...model.xfactor import (NotifyArgs, Plan, ReconnectArgs, ReinstantiateArgs, ResolvedStep,
                              ResolvedWiring, XModel)

ACTIONS = ("reconnect", "notify", "shutdown_chain", "reinstantiate")
ORDERED_ACTIONS = ("reinstantiate", "shutdown_chain")  # steps that carry the two orders

# The time budgets of steps that give no timeout (docs/policies.md), from the one table;
# the §3.1 argument defaults were filled in by the graph (compiler.model.xfactor).
DEFAULT_NOTIFY_BUDGET = defaults.NOTIFY_BUDGET
DEFAULT_REINSTANTIATE_BUDGET = defaults.REINSTANTIATE_BUDGET
DEFAULT_SHUTDOWN_BUDGET = defaults.SHUTDOWN_BUDGET
DETECTION_WINDOW = defaults.DETECTION_WINDOW  # how long the target must look broken before step 1 fires

# Input names read from Options.inputs (or the topology's inputs) by this back end.
INPUT_VNF_INSTANCE_ID = "vnf_instance_id"
INPUT_HELM_CHART = "helm_chart"




@functools.lru_cache(maxsize=4096)  # bounded, thread-safe: a name recurs once per step and target
def camel(name: str) -> str:
    """``smf_to_upf`` -> ``SmfToUpf`` (alert names)."""
    parts = re.split(r"[^A-Za-z0-9]+", str(name))
    return "".join(p[:1].upper() + p[1:] for p in parts if p) or "Wiring"


# 90 -> "1m30s", 0.5 -> "500ms"; kept per value (bounded): every alert and realisation
# writes one of the ladders' few durations
go_duration = functools.lru_cache(maxsize=1024)(durations.go)
whole_seconds = durations.whole_seconds  # ONAP and OSM take whole seconds, at least 1


@dataclass(frozen=True, slots=True, kw_only=True)
class StepArgs:
    """One step's typed arguments (:mod:`compiler.model.xfactor`) seen flat, with the two
    orders and the time budget, so target modules can share code across actions.  Fields
    an action does not take are None (or empty)."""

    action: str
    attempts: int | None = None
    backoff: float | None = None
    timeout: float | None = None
    via: str | None = None
    path: str | None = None
    port: int | None = None
    signal: str | None = None
    chain: str | None = None
    scope: tuple[str, ...] = ()
    shutdown_order: tuple[str, ...] = ()
    startup_order: tuple[str, ...] = ()
    budget: float = 0.0  # seconds the step may take before the ladder escalates


# step -> its view, by identity first: hashing a step hashes its scope and orders (60 names
# each in a long chain), and the targets ask for the same step objects over and over.  An
# entry holds its step, so the id cannot be reused while the entry lives; bounded (cleared
# when full: the targets walk every step in turn, so the bound must pass a dense service's
# 5,310 steps, or each walk would find none); a race between threads computes a view
# twice, never a wrong one.
_BY_ID: dict[int, tuple[ResolvedStep, "StepArgs"]] = {}
_BY_ID_MAX = 1 << 16


def step_args(step: ResolvedStep) -> StepArgs:
    """The flat view of ``step``: its arguments were typed and defaulted by the graph.
    Kept by identity, then by content: the targets ask for the same step's view many
    times (138,000 times on the dense benchmark)."""
    hit = _BY_ID.get(id(step))
    if hit is not None and hit[0] is step:
        return hit[1]
    view = _step_args(step)
    if len(_BY_ID) >= _BY_ID_MAX:
        _BY_ID.clear()
    _BY_ID[id(step)] = (step, view)
    return view


@functools.lru_cache(maxsize=1 << 16)  # bounded, thread-safe; both sides are frozen IR values
def _step_args(step: ResolvedStep) -> StepArgs:
    a = step.args
    if isinstance(a, ReconnectArgs):
        budget = a.attempts * a.backoff
    elif isinstance(a, NotifyArgs):
        budget = DEFAULT_NOTIFY_BUDGET
    elif isinstance(a, ReinstantiateArgs):
        budget = DEFAULT_REINSTANTIATE_BUDGET
    else:
        budget = DEFAULT_SHUTDOWN_BUDGET
    timeout = getattr(a, "timeout", None)  # shutdown_chain takes no timeout (spec §3.1)
    kw: dict[str, Any] = {f.name: getattr(a, f.name) for f in fields(a)}
    ordered = step.action in ORDERED_ACTIONS
    return StepArgs(action=step.action, **kw,
                    shutdown_order=step.shutdown_order if ordered else (),
                    startup_order=step.startup_order if ordered else (),
                    budget=budget if timeout is None else timeout)


def step_budget(args: StepArgs) -> float:
    """How long a step may take before the ladder escalates (docs/policies.md): its
    ``timeout``, else the default budget of its action."""
    return args.budget


def step_span(step: ResolvedStep, rw: ResolvedWiring) -> Span:
    """Where a diagnostic about a step points: the step, else its wiring (defaults)."""
    if step.span is not None and step.span != NO_SPAN:
        return step.span
    return rw.wiring.span


def build_context(unit: Analysed) -> Context | None:
    """The context for one compilation, or None when there is no plan to emit from."""
    plan, xmodel, topo = unit.plan, unit.xmodel, unit.topology
    if plan is None or xmodel is None or topo is None:
        return None
    opts = unit.options
    inputs: dict[str, Any] = {}
    for name, param in (getattr(topo, "inputs", None) or {}).items():
        value = getattr(param, "value", None)
        # an input with no value stays a get_input RuntimeRef: treat it as not given
        if isinstance(value, (str, int, float, bool)):
            inputs[name] = value
    for name, value in (opts.inputs or {}).items():
        if isinstance(value, (str, int, float, bool)):
            inputs[name] = value
    # --param values are for the back ends only and win over inputs of the same name
    for name, value in (opts.params or {}).items():
        if isinstance(value, (str, int, float, bool)):
            inputs[name] = value
    chains = []
    for name in sorted(xmodel.chains):
        chain = xmodel.chains[name]
        chains.append((name, bool(chain.fragile), tuple(plan.chains.get(name, chain.members))))
    meta = getattr(topo, "metadata", None) or {}
    version = meta.get("template_version") if isinstance(meta, Mapping) else None
    from ...ns.namespaces import placement

    place = placement(topo, xmodel, opts)
    ctx = Context(
        service=service_name(topo, unit.path),
        # the service's own namespace: --namespace, or per-vnf's (compiler.ns.namespaces)
        namespace=place.namespace,
        node_namespaces=dict(place.templates),
        plan=plan,
        xmodel=xmodel,
        wirings=tuple(plan.wirings[k] for k in sorted(plan.wirings)),
        chains=tuple(chains),
        targets=tuple(opts.targets or ("kubernetes",)),
        inputs=inputs,
        flavour=getattr(topo, "flavour", None),
        version=str(version) if isinstance(version, (str, int, float)) else "1.0",
        description=str(getattr(topo, "description", "") or ""),
        source_file=str(getattr(topo, "file", "") or unit.path),
        topology=topo,
    )
    from .failurepolicy import Scopes  # (they import this module)
    from .workloads import table

    scopes = Scopes.of(ctx)
    return replace(ctx, workloads=table(unit, ctx.stateful), scope_names=scopes.by_members,
                   propagate_scopes={rw.wiring.name: scopes.propagate(rw) for rw in ctx.wirings})
