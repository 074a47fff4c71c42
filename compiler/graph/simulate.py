"""Failure simulation: what the orchestrator does, step by step, when one node fails.

Phase: after the front end (read-only on the plan).  Input: a clean
:class:`compiler.pipeline.Compilation` and the name of the node that fails.  Output: a
:class:`Simulation` — a numbered list of events and the final state of every node —
rendered as text (:func:`render_text`) or JSON (:func:`to_json`).  Codes: none.

The model (docs/xfactor.md, "Simulation"):

* The node fails entirely: no instance of it answers (``instance=True`` instead fails
  one instance, so ``reconnect`` succeeds when the target may run more than one).
* Every wiring whose **target** is the failed node breaks; they are handled in source
  order.  Wirings whose source is the failed node go down with it (no ladder runs);
  workloads that depend on it through requirements or backing services are listed
  as affected (no failure policy covers them; connection points, links and storage
  are not listed).
* When a wiring breaks, its failure context goes to its resolved ``propagate`` targets.
* Each wiring's resolved ladder then runs (§3.2): a step that does not restore the
  wiring escalates to the next; the last step is terminal.
  ``reconnect`` restores when the target is running again (re-instantiated by an
  earlier step) or, in instance mode, when it has another instance; ``notify`` tells
  the source and does not restore; ``reinstantiate`` stops its scope in
  ``shutdown_order`` and starts it in ``startup_order`` and restores when the target
  was in the scope; ``shutdown_chain`` stops the chain in ``shutdown_order`` (terminal).
* A wiring whose source has already been stopped by an earlier step is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..durations import format_step
from ..model.xfactor import ResolvedStep, ResolvedWiring
from ..normalize import max_replicas


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    seq: int
    kind: str  # fail | break | lost | affected | step | skip
    text: str
    wiring: str | None = None
    node: str | None = None
    step: int | None = None  # 1-based index in the ladder
    action: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None  # restored | escalate | terminal
    stop: tuple[str, ...] = ()
    start: tuple[str, ...] = ()
    context_to: tuple[str, ...] = ()  # who receives the failure context

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"seq": self.seq, "kind": self.kind, "text": self.text}
        for name in ("wiring", "node", "step", "action", "outcome"):
            v = getattr(self, name)
            if v is not None:
                out[name] = v
        if self.args:
            out["args"] = {k: list(v) if isinstance(v, tuple) else v for k, v in self.args.items()}
        for name in ("stop", "start", "context_to"):
            v = getattr(self, name)
            if v:
                out[name] = list(v)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Simulation:
    failed: str
    instance: bool
    events: tuple[Event, ...]
    outcomes: dict[str, str]  # wiring -> restored | notified | chain-down | unrestored | skipped
    state: dict[str, str]  # node -> running | failed | stopped (workloads and backing services)


def _fmt_args(step: ResolvedStep) -> str:
    values = step.args.as_dict()
    if not values:
        return step.action
    parts = []
    for k, v in values.items():
        if isinstance(v, tuple):
            parts.append(f"{k}=[{', '.join(v)}]")
        elif isinstance(v, float):
            parts.append(f"{k}={_dur(v)}")
        elif isinstance(v, str) and k == "path":
            parts.append(f'{k}="{v}"')
        else:
            parts.append(f"{k}={v}")
    return f"{step.action}({', '.join(parts)})"


def _dur(seconds: float) -> str:
    return format_step(seconds)  # the step language's spelling (compiler.durations)


class _Run:
    def __init__(self, unit: Any, failed: str, instance: bool) -> None:
        self.unit = unit
        self.plan = unit.plan
        self.failed = failed
        self.instance = instance
        self.events: list[Event] = []
        nodes = list(unit.xmodel.workloads) + list(unit.xmodel.backing)
        self.state = {n: "running" for n in nodes}
        self.state[failed] = "failed"
        self.outcomes: dict[str, str] = {}

    def emit(self, kind: str, text: str, **kw: Any) -> None:
        self.events.append(Event(seq=len(self.events) + 1, kind=kind, text=text, **kw))

    def run(self) -> Simulation:
        nodes, links = self.plan.nodes, self.plan.links
        self.emit("fail", f"{self.failed} fails" + (" (one instance)" if self.instance else ""),
                  node=self.failed)
        broken = [rw for rw in self.plan.wirings.values() if rw.wiring.target == self.failed]
        for rw in self.plan.wirings.values():
            if rw.wiring.source == self.failed:
                self.emit("lost", f"wiring {rw.wiring.name} ({rw.wiring.source} -> "
                                  f"{rw.wiring.target}) goes down with its source; no ladder runs",
                          wiring=rw.wiring.name)
        wired = {rw.wiring.source for rw in broken}
        if self.failed in nodes:
            # the failed node's dependents (its predecessors in the graph), in source order
            others = sorted((s for s, t in links if t == self.failed and s not in wired
                             and s in nodes and nodes[s].kind in ("workload", "backing")),
                            key=lambda n: nodes[n].index)
            for s in others:
                kinds = sorted({e.kind for e in links[s, self.failed]})
                self.emit("affected", f"{s} depends on {self.failed} ({', '.join(kinds)}); no "
                                      "failure policy covers it", node=s)
        for rw in broken:
            self.wiring(rw)
        return Simulation(failed=self.failed, instance=self.instance, events=tuple(self.events),
                          outcomes=self.outcomes, state=dict(self.state))

    def wiring(self, rw: ResolvedWiring) -> None:
        w = rw.wiring
        name = w.name
        if self.state.get(w.source) == "stopped":
            self.emit("skip", f"wiring {name} ({w.source} -> {w.target}): {w.source} is already "
                              "stopped; nothing to do", wiring=name)
            self.outcomes[name] = "skipped"
            return
        ctx = rw.propagate_to
        self.emit("break", f"wiring {name} ({w.source} -> {w.target}, stickiness {w.stickiness}) "
                           "breaks" + (f"; failure context to {', '.join(ctx)}" if ctx else ""),
                  wiring=name, context_to=ctx)
        total = len(rw.steps)
        for i, step in enumerate(rw.steps, 1):
            last = i == total
            head = f"{name} step {i}/{total}: {_fmt_args(step)}"
            kw: dict[str, Any] = dict(wiring=name, step=i, action=step.action, args=step.args.as_dict())
            if step.action == "reconnect":
                if self.state.get(w.target) == "running":
                    self.emit("step", f"{head}: {w.source} reconnects to the new instance of "
                                      f"{w.target}; wiring restored", outcome="restored", **kw)
                    self.outcomes[name] = "restored"
                    return
                most = max_replicas(self.unit.topology.nodes[w.target]) \
                    if w.target in self.unit.topology.nodes else None
                if self.instance and (most is None or most > 1):
                    self.emit("step", f"{head}: {w.source} reconnects to another instance of "
                                      f"{w.target}; wiring restored", outcome="restored", **kw)
                    self.outcomes[name] = "restored"
                    return
                why = "no instance answers" if not self.instance else "it has no other instance"
                self.emit("step", f"{head}: {why}; {step.args.attempts} attempts fail"
                          + ("" if last else " -> escalate"),
                          outcome="terminal" if last else "escalate", **kw)
                if last:
                    self.outcomes[name] = "unrestored"
            elif step.action == "notify":
                a = step.args
                how = {"http": f"HTTP POST :{a.port}{a.path or ''}",
                       "signal": f"signal {a.signal}"}.get(a.via, "an event")
                self.emit("step", f"{head}: {w.source} is told by {how} that its wiring failed"
                          + ("" if last else " -> escalate"),
                          outcome="terminal" if last else "escalate",
                          context_to=(w.source,), **kw)
                if last:
                    self.outcomes[name] = "notified"
            elif step.action == "reinstantiate":
                for n in step.shutdown_order:
                    if n in self.state:
                        self.state[n] = "stopped"
                for n in step.startup_order:
                    if n in self.state:
                        self.state[n] = "running"
                restored = w.target in step.startup_order
                tail = "wiring restored" if restored else \
                    f"{w.target} is outside the scope; wiring not restored" + ("" if last else " -> escalate")
                self.emit("step", f"{head}: stop {', '.join(step.shutdown_order) or '-'}; start "
                                  f"{', '.join(step.startup_order) or '-'}; {tail}",
                          outcome="restored" if restored else ("terminal" if last else "escalate"),
                          stop=step.shutdown_order, start=step.startup_order, **kw)
                if restored:
                    self.outcomes[name] = "restored"
                    return
                if last:
                    self.outcomes[name] = "unrestored"
            elif step.action == "shutdown_chain":
                for n in step.shutdown_order:
                    if n in self.state:
                        self.state[n] = "stopped"
                chain = step.args.chain or "?"
                self.emit("step", f"{head}: stop chain {chain}: {', '.join(step.shutdown_order)}; "
                                  "terminal", outcome="terminal", stop=step.shutdown_order, **kw)
                self.outcomes[name] = "chain-down"
                return


def simulate(unit: Any, failed: str, *, instance: bool = False) -> Simulation:
    """Simulate the failure of node ``failed`` (which must be a template of the unit)."""
    return _Run(unit, failed, instance).run()


def render_text(sim: Simulation) -> str:
    lines = [f"simulate: {sim.failed} fails" + (" (one instance)" if sim.instance else "")]
    width = len(str(len(sim.events)))
    for e in sim.events:
        lines.append(f"{e.seq:>{width}}. {e.text}")
    lines.append("outcome:")
    if not sim.outcomes:
        lines.append("  no wiring targets " + sim.failed)
    for name, outcome in sim.outcomes.items():
        lines.append(f"  {name}: {outcome}")
    lines.append("final state:")
    for st in ("failed", "stopped", "running"):
        names = [n for n, s in sim.state.items() if s == st]
        if st == "running":
            started = [n for e in sim.events for n in e.start]
            names = [n for n in dict.fromkeys(started) if sim.state.get(n) == "running"]
            st = "restarted"
        lines.append(f"  {st}: {', '.join(names) if names else '-'}")
    return "\n".join(lines) + "\n"


def to_json(sim: Simulation) -> dict[str, Any]:
    return {
        "failed": sim.failed,
        "instance": sim.instance,
        "events": [e.to_json() for e in sim.events],
        "outcomes": dict(sim.outcomes),
        "state": dict(sim.state),
    }


__all__ = ["Event", "Simulation", "render_text", "simulate", "to_json"]
