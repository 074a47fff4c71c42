"""The portable failure-policy document: one ``xfactor.io/v1alpha2`` FailurePolicy.

Phase: emit.  Input: the :class:`Context` (the plan's resolved wirings and chains) and
the workloads the Kubernetes back end writes (:mod:`.workloads`).  Output: the
FailurePolicy as plain data (spec §5) and the text of its CustomResourceDefinition
(``compiler/schemas/failurepolicy-crd.yaml``, shipped as package data).

Every order is resolved and written once (spec §5), so the document grows with wirings
plus distinct scopes, never with wirings × members:

* ``spec.workloads``: each node the policy names or the Kubernetes back end runs as a
  Deployment or StatefulSet: ``name`` (node template) and, when it has one, its
  ``kind``, ``object``, ``selector``, ``replicas`` and ``service``;
* ``spec.order``: those nodes in dependency (startup) order;
* ``spec.scopes``: each distinct resolved scope once, ``members`` in startup order (the
  shutdown order is the reverse), named by :func:`scope_name`; the side of a wiring in
  a chain is a scope that ``includes`` the sides it reaches (:meth:`Scopes.side`);
* ``spec.chains``: ``name``, ``fragile``, ``scope`` (the scope of its members);
* ``spec.wirings``: ``name``, ``source``, ``target``, ``stickiness``, ``chain``,
  ``detect_after``, ``propagate`` (the scopes of the receivers of the failure context:
  ``upstream`` and/or ``downstream``) and
  ``steps``: every argument resolved (spec §3.1 defaults, the time a step waits as
  ``timeout``), ``reinstantiate`` and ``shutdown_chain`` naming their scope.

:func:`check_policy` checks what the CRD's schema cannot (every scope a step or chain
names exists, every member is in ``spec.order``); a document it rejects is a bug in xfc,
for which the package's emitter raises InternalError.  Emits no diagnostics.
"""

from __future__ import annotations

import functools

import hashlib
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ...resources import schemas_dir
from ...model.xfactor import ResolvedStep, ResolvedWiring, SideReach, side_closure
from ...target_api import Context
from .common import go_duration, step_args
from .workloads import WorkloadRef

API_VERSION = "xfactor.io/v1alpha2"
KIND = "FailurePolicy"
CRD_FILE = "failurepolicy-crd.yaml"
JSON_SCHEMA_FILE = "failurepolicy.schema.json"
SCOPE_NAME_MAX = 120  # a readable scope name longer than this is a hash


def crd_text() -> str:
    """The CRD as shipped (a hand-written, reviewed file, emitted byte for byte)."""
    return (schemas_dir() / CRD_FILE).read_text(encoding="utf-8")


def crd_documents() -> tuple[Any, ...]:
    """The shipped CRD file as data (read from the schema folder, once per process):
    what bundlers are handed beside its text."""
    import copy

    return copy.deepcopy(_crd_documents())


class CrdDocuments(Sequence[Any]):
    """:func:`crd_documents`, made on first use: what the CRD file holds as data
    (:attr:`compiler.model.OutputFile.documents`) is read by bundlers only, and reading
    the shipped file through PyYAML's constructor was ~3 % of the policies back end of a
    dense compile.  Pickles as the plain tuple."""

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: tuple[Any, ...] | None = None

    def _items(self) -> tuple[Any, ...]:
        made = self._made
        if made is None:  # (two threads may both make it: equal copies)
            made = self._made = crd_documents()
        return made

    def __getitem__(self, index: Any) -> Any:
        return self._items()[index]

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items())

    def __reduce__(self) -> Any:
        return (tuple, (self._items(),))


@functools.lru_cache(maxsize=1)
def _crd_documents() -> tuple[Any, ...]:
    import yaml

    # libyaml's parser when PyYAML has it (the safe loader's resolver and constructors
    # either way): the pure-Python one took ~1 % of a dense compile for this one file
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return tuple(d for d in yaml.load_all(crd_text(), Loader=loader) if d is not None)


class Scopes:
    """The distinct resolved scopes of one policy, each named once (deterministically)."""

    def __init__(self, ctx: Context) -> None:
        self.by_members: dict[tuple[str, ...], str] = {}
        self.names: dict[str, tuple[str, ...]] = {}
        self.includes: dict[str, tuple[str, ...]] = {}  # side scopes only (side())
        self._chain_of: dict[tuple[str, ...], str] = {}
        for name, _, members in ctx.chains:  # sorted by name: the first chain names it
            self._chain_of.setdefault(tuple(members), name)
        self._sides: dict[tuple[str, str, str], str] = {}  # (direction, chain, member)
        self._reach = SideReach(ctx.plan)

    @classmethod
    def of(cls, ctx: Context) -> "Scopes":
        """Every scope of the policy, named in the order the document lists them: the
        chains' (by chain name), then each step's (wirings by name, steps in order)."""
        scopes = cls(ctx)
        for _, _, members in ctx.chains:
            scopes.name(members)
        for rw in ctx.wirings:
            for step in rw.steps:
                scope = step_scope(step)
                if scope is not None:
                    scopes.name(scope)
            scopes.propagate(rw)
        return scopes

    def propagate(self, rw: ResolvedWiring) -> dict[str, str]:
        """A wiring's ``propagate``: the scope of its upstream side and/or of its
        downstream side, as its ``propagate`` property asks (empty for ``none``)."""
        doc: dict[str, str] = {}
        if rw.wiring.propagate in ("upstream", "both"):
            doc["upstream"] = self.side("upstream", rw, rw.wiring.source, rw.upstream)
        if rw.wiring.propagate in ("downstream", "both"):
            doc["downstream"] = self.side("downstream", rw, rw.wiring.target,
                                          rw.downstream[::-1])
        return doc

    def side(self, direction: str, rw: ResolvedWiring, end: str,
             members: tuple[str, ...]) -> str:
        """The scope of one side of a wiring (``members``: the side in startup order).

        In an acyclic chain the side of ``end`` is the scope ``<direction>:<chain>:<end>``
        holding ``end`` and including the side scopes of the members it reaches in one
        step (:meth:`compiler.model.xfactor.Plan.side_links`), each written once and before the scopes
        that include it; a side of one node is its ``node:`` scope.  So a chain's sides
        cost its members plus its edges, not members squared.  A side outside a chain, or
        in a chain with a cycle, is written out as members."""
        chain = rw.chain
        reach = self._reach.of(chain, direction, end)
        if reach is None or chain is None:  # no chain: no reach
            return self.name(members)
        for node in side_closure(reach, end, lambda n: (direction, chain, n) in self._sides):
            key = (direction, chain, node)
            nxt = reach[node]
            if not nxt:
                self._sides[key] = self.name((node,))
                continue
            name = f"{direction}:{chain}:{node}"
            if len(name) > SCOPE_NAME_MAX or name in self.names:
                name = f"{direction}:" + _digest((chain, node))
            self._sides[key] = name
            self.names[name] = (node,)
            self.includes[name] = tuple(self._sides[(direction, chain, n)] for n in nxt)
        return self._sides[(direction, chain, end)]

    def name(self, members: Iterable[str]) -> str:
        """The scope of ``members`` (startup order), added on first use."""
        key = tuple(members)
        known = self.by_members.get(key)
        if known is not None:
            return known
        name = scope_name(key, self._chain_of.get(key))
        if name in self.names:  # two member lists that spell one readable name
            name = "nodes:" + _digest(key)
        self.by_members[key] = name
        self.names[name] = key
        return name

    def documents(self) -> list[dict[str, Any]]:
        docs: list[dict[str, Any]] = []
        for n, m in self.names.items():
            doc: dict[str, Any] = {"name": n, "members": list(m)}
            if n in self.includes:
                doc["includes"] = list(self.includes[n])
            docs.append(doc)
        return docs


def _digest(members: tuple[str, ...]) -> str:
    return hashlib.sha256("\n".join(members).encode("utf-8")).hexdigest()[:16]


def scope_name(members: tuple[str, ...], chain: str | None) -> str:
    """``chain:<chain>`` for a chain's members, ``node:<name>`` for one node,
    ``nodes:<a>+<b>+...`` for others (``nodes:<16 hex digits of sha256>`` when that
    would be longer than :data:`SCOPE_NAME_MAX` characters)."""
    if chain is not None:
        return f"chain:{chain}"
    if len(members) == 1:
        return f"node:{members[0]}"
    name = "nodes:" + "+".join(members)
    return name if len(name) <= SCOPE_NAME_MAX else "nodes:" + _digest(members)


def step_scope(step: ResolvedStep) -> tuple[str, ...] | None:
    """The members a ``reinstantiate`` / ``shutdown_chain`` step acts on, startup order."""
    if step.action in ("reinstantiate", "shutdown_chain"):
        return tuple(step.startup_order)
    return None


def step_document(step: ResolvedStep, rw: ResolvedWiring, scopes: Scopes) -> dict[str, Any]:
    """One escalation step, every argument resolved (spec §3.1 defaults, §5 scopes)."""
    a = step_args(step)
    doc: dict[str, Any] = {"action": a.action}
    if a.action == "reconnect":
        assert a.backoff is not None  # a reconnect's arguments are filled in (model.xfactor)
        doc["attempts"] = a.attempts
        doc["backoff"] = go_duration(a.backoff)
        if a.timeout is not None:
            doc["timeout"] = go_duration(a.timeout)
    elif a.action == "notify":
        doc["via"] = a.via
        for key in ("path", "port", "signal"):
            value = getattr(a, key)
            if value is not None:
                doc[key] = value
        doc["timeout"] = go_duration(a.budget)  # the wiring's detect_after by default
    elif a.action == "reinstantiate":
        doc["scope"] = scopes.name(step.startup_order)
        doc["timeout"] = go_duration(a.budget)
    elif a.action == "shutdown_chain":
        if a.chain is not None:
            doc["chain"] = a.chain
        doc["scope"] = scopes.name(step.startup_order)
    return doc


def wiring_document(rw: ResolvedWiring, scopes: Scopes) -> dict[str, Any]:
    w = rw.wiring
    doc: dict[str, Any] = {
        "name": w.name,
        "source": w.source,
        "target": w.target,
        "stickiness": w.stickiness,
        "detect_after": go_duration(w.detect_after),
        "propagate": scopes.propagate(rw),
        "steps": [step_document(s, rw, scopes) for s in rw.steps],
    }
    if rw.chain is not None:
        doc["chain"] = rw.chain
    return doc


def _rank(ctx: Context) -> dict[str, int]:
    rank: dict[str, int] = {}
    for wave in ctx.plan.waves:
        for n in wave:
            rank.setdefault(n, len(rank))
    return rank


def build(ctx: Context, workloads: Mapping[str, WorkloadRef]) -> dict[str, Any]:
    """The FailurePolicy object for the whole service (one per topology)."""
    metadata: dict[str, Any] = {
        "name": ctx.service,
        "labels": {
            "app.kubernetes.io/managed-by": "xfc",
            "app.kubernetes.io/part-of": ctx.service,
        },
    }
    if ctx.namespace:
        metadata["namespace"] = ctx.namespace
    scopes = Scopes.of(ctx)
    chains = [{"name": name, "fragile": fragile, "scope": scopes.name(members)}
              for name, fragile, members in ctx.chains]
    wirings = [wiring_document(rw, scopes) for rw in ctx.wirings]
    named: set[str] = set(workloads)
    for members in scopes.names.values():
        named.update(members)
    for rw in ctx.wirings:
        named.update((rw.wiring.source, rw.wiring.target))  # receivers are scope members
    rank = _rank(ctx)
    order = sorted(named, key=lambda n: (rank.get(n, len(rank)), n))
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": metadata,
        "spec": {
            "workloads": [workloads[n].as_dict() if n in workloads else {"name": n}
                          for n in order],
            "order": order,
            "scopes": scopes.documents(),
            "chains": chains,
            "wirings": wirings,
        },
    }


def covered_chain(ctx: Context, rw: ResolvedWiring, step: ResolvedStep) -> str | None:
    """The chain that a ``reinstantiate``/``shutdown_chain`` step covers exactly (its
    scope and orders are the chain's), or None.  The PrometheusRule and the OSM VNFD name
    such a chain instead of listing its members."""
    a = step_args(step)
    if a.action == "shutdown_chain":
        return a.chain
    if a.action == "reinstantiate" and rw.chain is not None:
        members = ctx.plan.chains.get(rw.chain)
        if members and tuple(a.startup_order) == tuple(members) and tuple(a.scope) == tuple(members):
            return rw.chain
    return None


def check_policy(doc: Any) -> list[str]:
    """What the CRD's schema cannot say: names are unique, every scope a chain or step
    names exists, and every member, end and receiver is in ``spec.order``, whose order
    the scopes keep."""
    spec = (doc or {}).get("spec") or {}
    problems: list[str] = []
    order = list(spec.get("order") or [])
    pos = {n: i for i, n in enumerate(order)}
    if len(pos) != len(order):
        problems.append("spec.order names a node twice")
    names = [w.get("name") for w in spec.get("workloads") or []]
    if names != order:
        problems.append("spec.workloads is not spec.order")
    scopes: dict[str, list[str]] = {}
    shapes: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    for s in spec.get("scopes") or []:
        if s.get("name") in scopes:
            problems.append(f"scope {s.get('name')!r} is written twice")
        members = list(s.get("members") or [])
        includes = tuple(s.get("includes") or ())
        for inc in includes:  # earlier scopes only: no loop, expanded in one pass
            if inc not in scopes:
                problems.append(f"scope {s.get('name')!r} includes {inc!r}, no earlier scope")
        scopes[s.get("name")] = members
        shapes.add((tuple(members), includes))
        missing = [m for m in members if m not in pos]
        if missing:
            problems.append(f"scope {s.get('name')!r}: {missing} not in spec.order")
        elif [pos[m] for m in members] != sorted(pos[m] for m in members):
            problems.append(f"scope {s.get('name')!r}: members not in startup order")
    if len(shapes) != len(scopes):
        problems.append("two scopes have the same members")
    for c in spec.get("chains") or []:
        if c.get("scope") not in scopes:
            problems.append(f"chain {c.get('name')!r} names no scope ({c.get('scope')!r})")
    for w in spec.get("wirings") or []:
        for node in (w.get("source"), w.get("target")):
            if node not in pos:
                problems.append(f"wiring {w.get('name')!r}: {node!r} not in spec.order")
        for side, scope in (w.get("propagate") or {}).items():
            if scope not in scopes:
                problems.append(f"wiring {w.get('name')!r} propagate.{side} names no scope "
                                f"({scope!r})")
        for i, st in enumerate(w.get("steps") or []):
            if "scope" in st and st["scope"] not in scopes:
                problems.append(f"wiring {w.get('name')!r} step {i + 1} names no scope "
                                f"({st['scope']!r})")
    return problems
