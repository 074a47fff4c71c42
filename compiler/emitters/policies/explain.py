"""``xfc explain``'s text: how each step of one wiring's ladder is realised per target.

Phase: emit (read-only view).  Input: the :class:`Context` and a wiring name.
Output: plain-words text, one block per step: what the step means (spec §3.2) with its
resolved arguments and orders, then, for every built-in target (Kubernetes, Tacker,
ONAP, OSM: :mod:`.targets`) and any chosen third-party one, how it is realised there and
what is lost.  The same :class:`Realisation`
objects drive the emitter's ``unsupported`` warnings, so the explanation
and the warnings cannot disagree.  Emits no diagnostics.
"""

from __future__ import annotations

from ... import plugins
from ...model.xfactor import ResolvedWiring
from ...target_api import Context
from .common import go_duration, step_args, step_budget


def explained_targets(ctx: Context) -> list[plugins.Target]:
    """Every built-in target (in table order) and any chosen third-party one.
    Raises :class:`compiler.plugins.PluginError` for a chosen one that cannot be loaded."""
    names = list(plugins.BUILTIN_TARGETS)
    names += sorted(t for t in dict.fromkeys(ctx.targets) if t not in names)
    return [plugins.target(n) for n in names]


def describe_step(rw: ResolvedWiring, index: int) -> str:
    """What a step does, in plain words, with every argument resolved."""
    step = rw.steps[index]
    a = step_args(step)
    w = rw.wiring
    if a.action == "reconnect":
        assert a.backoff is not None  # a reconnect's arguments are filled in (model.xfactor)
        text = (
            f"reconnect: {w.source} reconnects to another instance of {w.target}, up to "
            f"{a.attempts} attempts, {go_duration(a.backoff)} apart"
        )
    elif a.action == "notify":
        assert a.via is not None  # a notify step's channel is filled in (model.xfactor)
        who = ", ".join(rw.recipients)
        channel = {
            "http": f"an HTTP call to {a.path} on port {a.port}",
            "signal": f"the signal {a.signal}",
        }.get(a.via, "an event")
        text = f"notify: {who} learn(s) that the wiring failed, by {channel}"
    elif a.action == "reinstantiate":
        text = (
            f"reinstantiate: shut {', '.join(a.scope)} down in the order "
            f"{', '.join(a.shutdown_order)}, then start them in the order "
            f"{', '.join(a.startup_order)}"
        )
    else:
        text = (
            f"shutdown_chain: shut the whole chain {a.chain} down in the order "
            f"{', '.join(a.shutdown_order)}"
        )
    if a.action != "shutdown_chain":
        text += f"; escalates after {go_duration(step_budget(a))}"
    if index == len(rw.steps) - 1:
        text += " (terminal step)"
    return text


def _unit_parent(ctx: Context, wiring: str) -> str | None:
    """The NSD wiring (with a VNF node as an end) that ``wiring`` is one part of."""
    return next((n for n, parts in ctx.xmodel.unit_wirings.items() if wiring in parts), None)


def _unit_ends(ctx: Context, name: str) -> list[str]:
    """The VNF ends of NSD wiring ``name``, each with its workloads."""
    xm = ctx.xmodel
    parts = xm.unit_wirings[name]
    first = ctx.plan.wirings[parts[0]].wiring if parts and parts[0] in ctx.plan.wirings else None
    ends: list[str] = []
    if first is not None:
        for end in (xm.unit_of(first.source), xm.unit_of(first.target)):
            if end is not None and f"VNF {end}" not in ends:
                ends.append(f"VNF {end}")
    return ends


def _in_vnfs(ctx: Context, w: object) -> str:
    """Which VNF of a network service holds each end of wiring ``w`` ('' outside one)."""
    ends = []
    for end in (w.source, w.target):  # type: ignore[attr-defined]
        vnf = ctx.xmodel.unit_of(end)
        if vnf is not None:
            ends.append(f"{end} is in VNF {vnf}")
    return ", ".join(ends)


def _unit_line(ctx: Context, name: str) -> str:
    """How an NSD wiring over VNF units became wirings between their workloads."""
    xm = ctx.xmodel
    parts = xm.unit_wirings[name]
    first = ctx.plan.wirings[parts[0]].wiring if parts and parts[0] in ctx.plan.wirings else None
    ends = []
    if first is not None:
        for end in (xm.unit_of(first.source), xm.unit_of(first.target)):
            if end is not None and end not in ends:
                workloads = [m for m in xm.units[end] if m in xm.workloads]
                ends.append(f"VNF {end} ({', '.join(workloads)})")
    return (f"NS wiring {name} names {' and '.join(ends) or 'a VNF'}, whose workloads move "
            f"together: it is {len(parts)} wiring(s), one per pair of workloads: "
            + ", ".join(parts))


def explain(ctx: Context, wiring: str) -> str | None:
    """The explanation of one wiring, or None when the plan has no wiring of that name.
    An NSD wiring with a VNF node as an end (compiler/ns) is explained as the wirings it
    became, after a line naming the VNFs."""
    parts = ctx.xmodel.unit_wirings.get(wiring)
    if parts and wiring not in ctx.plan.wirings:
        texts = [explain(ctx, p) for p in parts if p in ctx.plan.wirings]
        return _unit_line(ctx, wiring) + "\n\n" + "\n".join(t for t in texts if t)
    rw = ctx.plan.wirings.get(wiring)
    if rw is None:
        return None
    w = rw.wiring
    parent = _unit_parent(ctx, wiring)
    lines = [
        f"wiring {w.name}: {w.source} -> {w.target}, stickiness {w.stickiness}, "
        + (f"chain {rw.chain}" if rw.chain else "in no chain"),
        *([f"  part of NS wiring {parent} (between {' and '.join(_unit_ends(ctx, parent))}; "
           f"xfc explain --wiring {parent} explains every part)"] if parent else
          [f"  in VNFs: {_in_vnfs(ctx, w)}"] if _in_vnfs(ctx, w) else []),
        f"  failure context goes to: {', '.join(rw.recipients)} (the source, and "
        f"propagate: {w.propagate}: {', '.join(rw.propagate_to) or 'nobody'})",
        f"  chosen targets: {', '.join(ctx.targets)}",
    ]
    targets = explained_targets(ctx)
    for i in range(len(rw.steps)):
        lines.append("")
        lines.append(f"step {i + 1}. {describe_step(rw, i)}")
        for target in targets:
            r = target.realise(ctx, rw, i)
            mark = "" if target.name in ctx.targets else " (not chosen)"
            lines.append(f"  {target.title}{mark}: {r.how}.")
            if r.lost:
                lines.append(f"    lost: {r.lost}.")
    return "\n".join(lines) + "\n"
