"""The operator's reading of a FailurePolicy (``xfactor.io/v1alpha2``, spec §5).

Phase: none (the operator, a face over the compiled output).  Input: the ``spec`` of a
FailurePolicy object as the API server returns it (plain JSON data).  Output: a
:class:`Policy` of frozen dataclasses that :mod:`compiler.operator.decide` reads.  Every
order and scope is already resolved by the compiler (spec §3.2); nothing is computed here
but durations in seconds, and a scope's members: its own and those of the scopes it
``includes`` (each written before it), a union of named lists put in ``spec.order``
(:meth:`Policy.members`), made when a notify first needs it.  A spec the operator cannot act on raises :class:`PolicyError`
with a message naming the field (the operator reports it on the object as an Event and
acts on nothing of it).  Codes: none (no descriptor is read here).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

API_GROUP = "xfactor.io"
API_VERSION = "v1alpha2"
PLURAL = "failurepolicies"
DRILL_ANNOTATION = "xfactor.io/drill"
DEFAULT_DETECT_AFTER = 10.0  # spec §2.3

_GO_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)")
_GO_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class PolicyError(ValueError):
    """A FailurePolicy spec the operator cannot act on."""


def duration(value: Any, where: str) -> float:
    """A Go-style duration (``1m30s``, ``500ms``) or a number of seconds, as seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and value >= 0:
            return float(value)
    elif isinstance(value, str) and value:
        pos, total = 0, 0.0
        for m in _GO_PART.finditer(value):
            if m.start() != pos:
                break
            total += float(m.group(1)) * _GO_UNITS[m.group(2)]
            pos = m.end()
        if pos == len(value) and math.isfinite(total):
            return total
    raise PolicyError(f"{where}: {value!r} is not a duration")


@dataclass(frozen=True, slots=True)
class Workload:
    """A node the policy names; ``kind`` is None for a node no Kubernetes workload runs (a
    SOL001 VDU that Tacker deploys, an external backing service): the operator can
    neither watch nor scale it."""

    name: str  # node template
    kind: str | None = None  # Deployment | StatefulSet
    object: str = ""  # the Kubernetes object's name
    selector: dict[str, str] | None = None
    replicas: int = 1
    namespace: str | None = None  # its own when not the policy's (--ns-namespaces per-vnf)

    @property
    def actionable(self) -> bool:
        return self.kind is not None and bool(self.selector) and bool(self.object)


def _namespace(raw: dict, where: str) -> str | None:
    """A workload's ``namespace`` (absent: the policy's own)."""
    ns = raw.get("namespace")
    if ns is None:
        return None
    if not isinstance(ns, str) or not _DNS_LABEL.fullmatch(ns):
        raise PolicyError(f"{where}.namespace must be a namespace name (a DNS-1123 label)")
    return ns


_DNS_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")


@dataclass(frozen=True, slots=True)
class Step:
    action: str  # reconnect | notify | reinstantiate | shutdown_chain
    args: dict[str, Any]  # the step's arguments as written (durations as seconds)
    members: tuple[str, ...] = ()  # reinstantiate / shutdown_chain: the scope, startup order

    @property
    def timeout(self) -> float | None:
        return self.args.get("timeout")


@dataclass(frozen=True, slots=True)
class Wiring:
    name: str
    source: str
    target: str
    detect_after: float
    steps: tuple[Step, ...]
    chain: str | None = None
    upstream: str | None = None  # propagate.upstream: a scope name
    downstream: str | None = None  # propagate.downstream: a scope name


@dataclass(frozen=True, slots=True)
class Policy:
    workloads: dict[str, Workload]
    order: tuple[str, ...]
    wirings: tuple[Wiring, ...]
    # scope name -> (its own members, the scopes it includes)
    scopes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    _expanded: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def wiring(self, name: str) -> Wiring | None:
        return next((w for w in self.wirings if w.name == name), None)

    def members(self, scope: str) -> tuple[str, ...]:
        """Every member a scope stands for, in startup order (spec.order): its own and
        those of the scopes it includes, transitively.  Kept once made."""
        found = self._expanded.get(scope)
        if found is None and not self.scopes.get(scope, ((), ()))[1]:
            return self.scopes.get(scope, ((), ()))[0]  # as written: startup order
        if found is None:
            seen: set[str] = set()
            names: set[str] = set()
            todo = [scope]
            while todo:
                name = todo.pop()
                if name in seen:
                    continue
                seen.add(name)
                own, includes = self.scopes.get(name, ((), ()))
                names.update(own)
                todo.extend(includes)
            rank = {n: i for i, n in enumerate(self.order)} if len(names) > 1 else {}
            found = tuple(sorted(names, key=lambda n: (rank.get(n, len(rank)), n)))
            self._expanded[scope] = found
        return found

    def receivers(self, w: Wiring) -> tuple[str, ...]:
        """Who a notify of ``w`` tells (spec §6): its source, then the members of its
        upstream side in startup order, then those of its downstream side in shutdown
        order, each once."""
        up = self.members(w.upstream) if w.upstream else ()
        down = self.members(w.downstream)[::-1] if w.downstream else ()
        return tuple(dict.fromkeys((w.source, *up, *down)))


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PolicyError(f"{where} must be a list")
    return value


def _str(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise PolicyError(f"{where}.{key} must be a non-empty string")
    return value


def _step(raw: Any, where: str, policy: Policy, detect_after: float) -> Step:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where} must be a mapping")
    action = _str(raw, "action", where)
    if action not in ("reconnect", "notify", "reinstantiate", "shutdown_chain"):
        raise PolicyError(f"{where}.action {action!r} is not a step of spec §3")
    args: dict[str, Any] = {}
    for key in ("timeout", "backoff"):
        if raw.get(key) is not None:
            args[key] = duration(raw[key], f"{where}.{key}")
    if action == "reconnect":
        args["attempts"] = int(raw.get("attempts", 3))
        args.setdefault("backoff", 1.0)
    if action == "notify":
        args["via"] = raw.get("via", "event")
        for key in ("path", "port", "signal"):
            if raw.get(key) is not None:
                args[key] = raw[key]
        args.setdefault("timeout", detect_after)  # spec §3.1: default detect_after
    members: tuple[str, ...] = ()
    if action in ("reinstantiate", "shutdown_chain"):
        scope = _str(raw, "scope", where)
        if scope not in policy.scopes:
            raise PolicyError(f"{where}.scope {scope!r} names no entry of spec.scopes")
        members = policy.members(scope)
        args["scope"] = scope
        if raw.get("chain") is not None:
            args["chain"] = raw["chain"]
    return Step(action=action, args=args, members=members)


def parse(spec: Any) -> Policy:
    """The :class:`Policy` of a FailurePolicy ``spec`` (v1alpha2), or PolicyError."""
    if not isinstance(spec, dict):
        raise PolicyError("spec must be a mapping")
    workloads: dict[str, Workload] = {}
    for i, raw in enumerate(_list(spec.get("workloads"), "spec.workloads")):
        where = f"spec.workloads[{i}]"
        if not isinstance(raw, dict):
            raise PolicyError(f"{where} must be a mapping")
        name = _str(raw, "name", where)
        if raw.get("kind") is None:  # a node without a Kubernetes workload
            workloads[name] = Workload(name=name)
            continue
        selector = raw.get("selector")
        if not isinstance(selector, dict) or not selector:
            raise PolicyError(f"{where}.selector must be a non-empty mapping of labels")
        kind = _str(raw, "kind", where)
        if kind not in ("Deployment", "StatefulSet"):
            raise PolicyError(f"{where}.kind {kind!r} is neither Deployment nor StatefulSet")
        replicas = raw.get("replicas", 1)
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
            raise PolicyError(f"{where}.replicas must be a whole number")
        workloads[name] = Workload(name=name, kind=kind, object=_str(raw, "object", where),
                                   selector={str(k): str(v) for k, v in selector.items()},
                                   replicas=replicas, namespace=_namespace(raw, where))
    order = tuple(str(n) for n in _list(spec.get("order"), "spec.order"))
    scopes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for i, raw in enumerate(_list(spec.get("scopes"), "spec.scopes")):
        where = f"spec.scopes[{i}]"
        if not isinstance(raw, dict):
            raise PolicyError(f"{where} must be a mapping")
        members = tuple(str(m) for m in _list(raw.get("members"), f"{where}.members"))
        for m in members:
            if m not in workloads:
                raise PolicyError(f"{where}.members names {m!r}, which is no entry of spec.workloads")
        includes = tuple(str(n) for n in _list(raw.get("includes"), f"{where}.includes"))
        for n in includes:
            if n not in scopes:  # only earlier scopes: includes never loop
                raise PolicyError(f"{where}.includes names {n!r}, which is no earlier entry "
                                  "of spec.scopes")
        scopes[_str(raw, "name", where)] = (members, includes)
    policy = Policy(workloads=workloads, order=order, wirings=(), scopes=scopes)
    wirings = []
    for i, raw in enumerate(_list(spec.get("wirings"), "spec.wirings")):
        where = f"spec.wirings[{i}]"
        if not isinstance(raw, dict):
            raise PolicyError(f"{where} must be a mapping")
        detect = duration(raw.get("detect_after", DEFAULT_DETECT_AFTER), f"{where}.detect_after")
        steps = tuple(_step(s, f"{where}.steps[{j}]", policy, detect)
                      for j, s in enumerate(_list(raw.get("steps"), f"{where}.steps")))
        propagate = raw.get("propagate") or {}
        if not isinstance(propagate, dict):
            raise PolicyError(f"{where}.propagate must be a mapping")
        sides: dict[str, str] = {}
        for side in ("upstream", "downstream"):
            if propagate.get(side) is not None:
                sides[side] = _str(propagate, side, f"{where}.propagate")
                if sides[side] not in scopes:
                    raise PolicyError(f"{where}.propagate.{side} {sides[side]!r} names no "
                                      "entry of spec.scopes")
        target = _str(raw, "target", where)
        if target not in workloads:
            raise PolicyError(f"{where}.target {target!r} is no entry of spec.workloads")
        wirings.append(Wiring(
            name=_str(raw, "name", where), source=_str(raw, "source", where), target=target,
            detect_after=detect, steps=steps, chain=raw.get("chain"), **sides))
    return Policy(workloads=workloads, order=order, wirings=tuple(wirings), scopes=scopes)


__all__ = ["API_GROUP", "API_VERSION", "DRILL_ANNOTATION", "PLURAL", "Policy", "PolicyError",
           "Step", "Wiring", "Workload", "duration", "parse"]
