"""The X-factor model: processes, backing services, wirings, chains, and the resolved plan.

Phase: produced by ``normalize`` (compiler.normalize) from a
:class:`compiler.model.Topology`, completed by ``graph`` (compiler.graph) with the
resolved orders; read by the checks and every back end.

Both forms of the profile (policy form and native form, spec §2.1/§2.3) normalise to
these classes, so back ends never look at the syntax.  Durations are float seconds,
sizes stay scalar-unit strings as written (``"256 MiB"``).

Codes: none (data only).
"""

from __future__ import annotations

from itertools import repeat
from dataclasses import dataclass, field, fields
from typing import Any, Callable, Mapping

from .. import defaults, durations
from ..diagnostics import NO_SPAN, Span
from ..model.frozen import freeze_fields

# Node types whose templates run as processes (spec §2.2, last paragraph).  A template
# is a workload when any of these is among its types.
WORKLOAD_TYPES: tuple[str, ...] = (
    "xfactor.nodes.CNF",
    "tosca.nodes.nfv.Vdu.Compute",
    "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit",
    "tosca.nodes.Container.Application",
    "tosca.nodes.nfv.VNF",
)
BACKING_TYPE = "xfactor.nodes.BackingService"


@dataclass(frozen=True, slots=True, kw_only=True)
class Process:
    """The process traits of one workload (spec §2.1)."""

    node: str
    state: str = "stateless"  # stateless | stateful
    share_nothing: bool = True
    scratch_size: str | None = None
    scratch_lifetime: str = "transaction"  # transaction | process
    session_store: str | None = None
    session_ttl: float | None = None  # seconds
    graceful_shutdown: float = 30.0  # seconds
    origin: str = "default"  # native | policy | default (no traits: stateless + a note)
    policy: str | None = None  # the xfactor.policies.Process that gave the traits
    span: Span = field(default=NO_SPAN, compare=False)
    property_spans: Mapping[str, Span] = field(default_factory=dict, compare=False)

    @property
    def stateless(self) -> bool:
        return self.state == "stateless"

    def __post_init__(self) -> None:
        freeze_fields(self, "property_spans")


@dataclass(frozen=True, slots=True, kw_only=True)
class BackingService:
    node: str
    kind: str | None = None
    expiry: bool = False
    locator: str | None = None
    image: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Wiring:
    """A directed wiring source -> target (spec §2.3), either form."""

    name: str  # the policy name, or "<source>.<requirement name>[.<index>]" for relationships
    source: str
    target: str
    stickiness: str = "none"  # none | session | connection | pinned
    # the ladder as written (compiler.normalize.steps.Step); empty when defaulted
    on_failure: tuple[Any, ...] = ()
    explicit_on_failure: bool = False
    propagate: str = "none"  # none | upstream | downstream | both
    chain: str | None = None  # as written, or inferred (the chain containing both ends)
    detect_after: float = defaults.DETECT_AFTER  # seconds without a Ready target (spec §6)
    form: str = "policy"  # policy | relationship
    span: Span = field(default=NO_SPAN, compare=False)
    property_spans: Mapping[str, Span] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        freeze_fields(self, "property_spans", "on_failure")


@dataclass(frozen=True, slots=True, kw_only=True)
class Chain:
    name: str
    members: tuple[str, ...]  # as written in the group
    fragile: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class XModel:
    """Normalised X-factor view of a topology."""

    workloads: tuple[str, ...] = ()  # workload template names, source order
    processes: Mapping[str, Process] = field(default_factory=dict)  # one per workload
    backing: Mapping[str, BackingService] = field(default_factory=dict)
    wirings: Mapping[str, Wiring] = field(default_factory=dict)
    chains: Mapping[str, Chain] = field(default_factory=dict)
    uses_profile: bool = False
    # network services (compiler/ns, spec §2.6): VNF node -> the service names of its
    # VNFD's templates (VNFD source order); the workloads among them move together
    units: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # an NSD wiring with a VNF node as an end -> the wirings it became, one per pair of
    # workloads (``<wiring>[.<source>][.<target>]``)
    unit_wirings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        freeze_fields(self, "processes", "backing", "wirings", "chains", "units",
                      "unit_wirings")

    def unit_of(self, node: str) -> str | None:
        """The VNF node whose unit holds ``node`` (None outside a network service)."""
        return next((u for u, members in self.units.items() if node in members), None)


# --------------------------------------------------------------------------- the plan


class _StepArguments:
    """What the typed arguments of every action share: their plain form."""

    __slots__ = ()

    def as_dict(self) -> dict[str, Any]:
        """The arguments that have a value, in the order of spec §3.1 (JSON, simulation)."""
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = value
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ReconnectArgs(_StepArguments):
    """``reconnect(attempts, backoff, timeout)`` (spec §3.1): seconds as floats."""

    attempts: int = defaults.ATTEMPTS
    backoff: float = defaults.BACKOFF
    timeout: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifyArgs(_StepArguments):
    """``notify(via, path, port, signal, timeout)`` (spec §3.1)."""

    via: str = defaults.VIA
    path: str | None = None
    port: int | None = None
    signal: str | None = None
    timeout: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ShutdownChainArgs(_StepArguments):
    """``shutdown_chain(chain)`` (spec §3.1): the chain the graph resolved, or None."""

    chain: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReinstantiateArgs(_StepArguments):
    """``reinstantiate(scope, timeout)`` (spec §3.1): the scope as node names, startup order."""

    scope: tuple[str, ...] = ()
    timeout: float | None = None


StepArguments = ReconnectArgs | NotifyArgs | ShutdownChainArgs | ReinstantiateArgs

#: action -> the class of its typed arguments
STEP_ARGUMENT_TYPES: Mapping[str, type] = {
    "reconnect": ReconnectArgs,
    "notify": NotifyArgs,
    "shutdown_chain": ShutdownChainArgs,
    "reinstantiate": ReinstantiateArgs,
}


def _int(value: Any, default: int | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    name = getattr(value, "name", None)  # an enum-like signal
    return name if isinstance(name, str) else None


def step_arguments(action: str, values: Mapping[str, Any]) -> StepArguments:
    """The typed arguments of one ``action`` from its written or resolved ``values``.

    The one place where step arguments get their types and the §3.1 defaults
    (:mod:`compiler.defaults`): durations become float seconds, ``attempts`` and ``port``
    ints, ``scope`` a tuple of node names (a keyword the graph has not resolved gives no
    names).  Values of the wrong type count as absent; the step language has already
    reported them.
    """
    timeout = durations.seconds(values.get("timeout"))
    if action == "reconnect":
        return ReconnectArgs(attempts=_int(values.get("attempts"), None) or defaults.ATTEMPTS,
                             backoff=durations.seconds(values.get("backoff"), defaults.BACKOFF),
                             timeout=timeout)
    if action == "notify":
        return NotifyArgs(via=_str(values.get("via")) or defaults.VIA, path=_str(values.get("path")),
                          port=_int(values.get("port"), None), signal=_str(values.get("signal")),
                          timeout=timeout)
    if action == "shutdown_chain":
        return ShutdownChainArgs(chain=_str(values.get("chain")))
    if action == "reinstantiate":
        scope = values.get("scope")
        names = tuple(scope) if isinstance(scope, (list, tuple)) and all(
            map(isinstance, scope, repeat(str))) else ()  # (map: a chain's scope is long)
        return ReinstantiateArgs(scope=names, timeout=timeout)
    raise ValueError(f"unknown step action {action!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedStep:
    """One escalation step with every argument resolved (spec §3.2, §5)."""

    action: str
    args: StepArguments  # typed, defaults filled in; scope resolved to names
    shutdown_order: tuple[str, ...] = ()  # reinstantiate / shutdown_chain only
    startup_order: tuple[str, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedWiring:
    wiring: Wiring
    steps: tuple[ResolvedStep, ...]
    chain: str | None  # the effective chain
    upstream: tuple[str, ...]
    downstream: tuple[str, ...]
    propagate_to: tuple[str, ...]

    @property
    def recipients(self) -> tuple[str, ...]:
        """Who a ``notify`` step tells (spec §6): the wiring's source, then every
        ``propagate`` node, each once."""
        return tuple(dict.fromkeys((self.wiring.source, *self.propagate_to)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    source: str  # the dependent
    target: str  # what it depends on (starts first)
    kind: str  # requirement | relationship | wiring | backing_service
    label: str = ""
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphNode:
    """One node of the dependency graph: a node template and what the graph keeps of it."""

    name: str
    index: int  # source order (position among the topology's node templates)
    kind: str = "other"  # workload | backing | other
    state: str | None = None  # a workload's state; "stateful" for a backing service
    type: str = ""
    template: Any = field(default=None, compare=False, repr=False)  # the NodeTemplate


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """The dependency graph and everything resolved from it (compiler.graph).

    The graph is plain data: ``nodes`` (source order) and ``edges`` (dependent ->
    dependency, source order; ``links`` groups the parallel ones per pair, in order).
    ``compiler.graph.to_networkx`` builds a networkx ``DiGraph`` of it for the few
    callers that run a graph algorithm, so a plan needs no networkx to exist or be read.
    """

    nodes: Mapping[str, GraphNode] = field(default_factory=dict)
    edges: tuple[Edge, ...] = ()
    links: Mapping[tuple[str, str], tuple[Edge, ...]] = field(init=False, compare=False, repr=False)
    waves: tuple[tuple[str, ...], ...] = ()  # deployment order: wave 0 first
    chains: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # startup order
    wirings: Mapping[str, ResolvedWiring] = field(default_factory=dict)
    acyclic: bool = True

    def __post_init__(self) -> None:
        links: dict[tuple[str, str], list[Edge]] = {}
        for e in self.edges:
            links.setdefault((e.source, e.target), []).append(e)
        object.__setattr__(self, "edges", tuple(self.edges))
        object.__setattr__(self, "links", {pair: tuple(es) for pair, es in links.items()})
        freeze_fields(self, "nodes", "links", "chains", "wirings")

    def side_links(self, chain: str) -> tuple[dict[str, tuple[str, ...]],
                                              dict[str, tuple[str, ...]]] | None:
        """What each member's two sides include directly, for an acyclic chain: the upstream
        side of ``m`` is ``m`` and the upstream side of each member that depends on ``m``
        (§2.5); its downstream side is ``m`` and the downstream side of each member ``m``
        depends on.  Both maps list those members in startup order.  One pass over the
        plan's linked pairs: the FailurePolicy writes each side as a scope that includes
        these (docs/policies.md), so the sides of a chain cost its members plus its edges.
        None when the chain has a cycle (its sides are then written out in full)."""
        members = self.chains.get(chain, ())
        index = {m: i for i, m in enumerate(members)}
        up: dict[str, list[str]] = {m: [] for m in members}
        down: dict[str, list[str]] = {m: [] for m in members}
        for source, target in self.links:
            i, j = index.get(source), index.get(target)
            if i is None or j is None:
                continue
            if j >= i:  # the dependency does not start first: a cycle
                return None
            down[source].append(target)
            up[target].append(source)
        key = index.__getitem__
        return ({m: tuple(sorted(ds, key=key)) for m, ds in up.items()},
                {m: tuple(sorted(ts, key=key)) for m, ts in down.items()})


class SideReach:
    """Which members each side of a chain member includes directly (one direction of
    :meth:`Plan.side_links`), asked per chain and computed once per chain: what the
    FailurePolicy's scopes and the graph's sides both walk with :func:`side_closure`."""

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._links: dict[str, tuple[dict[str, tuple[str, ...]],
                                     dict[str, tuple[str, ...]]] | None] = {}

    def of(self, chain: str | None, direction: str,
           end: str) -> Mapping[str, tuple[str, ...]] | None:
        """The ``direction`` (upstream or downstream) map of ``chain`` when ``end`` is one
        of its members and the chain is acyclic; None when its side is written as members."""
        if chain is None:
            return None
        if chain not in self._links:
            self._links[chain] = self._plan.side_links(chain)
        links = self._links[chain]
        if links is None or end not in links[0]:
            return None
        return links[0] if direction == "upstream" else links[1]


def side_closure(reach: Mapping[str, tuple[str, ...]], end: str,
                 known: Callable[[str], bool]) -> list[str]:
    """The chain members whose side scopes the side of ``end`` needs and that are not
    ``known`` yet, each after every member it includes: a post-order over ``reach`` (one
    direction of :meth:`Plan.side_links`) from ``end``, children in their listed order.
    Iterative, since a chain's side can be as deep as the chain is long.  The
    FailurePolicy and ``xfc graph --format json`` name the sides in this order, so every
    scope includes only scopes listed before it."""
    out: list[str] = []
    done: set[str] = set()
    todo: list[tuple[str, bool]] = [(end, False)]
    while todo:
        node, ready = todo.pop()
        if node in done or known(node):
            continue
        if ready:
            done.add(node)
            out.append(node)
            continue
        todo.append((node, True))
        todo.extend((n, False) for n in reversed(reach[node]) if n not in done and not known(n))
    return out
