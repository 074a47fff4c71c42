"""Failure simulation: what the executor of the FailurePolicy does when one node fails.

Phase: after the front end (read-only on the plan).  Input: a clean
:class:`compiler.pipeline.Compilation` and the name of the node that fails.  Output: a
:class:`Simulation` — a timed list of events, the scaling actions and notifications in
the order the executor performs them, each wiring's final phase, and the final state of
every node — rendered as text (:func:`render_text`) or JSON (:func:`to_json`).  Codes:
none.

It plays the ``xfactor.io/v1alpha2`` FailurePolicy the ``policies`` back end writes for
the same input (the same wirings, steps, scopes and workloads: it reads the back end's
:class:`compiler.emitters.policies.common.Context`) as spec §6 says ``xfc operator`` acts
on it, so the two agree ("Agreement"); docs/policies.md, "What the executor does", is the
model in full:

* Time starts when NODE fails.  Every instance fails, or with ``instance=True`` one: a
  target whose compiled replicas leave another Ready Pod never counts as failed.
* A wiring whose **target** failed counts as failed after its ``detect_after``; it then
  runs its steps in order (wirings in the order of ``spec.wirings``, by name; events at the
  same time in that order too).  Wirings whose **source** failed go down with it (the
  executor watches targets only); workloads that depend on NODE otherwise are listed as
  affected.
* ``reconnect`` waits ``timeout`` (else ``attempts`` x ``backoff``) for a Ready Pod of
  the target; ``notify`` sends the failure context to the source and every propagate
  node (an Event on its workload; an HTTP POST or a signal to each of its Ready Pods, so a
  node with none is not reached), then waits ``timeout``; ``reinstantiate`` scales its
  scope's workloads to 0 in shutdown order and back to their compiled replicas in startup
  order (the simulation takes no time for it), then the wiring has recovered when its
  target was in the scope, else it escalates at once; ``shutdown_chain`` scales its scope
  to 0 in shutdown order and is terminal: the chain stays down.
* A wiring recovers (phase ``Recovered``) as soon as its target is running again, also
  when another wiring's ``reinstantiate`` started it during a wait; a wiring whose target
  a ``shutdown_chain`` stopped is not acted on any further (phase ``ShutDown``); a ladder
  whose last step ends without recovery leaves the wiring ``Failing``.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..durations import format_step, go
from ..model.ir import Analysed, BackEndInput, complete
from ..model.xfactor import ResolvedStep

if TYPE_CHECKING:  # imported by simulate() when it runs
    from ..target_api import Context

PHASES = ("Healthy", "Failing", "Recovered", "ShutDown", "Error")


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    seq: int
    t: float  # seconds since the failure
    kind: str  # fail | lost | affected | healthy | detect | step | held | end
    text: str
    wiring: str | None = None
    node: str | None = None
    step: int | None = None  # 1-based index in the ladder
    action: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None  # recovered | escalate | terminal (a step's)
    scope: str | None = None  # the FailurePolicy scope a step acts on
    scale_down: tuple[str, ...] = ()  # nodes scaled to 0, in that order
    scale_up: tuple[str, ...] = ()  # nodes scaled back to their compiled replicas
    recipients: tuple[str, ...] = ()  # who a notify step sends the failure context to
    via: str | None = None
    undelivered: tuple[str, ...] = ()  # recipients a notify could not reach

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"seq": self.seq, "t": go(self.t), "kind": self.kind,
                               "text": self.text}
        for name in ("wiring", "node", "step", "action", "outcome", "scope", "via"):
            v = getattr(self, name)
            if v is not None:
                out[name] = v
        if self.args:
            out["args"] = {k: list(v) if isinstance(v, tuple) else v for k, v in self.args.items()}
        for name in ("scale_down", "scale_up", "recipients", "undelivered"):
            v = getattr(self, name)
            if v:
                out[name] = list(v)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Simulation:
    failed: str
    instance: bool
    policy: str  # the FailurePolicy's name
    events: tuple[Event, ...]
    phases: dict[str, str]  # wiring whose target failed -> its last phase (spec §6)
    scaling: tuple[dict[str, Any], ...]  # every scale action, in order
    notifications: tuple[dict[str, Any], ...]  # every notification sent, in order
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
            parts.append(f"{k}={format_step(v)}")
        elif isinstance(v, str) and k == "path":
            parts.append(f'{k}="{v}"')
        else:
            parts.append(f"{k}={v}")
    return f"{step.action}({', '.join(parts)})"


class _Ladder:
    __slots__ = ("rw", "index", "phase", "waiting", "token")

    def __init__(self, rw: Any) -> None:
        self.rw = rw
        self.index = 0  # the step acting or next
        self.phase = "Healthy"
        self.waiting = False
        self.token = 0  # bumped when a pending wait is cancelled


class _Run:
    def __init__(self, unit: BackEndInput, ctx: Context, failed: str, instance: bool) -> None:
        self.unit = unit
        self.ctx = ctx
        self.plan = unit.plan
        self.failed = failed
        self.instance = instance
        self.events: list[Event] = []
        self.scaling: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        nodes = list(unit.xmodel.workloads) + list(unit.xmodel.backing)
        self.state = {n: "running" for n in nodes}
        # a VNF node of a network service fails as a unit: all of its workloads (spec §2.6)
        self.down = unit_members(unit, failed)
        for m in self.down:
            self.state[m] = "failed"
        self.ladders: dict[str, _Ladder] = {}
        self.queue: list[tuple[float, int, int, str, str, int]] = []
        self.order = {rw.wiring.name: i for i, rw in enumerate(ctx.wirings)}
        self.now = 0.0
        self.shut_by: dict[str, tuple[str, str]] = {}  # node -> (wiring, scope) that stopped it

    # -- helpers -------------------------------------------------------------
    def emit(self, kind: str, text: str, **kw: Any) -> None:
        self.events.append(Event(seq=len(self.events) + 1, t=self.now, kind=kind, text=text, **kw))

    def at(self, t: float, what: str, wiring: str, token: int = 0) -> None:
        heapq.heappush(self.queue, (t, 0 if what == "detect" else 1, self.order[wiring],
                                    what, wiring, token))

    def workload(self, node: str) -> Any:
        return self.ctx.workloads.get(node)

    def replicas(self, node: str) -> int | None:
        w = self.workload(node)
        return None if w is None else w.replicas

    def scale(self, wiring: str, step: int, node: str, replicas: int) -> None:
        w = self.workload(node)
        self.scaling.append({"wiring": wiring, "step": step, "node": node, "kind": w.kind,
                             "object": w.object, "replicas": replicas})

    # -- the run -------------------------------------------------------------
    def run(self) -> Simulation:
        nodes, links = self.plan.nodes, self.plan.links
        self.emit("fail", f"{self.failed} fails" + (" (one instance)" if self.instance else ""),
                  node=self.failed)
        if self.down != (self.failed,):
            self.emit("fail", f"{self.failed} is a VNF: its workloads {', '.join(self.down)} "
                              "fail with it", node=self.failed)
        down = set(self.down)
        for rw in self.ctx.wirings:
            if rw.wiring.source in down:
                self.emit("lost", f"wiring {rw.wiring.name} ({rw.wiring.source} -> "
                                  f"{rw.wiring.target}) goes down with its source; no ladder runs",
                          wiring=rw.wiring.name)
        broken = [rw for rw in self.ctx.wirings if rw.wiring.target in down
                  and rw.wiring.source not in down]
        wired = {rw.wiring.source for rw in broken}
        for failed in self.down:
            if failed not in nodes:
                continue
            # the failed node's dependents (its predecessors in the graph), in source order
            others = sorted((s for s, t in links if t == failed and s not in wired
                             and s not in down and s in nodes
                             and nodes[s].kind in ("workload", "backing")),
                            key=lambda n: nodes[n].index)
            for s in others:
                kinds = sorted({e.kind for e in links[s, failed]})
                self.emit("affected", f"{s} depends on {failed} ({', '.join(kinds)}); no "
                                      "failure policy covers it", node=s)
        replicas = self.replicas(self.failed)
        if self.instance and replicas is not None and replicas > 1 and len(self.down) == 1:
            self.state[self.failed] = "running"
            for rw in broken:
                self.ladders[rw.wiring.name] = _Ladder(rw)
                self.emit("healthy", f"wiring {rw.wiring.name} ({rw.wiring.source} -> "
                                     f"{rw.wiring.target}): {self.failed} keeps {replicas - 1} "
                                     f"Ready Pod(s) of {replicas}; {rw.wiring.source} reconnects "
                                     "to another instance and no ladder runs",
                          wiring=rw.wiring.name)
        else:
            for rw in broken:
                self.ladders[rw.wiring.name] = _Ladder(rw)
                self.at(rw.wiring.detect_after, "detect", rw.wiring.name)
        while self.queue:
            t, _, _, what, name, token = heapq.heappop(self.queue)
            self.now = t
            ladder = self.ladders[name]
            if what == "detect":
                self.detect(ladder)
            elif what == "end" and ladder.waiting and ladder.token == token:
                self.wait_ends(ladder)
        return Simulation(failed=self.failed, instance=self.instance, policy=self.ctx.service,
                          events=tuple(self.events),
                          phases={n: lad.phase for n, lad in self.ladders.items()},
                          scaling=tuple(self.scaling), notifications=tuple(self.notifications),
                          state=dict(self.state))

    def detect(self, ladder: _Ladder) -> None:
        w = ladder.rw.wiring
        if self.held(ladder):
            return
        if self.state.get(w.target) == "running":
            self.emit("healthy", f"wiring {w.name}: {w.target} is Ready again before "
                                 f"{go(w.detect_after)}; no ladder runs", wiring=w.name)
            return
        ladder.phase = "Failing"
        self.emit("detect", f"wiring {w.name} ({w.source} -> {w.target}, stickiness "
                            f"{w.stickiness}) fails: {w.target} has had no Ready Pod for "
                            f"{go(w.detect_after)}; phase Failing", wiring=w.name)
        self.step(ladder)

    def held(self, ladder: _Ladder) -> bool:
        """A wiring whose target a shutdown_chain stopped is not acted on (ShutDown)."""
        w = ladder.rw.wiring
        if w.target not in self.shut_by:
            return False
        by, scope = self.shut_by[w.target]
        ladder.phase, ladder.waiting = "ShutDown", False
        self.emit("held", f"wiring {w.name}: {w.target} was shut down with scope {scope} by "
                          f"wiring {by}; the chain stays down, nothing more is done; phase "
                          "ShutDown", wiring=w.name)
        return True

    def step(self, ladder: _Ladder) -> None:
        """Run the ladder's steps from ``ladder.index`` until one waits or the ladder
        ends (a loop, not recursion: a ladder may be long)."""
        while self._step(ladder):
            ladder.index += 1

    def _step(self, ladder: _Ladder) -> bool:
        """Run step ``ladder.index``; True when the next step runs at once."""
        rw, i = ladder.rw, ladder.index
        w, step = rw.wiring, rw.steps[i]
        total = len(rw.steps)
        last = i == total - 1
        head = f"{w.name} step {i + 1}/{total}: {_fmt_args(step)}"
        kw: dict[str, Any] = dict(wiring=w.name, step=i + 1, action=step.action,
                                  args=step.args.as_dict())
        from ..emitters.policies.common import step_args

        a = step_args(step)
        if step.action == "reconnect":
            assert a.attempts is not None and a.backoff is not None  # filled in (model.xfactor)
            wait = a.timeout if a.timeout is not None else a.attempts * a.backoff
            self.emit("step", f"{head}: wait up to {go(wait)} for a Ready Pod of {w.target}", **kw)
            self.wait(ladder, wait)
            return False
        elif step.action == "notify":
            recipients = rw.recipients
            assert a.via is not None  # a notify step's channel is filled in (model.xfactor)
            reached: list[str] = []
            missed: list[str] = []
            for node in recipients:
                ok = self.deliverable(node, a.via)
                (reached if ok else missed).append(node)
                self.notifications.append(self.notification(rw, i, node, a, ok))
            how = {"http": f"a JSON POST to :{a.port}{a.path} on each Ready Pod",
                   "signal": f"the signal {a.signal} to each Pod's main process"}.get(
                a.via, "a Kubernetes Event on its workload")
            text = f"{head}: the failure context goes to {', '.join(recipients)} by {how}"
            if missed:
                text += f" (not reached: {', '.join(missed)}, no Ready Pod or no workload)"
            self.emit("step", text + f"; wait {go(a.budget)} for {w.target}",
                      recipients=recipients, via=a.via, undelivered=tuple(missed), **kw)
            self.wait(ladder, a.budget)
            return False
        else:
            scope = self.ctx.scope(step.startup_order)
            down = [n for n in step.shutdown_order if self.workload(n) is not None]
            for n in down:
                self.scale(w.name, i + 1, n, 0)
                if n in self.state:
                    self.state[n] = "stopped"
            missing = [n for n in step.startup_order if self.workload(n) is None]
            note = (f" ({', '.join(missing)}: no Kubernetes workload, not scaled)"
                    if missing else "")
            if step.action == "shutdown_chain":
                for n in down:
                    self.shut_by[n] = (w.name, scope)
                ladder.phase = "ShutDown"
                self.emit("step", f"{head}: scale scope {scope} to 0 in the order "
                                  f"{', '.join(down) or '-'}{note}; the chain stays down; "
                                  "phase ShutDown", outcome="terminal", scope=scope,
                          scale_down=tuple(down), **kw)
                for other in self.ladders.values():
                    if other is not ladder and other.phase == "Failing" and other.waiting:
                        self.held(other)
                return False
            up = [n for n in step.startup_order if self.workload(n) is not None]
            for n in up:
                self.scale(w.name, i + 1, n, self.replicas(n) or 0)
                if n in self.state:
                    self.state[n] = "running"
            for n in up:
                self.shut_by.pop(n, None)
            restored = self.state.get(w.target) == "running"
            if restored:
                tail, outcome = "phase Recovered", "recovered"
            elif last:
                tail, outcome = f"{w.target} is not in the scope; the ladder ends, phase Failing", "terminal"
            else:
                tail, outcome = f"{w.target} is not in the scope -> escalate", "escalate"
            self.emit("step", f"{head}: scale scope {scope} to 0 in the order "
                              f"{', '.join(down) or '-'}, then up in the order "
                              f"{', '.join(up) or '-'}{note}; {tail}",
                      outcome=outcome, scope=scope, scale_down=tuple(down), scale_up=tuple(up),
                      **kw)
            if restored:
                ladder.phase = "Recovered"
            self.recover_waiting()
            return not restored and not last

    def deliverable(self, node: str, via: str | None) -> bool:
        if self.workload(node) is None:
            return False
        return via == "event" or self.state.get(node) == "running"

    def notification(self, rw: Any, i: int, node: str, a: Any, ok: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"wiring": rw.wiring.name, "step": i + 1, "to": node, "via": a.via,
                               "delivered": ok}
        for key in ("path", "port", "signal"):
            if getattr(a, key) is not None:
                out[key] = getattr(a, key)
        return out

    def wait(self, ladder: _Ladder, seconds: float) -> None:
        ladder.waiting = True
        ladder.token += 1
        self.at(self.now + seconds, "end", ladder.rw.wiring.name, ladder.token)

    def wait_ends(self, ladder: _Ladder) -> None:
        rw = ladder.rw
        ladder.waiting = False
        w = rw.wiring
        if ladder.index == len(rw.steps) - 1:
            self.emit("end", f"{w.name}: {w.target} is still not Ready; the ladder ends, phase "
                             "Failing", wiring=w.name, step=ladder.index + 1, outcome="terminal")
            return
        self.emit("end", f"{w.name}: {w.target} is still not Ready -> escalate", wiring=w.name,
                  step=ladder.index + 1, outcome="escalate")
        ladder.index += 1
        self.step(ladder)

    def recover_waiting(self) -> None:
        """Wirings waiting in a step whose target runs again recover now."""
        for name in sorted(self.ladders, key=self.order.__getitem__):
            ladder = self.ladders[name]
            w = ladder.rw.wiring
            if ladder.waiting and self.state.get(w.target) == "running":
                ladder.waiting, ladder.phase = False, "Recovered"
                ladder.token += 1
                self.emit("end", f"{w.name}: {w.target} is Ready again; phase Recovered",
                          wiring=w.name, step=ladder.index + 1, outcome="recovered")


def unit_members(unit: Analysed, name: str) -> tuple[str, ...]:
    """What fails when ``name`` fails: the node itself, or for a VNF node of a network
    service (compiler/ns) the workloads and backing services it stands for (the VNF node
    requires each of them)."""
    xm = unit.xmodel
    assert xm is not None, "a VNF's members are read from the X-factor model"
    own = set(xm.workloads) | set(xm.backing)
    node = unit.topology.nodes.get(name) if unit.topology is not None else None
    if node is None or name in own or "tosca.nodes.nfv.VNF" not in node.types:
        return (name,)
    members = tuple(dict.fromkeys(r.node for r in node.requirements if r.node in own))
    return members or (name,)


def simulate(unit: Analysed, failed: str, *, instance: bool = False) -> Simulation:
    """Simulate the failure of node ``failed`` (which must be a template of the unit)."""
    from ..emitters.policies.common import build_context

    ir, ctx = complete(unit), build_context(unit)
    assert ir is not None and ctx is not None, \
        "simulate needs a clean front end (topology, model and plan)"
    return _Run(ir, ctx, failed, instance).run()


def render_text(sim: Simulation) -> str:
    lines = [f"simulate: {sim.failed} fails" + (" (one instance)" if sim.instance else "")
             + f" (FailurePolicy {sim.policy}, as xfc operator acts on it)"]
    width = len(str(len(sim.events)))
    twidth = max((len(go(e.t)) for e in sim.events), default=2)
    for e in sim.events:
        lines.append(f"{e.seq:>{width}}. {go(e.t):>{twidth}}  {e.text}")
    lines.append("phases:")
    if not sim.phases:
        lines.append("  no wiring targets " + sim.failed)
    for name, phase in sim.phases.items():
        lines.append(f"  {name}: {phase}")
    lines.append("scaled, in order:")
    if not sim.scaling:
        lines.append("  -")
    for s in sim.scaling:
        lines.append(f"  {s['kind']}/{s['object']} ({s['node']}) to {s['replicas']} "
                     f"({s['wiring']} step {s['step']})")
    lines.append("notified, in order:")
    if not sim.notifications:
        lines.append("  -")
    for n in sim.notifications:
        how = {"http": f"POST :{n.get('port')}{n.get('path', '')}",
               "signal": f"signal {n.get('signal')}"}.get(n["via"], "event")
        lines.append(f"  {n['to']} by {how} ({n['wiring']} step {n['step']})"
                     + ("" if n["delivered"] else ": not reached"))
    lines.append("final state:")
    for st in ("failed", "stopped", "running"):
        names = [n for n, s in sim.state.items() if s == st]
        if st == "running":
            started = [s["node"] for s in sim.scaling if s["replicas"] > 0]
            names = [n for n in dict.fromkeys(started) if sim.state.get(n) == "running"]
            st = "restarted"
        lines.append(f"  {st}: {', '.join(names) if names else '-'}")
    return "\n".join(lines) + "\n"


def to_json(sim: Simulation) -> dict[str, Any]:
    """The JSON form (docs/policies.md, "simulate --format json"): stable keys."""
    return {
        "failed": sim.failed,
        "instance": sim.instance,
        "policy": sim.policy,
        "events": [e.to_json() for e in sim.events],
        "phases": dict(sim.phases),
        "scaling": [dict(s) for s in sim.scaling],
        "notifications": [dict(n) for n in sim.notifications],
        "state": dict(sim.state),
    }


__all__ = ["Event", "PHASES", "Simulation", "render_text", "simulate", "to_json"]
