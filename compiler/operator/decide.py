"""The operator's decisions: given a policy, what the API server shows and each wiring's
status, what to do next (spec §6).  Pure: no I/O, no clock, no Kubernetes client.

Phase: none (the operator).  Input: a :class:`~compiler.operator.policy.Policy`, an
:class:`Observed` snapshot of the namespace (Pods and Ready Pods per workload, each
workload's ``spec.replicas``), the wirings' :class:`WiringStatus` as last written, the
time, when each workload was first seen without a Ready Pod, and the drills asked for.
Output: a :class:`Tick`: one :class:`Decision` per wiring whose status changes or that
acts, each holding the status to write **before** its one action (a :class:`Scale` or a
:class:`Notify`), and the Event text naming the wiring.  Codes: none.

The status records progress so that a restarted operator neither repeats nor skips an
action (spec §6 "State"):

* ``phase``: ``Healthy`` | ``Failing`` | ``Recovered`` | ``ShutDown`` | ``Error``;
* ``step``: the 1-based step of the ladder that runs; one past the last step when the
  ladder ended without restoring the wiring (the wiring stays ``Failing`` until its
  target is Ready again);
* ``attempt``: how many of the step's actions were started: for ``notify`` 1 once the
  notification went out; for ``reinstantiate`` and ``shutdown_chain`` the number of
  scale actions started (the first ``n`` scale the scope's members to 0 in shutdown
  order, the next ``n`` back to their compiled replicas in startup order);
* ``since``: when the step started (its ``timeout`` counts from there).

An action is recorded in the status before it is done.  A scale recorded but not seen
done (the operator stopped between the two) is issued again with the same replica count:
setting ``replicas`` is idempotent, so this completes the one action rather than repeating
it; a notification recorded is never sent again (at most once).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from .policy import Policy, Step, Wiring

PHASES = ("Healthy", "Failing", "Recovered", "ShutDown", "Error")
ORDERED = ("reinstantiate", "shutdown_chain")


def rfc3339(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def parse_time(text: Any) -> float | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class WiringStatus:
    name: str
    phase: str = "Healthy"
    step: int = 0
    attempt: int = 0
    since: float | None = None
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "phase": self.phase, "step": self.step,
                               "attempt": self.attempt}
        if self.message:
            out["message"] = self.message
        if self.since is not None:
            out["since"] = rfc3339(self.since)
        return out

    @classmethod
    def from_json(cls, raw: Any) -> WiringStatus | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            return None
        phase: str = raw["phase"] if raw.get("phase") in PHASES else "Healthy"
        return cls(name=raw["name"], phase=phase, step=_int(raw.get("step")),
                   attempt=_int(raw.get("attempt")), since=parse_time(raw.get("since")),
                   message=str(raw.get("message") or ""))


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


@dataclass(frozen=True, slots=True)
class Observed:
    """What the API server shows, per workload (node template name)."""

    pods: dict[str, int] = field(default_factory=dict)  # Pods (not being deleted)
    ready: dict[str, int] = field(default_factory=dict)  # Pods with condition Ready=True
    replicas: dict[str, int] = field(default_factory=dict)  # the workload's spec.replicas


@dataclass(frozen=True, slots=True)
class Scale:
    workload: str
    replicas: int
    again: bool = False  # completes a scale recorded in the status but not seen done


@dataclass(frozen=True, slots=True)
class Notify:
    via: str  # event | http | signal
    recipients: tuple[str, ...]  # the source, then every propagate node
    step: int
    failed: str  # the wiring's target
    path: str | None = None
    port: int | None = None
    signal: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    wiring: str
    status: WiringStatus  # written before the action
    action: Scale | Notify | None = None
    reason: str = ""  # the Event's reason (CamelCase), empty for no Event
    message: str = ""  # the Event's message; names the wiring


@dataclass(frozen=True, slots=True)
class Tick:
    decisions: tuple[Decision, ...]
    unready_since: dict[str, float]  # workload -> first seen without a Ready Pod
    suppressed: frozenset[str]  # workloads in a scope a ladder acts on


def _plan(step: Step, policy: Policy) -> list[tuple[str, int]]:
    """The scale actions of an ordered step: (workload, replicas), in the order they run."""
    members = [m for m in step.members if policy.workloads[m].actionable]
    down = [(m, 0) for m in reversed(members)]
    if step.action == "shutdown_chain":
        return down
    return down + [(m, policy.workloads[m].replicas) for m in members]


def acting_scope(policy: Policy, w: Wiring, st: WiringStatus) -> tuple[str, ...]:
    """The members of the scope this wiring's ladder acts on now (empty when none)."""
    if not 1 <= st.step <= len(w.steps):
        return ()
    step = w.steps[st.step - 1]
    if step.action not in ORDERED:
        return ()
    if st.phase == "ShutDown" or (st.phase == "Failing" and st.attempt > 0):
        return step.members
    return ()


def recipients(policy: Policy, w: Wiring) -> tuple[str, ...]:
    """The source, then every node of the wiring's propagate scopes (spec §6)."""
    return policy.receivers(w)


class _Ladder:
    """One wiring's ladder, advanced as far as it can go in one tick (one action at most)."""

    def __init__(self, policy: Policy, w: Wiring, st: WiringStatus, obs: Observed, now: float):
        self.policy, self.w, self.st, self.obs, self.now = policy, w, st, obs, now
        self.action: Scale | Notify | None = None
        self.reason = ""
        self.notes: list[str] = []

    def ready(self, name: str) -> int:
        return self.obs.ready.get(name, 0)

    def set(self, reason: str, note: str, **changes: Any) -> None:
        self.st = replace(self.st, **changes)
        if "message" not in changes:
            self.st = replace(self.st, message=note)
        self.reason = reason
        self.notes.append(note)

    def start(self, why: str) -> None:
        self.set("WiringFailed", f"wiring {self.w.name} failed ({why}); its ladder starts",
                 phase="Failing", step=1, attempt=0, since=self.now)
        self.run()

    def escalate(self, why: str) -> None:
        nxt = self.st.step + 1
        w = self.w
        if nxt > len(w.steps):
            self.set("LadderEnded", f"wiring {w.name}: {why}; its ladder ended and {w.target} "
                                    "is not restored", step=nxt, attempt=0, since=self.now)
            return
        self.set("Escalated", f"wiring {w.name}: {why}; step {nxt} "
                              f"({w.steps[nxt - 1].action}) starts",
                 step=nxt, attempt=0, since=self.now)

    def recovered(self, why: str) -> None:
        self.set("Recovered", f"wiring {self.w.name} restored: {why}", phase="Recovered",
                 attempt=self.st.attempt)

    def run(self) -> None:
        """Advance the current step; escalations go on into the next step in the same
        tick, so at most one action is chosen (every branch that acts returns)."""
        w = self.w
        for _ in range(len(w.steps) + 1):
            if self.st.phase != "Failing" or not 1 <= self.st.step <= len(w.steps):
                return
            before = (self.st.step, self.st.phase)
            self.step(w.steps[self.st.step - 1])
            if self.action is not None or (self.st.step, self.st.phase) == before:
                return

    def step(self, step: Step) -> None:
        w, st = self.w, self.st
        elapsed = self.now - (st.since if st.since is not None else self.now)
        n = st.step
        if step.action == "reconnect":
            if self.ready(w.target):
                self.recovered(f"{w.target} has a Ready Pod again (step {n}, reconnect)")
            else:
                wait = step.timeout if step.timeout is not None else \
                    step.args["attempts"] * step.args["backoff"]
                if elapsed >= wait:
                    self.escalate(f"step {n} (reconnect): {w.target} not Ready after "
                                  f"{_secs(wait)}")
        elif step.action == "notify":
            if st.attempt == 0:
                to = recipients(self.policy, w)
                self.set("Notify", f"wiring {w.name} step {n}: notify {', '.join(to)} via "
                                   f"{step.args['via']}", attempt=1)
                self.action = Notify(via=step.args["via"], recipients=to, step=n,
                                     failed=w.target, path=step.args.get("path"),
                                     port=step.args.get("port"), signal=step.args.get("signal"))
            elif self.ready(w.target):
                self.recovered(f"{w.target} has a Ready Pod again (step {n}, notify)")
            elif elapsed >= step.args["timeout"]:
                self.escalate(f"step {n} (notify): {w.target} not Ready after "
                              f"{_secs(step.args['timeout'])}")
        else:
            self.ordered(step, elapsed)

    def ordered(self, step: Step, elapsed: float) -> None:
        w, st, n = self.w, self.st, self.st.step
        plan = _plan(step, self.policy)
        done = st.attempt
        if step.timeout is not None and elapsed >= step.timeout:
            self.escalate(f"step {n} ({step.action}) timed out after {_secs(step.timeout)} "
                          f"with {done} of {len(plan)} scale actions started")
            return
        if done > 0:
            name, replicas = plan[done - 1]
            if self.obs.replicas.get(name) != replicas:
                self.action = Scale(name, replicas, again=True)
                self.set("Scale", f"wiring {w.name} step {n}: scale {name} to {replicas} "
                                  "(recorded, not yet seen done)", message=st.message)
                return
            if replicas == 0 and self.obs.pods.get(name, 0) > 0:
                return  # wait for its Pods to go
            if replicas > 0 and self.ready(name) < replicas:
                return  # wait for it to be Ready
        if done == len(plan):
            if step.action == "shutdown_chain":
                self.set("ChainShutDown", f"wiring {w.name} step {n}: chain "
                                          f"{step.args.get('chain') or w.chain or '?'} is down "
                                          f"({', '.join(m for m, _ in plan)}); terminal",
                         phase="ShutDown")
            elif self.ready(w.target):
                self.recovered(f"step {n} (reinstantiate) restarted "
                               f"{', '.join(step.members)}")
            else:
                self.escalate(f"step {n} (reinstantiate): {w.target} is not Ready after "
                              "its scope restarted")
            return
        name, replicas = plan[done]
        verb = "shut down" if replicas == 0 else "start"
        self.set("Scale", f"wiring {w.name} step {n} ({step.action}): {verb} {name} "
                          f"(scale to {replicas}, action {done + 1} of {len(plan)})",
                 attempt=done + 1)
        self.action = Scale(name, replicas)


def _secs(s: float) -> str:
    return f"{s:g}s"


def tick(policy: Policy, statuses: dict[str, WiringStatus], obs: Observed, now: float, *,
         unready_since: dict[str, float] | None = None,
         drills: frozenset[str] | set[str] = frozenset()) -> Tick:
    """Everything to do now (spec §6), wirings in the policy's order."""
    current = {w.name: statuses.get(w.name) or WiringStatus(name=w.name) for w in policy.wirings}
    suppressed: set[str] = set()
    owner: dict[str, str] = {}
    for w in policy.wirings:
        for m in acting_scope(policy, w, current[w.name]):
            suppressed.add(m)
            owner.setdefault(m, w.name)
    since: dict[str, float] = {}
    for name, wl in policy.workloads.items():  # only what runs as a workload is watched
        if wl.actionable and obs.ready.get(name, 0) == 0 and name not in suppressed:
            since[name] = (unready_since or {}).get(name, now)
    decisions = []
    for w in policy.wirings:
        st = current[w.name]
        lad = _Ladder(policy, w, st, obs, now)
        drilled = w.name in drills
        if st.phase in ("Healthy", "Recovered"):
            busy = next((m for m in (w.target, w.source) if m in suppressed), None)
            if busy is not None:
                if drilled:
                    lad.set("DrillIgnored", f"drill of wiring {w.name} ignored: {busy} is in "
                                            f"the scope wiring {owner[busy]} acts on",
                            message=st.message)
            elif drilled:
                lad.start("drill")
            elif w.target in since and now - since[w.target] >= w.detect_after:
                lad.start(f"no Ready Pod of {w.target} for {_secs(w.detect_after)}")
        elif st.phase == "Failing":
            if st.step > len(w.steps) or st.step < 1:
                if lad.ready(w.target):
                    lad.recovered(f"{w.target} has a Ready Pod again after the ladder ended")
            else:
                lad.run()
        elif st.phase in ("ShutDown", "Error") and lad.ready(w.target):
            lad.recovered(f"{w.target} has a Ready Pod again")
        if drilled and st.phase not in ("Healthy", "Recovered"):
            lad.set("DrillIgnored", f"drill of wiring {w.name} ignored: its ladder is "
                                    f"already {lad.st.phase}", message=lad.st.message)
        if lad.st != st or lad.action is not None or lad.notes:
            current[w.name] = lad.st
            for m in acting_scope(policy, w, lad.st):  # acting from now on
                suppressed.add(m)
                owner.setdefault(m, w.name)
            decisions.append(Decision(wiring=w.name, status=lad.st, action=lad.action,
                                      reason=lad.reason, message="; ".join(lad.notes)))
    return Tick(decisions=tuple(decisions), unready_since=since,
                suppressed=frozenset(suppressed))


__all__ = ["Decision", "Notify", "Observed", "PHASES", "Scale", "Tick", "WiringStatus",
           "acting_scope", "parse_time", "recipients", "rfc3339", "tick"]
