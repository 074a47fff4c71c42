"""The dependency graph and everything resolved from it.

Phase: graph.  Input: the resolved :class:`compiler.model.Topology` and its
:class:`compiler.model.xfactor.XModel`.  Output: a :class:`compiler.model.xfactor.Plan`.

The graph is plain, immutable data on the plan: one :class:`GraphNode` per node template
(``Plan.nodes``, keyed by name, in source order, the template under ``template``) and an
edge *dependent -> dependency* for every bound requirement, relationship, wiring
(source -> target) and use of a backing service (xfactor-profile.md §2.5).  Each
:class:`Edge` carries its kind, a label and the position it was written at; parallel edges
are all kept (``Plan.edges``; ``Plan.links`` per pair).  :func:`to_networkx` builds the
networkx ``DiGraph`` of a plan (the same nodes with their attributes, the parallel edges in
the edge attribute ``edges``) for a caller that runs a graph algorithm.

networkx is imported only where one is needed: on a cycle (the condensation and
:func:`find_cycles`).  An acyclic topology gets its waves from the standard library's
``graphlib.TopologicalSorter``, and the sides of wirings in a chain come from
:class:`Sides`, so ``check`` of a descriptor without cycles never imports networkx (its import is most of a small
check's start-up; docs/performance.md).

From the graph (docs/xfactor.md has the reasoning):

* **waves** — the deployment order: topological generations with dependencies first;
  nodes of one wave are sorted by source order.  A cycle is collapsed to one wave
  (its strongly connected component, networkx's condensation), so the orders stay
  defined; ``acyclic`` is then false and the check ``xf-dependency-cycle`` names the
  cycle (:func:`find_cycles`).
* **rank** — the position of each node in the concatenated waves.  Every "dependency
  order" of a subset is that subset sorted by rank; "reverse dependency order" is the
  exact reverse.  This is a valid order of the induced subgraph, and it honours
  dependencies that pass through nodes outside the subset.
* **chains** — members in startup (dependency) order.
* **resolved wirings** — the effective ladder (explicit, or the §3.3 default), every
  argument resolved, ``reinstantiate`` scopes and ``shutdown_chain`` chains as names
  with their ``shutdown_order`` (dependents first) and ``startup_order`` (dependencies
  first), the upstream and downstream sides (§2.5, computed in the chain's own
  subgraph) and the propagate targets.

Everything is linear in the size of the graph, except the sides of each wiring, which
cost the size of its chain (their output is that large).

Codes: none (``xf-dependency-cycle`` is reported by the checks, from :func:`find_cycles`).
"""

from __future__ import annotations

from collections import deque
from itertools import compress
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..diagnostics import Diagnostics
from ..model import Topology
from ..model.xfactor import (
    Edge,
    GraphNode,
    Plan,
    ResolvedStep,
    ResolvedWiring,
    Wiring,
    XModel,
    step_arguments,
)
from ..normalize import (
    is_backing_requirement,
    is_wiring_requirement,
    requirement_ordinals,
    wiring_name,
)
from ..normalize.steps import Step

if TYPE_CHECKING:  # imported where an algorithm runs, not by every check (module docstring)
    import networkx as nx

EDGE_KINDS: tuple[str, ...] = ("requirement", "relationship", "wiring", "backing_service")


# --------------------------------------------------------------------------- edges


def dependency_edges(topology: Topology, xmodel: XModel) -> list[Edge]:
    """Every dependency of the topology, in source order (spec §2.5)."""
    edges: list[Edge] = []
    req_wirings = {(w.source, w.name) for w in xmodel.wirings.values() if w.form == "relationship"}
    for node in topology.nodes.values():
        for req, ordinal, count in requirement_ordinals(node):
            if req.node is None or req.node not in topology.nodes:
                continue  # left open for substitution, or unknown (resolve reports it)
            label = req.name
            if node.name in xmodel.processes and is_wiring_requirement(topology, req):
                kind = "wiring"
                wname = wiring_name(node.name, req.name, ordinal, count)
                label = wname if (node.name, wname) in req_wirings else req.name
            elif is_backing_requirement(topology, req):
                kind = "backing_service"
            elif req.relationship_template:
                kind = "relationship"
                label = f"{req.name} ({req.relationship_template})"
            else:
                kind = "requirement"
            edges.append(Edge(source=node.name, target=req.node, kind=kind, label=label, span=req.span))
    for w in xmodel.wirings.values():
        if w.form == "policy" and w.source in topology.nodes and w.target in topology.nodes:
            edges.append(Edge(source=w.source, target=w.target, kind="wiring", label=w.name, span=w.span))
    return edges


def graph_nodes(topology: Topology, xmodel: XModel) -> dict[str, GraphNode]:
    """One :class:`GraphNode` per node template, in source order."""
    nodes: dict[str, GraphNode] = {}
    for i, node in enumerate(topology.nodes.values()):
        if node.name in xmodel.backing:
            kind, state = "backing", "stateful"
        elif node.name in xmodel.processes:
            kind, state = "workload", xmodel.processes[node.name].state
        else:
            kind, state = "other", None
        nodes[node.name] = GraphNode(name=node.name, index=i, kind=kind, state=state,
                                     type=node.type, template=node)
    return nodes


def build_graph(nodes: Mapping[str, GraphNode], edges: Iterable[Edge]) -> nx.DiGraph:
    """A networkx ``DiGraph`` of ``nodes`` (attributes ``template``, ``index``, ``kind``,
    ``state``, ``type``) and ``edges`` (the parallel ones listed in the edge attribute
    ``edges``, in source order).  A new graph on each call: the caller owns it."""
    import networkx as nx

    g = nx.DiGraph()
    for n in nodes.values():
        g.add_node(n.name, template=n.template, index=n.index, kind=n.kind, state=n.state,
                   type=n.type)
    for e in edges:
        if g.has_edge(e.source, e.target):
            g[e.source][e.target]["edges"].append(e)
        else:
            g.add_edge(e.source, e.target, edges=[e])
    return g


def to_networkx(plan: Plan) -> nx.DiGraph:
    """The dependency graph of ``plan`` as a networkx ``DiGraph`` (:func:`build_graph`)."""
    return build_graph(plan.nodes, plan.edges)


# --------------------------------------------------------------------------- orders


def deployment_waves(nodes: Mapping[str, GraphNode],
                     edges: Iterable[Edge]) -> tuple[tuple[tuple[str, ...], ...], bool]:
    """Topological generations, dependencies first, and whether the graph is acyclic.

    An acyclic graph's generations come from ``graphlib``: ``get_ready()`` after every
    node of the last batch is ``done()`` gives exactly the next generation.  On a cycle
    (``CycleError``) the generations are those of networkx's condensation, where each
    strongly connected component collapses into one wave.
    """
    edges = tuple(edges)
    index = {name: n.index for name, n in nodes.items()}
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for name in nodes:
        sorter.add(name)
    for e in edges:
        sorter.add(e.source, e.target)  # the dependency is a predecessor: it starts first
    try:
        sorter.prepare()
    except CycleError:
        return _condensed_waves(build_graph(nodes, edges), index), False
    waves: list[tuple[str, ...]] = []
    while sorter.is_active():
        ready = sorter.get_ready()
        waves.append(tuple(sorted(ready, key=lambda n: index.get(n, 0))))
        sorter.done(*ready)
    return tuple(waves), True


def _condensed_waves(g: nx.DiGraph, index: Mapping[str, int]) -> tuple[tuple[str, ...], ...]:
    """Topological generations of the condensation: a cycle is one wave."""
    import networkx as nx

    cond = nx.condensation(g)
    waves: list[tuple[str, ...]] = []
    for gen in nx.topological_generations(cond.reverse(copy=False)):
        members = [m for c in gen for m in cond.nodes[c]["members"]]
        members.sort(key=lambda n: index.get(n, 0))
        waves.append(tuple(members))
    return tuple(waves)


def find_cycles(g: nx.DiGraph) -> list[tuple[str, ...]]:
    """One cycle per strongly connected component that has one: ``(a, b, ..., a)``.

    Each cycle starts at the member that comes first in source order and is a shortest
    cycle through it (breadth-first, successors in source order), so the report is
    deterministic.
    """
    import networkx as nx

    index = nx.get_node_attributes(g, "index")

    def key(n: str) -> int:
        position: int = index.get(n, 0)
        return position

    cycles: list[tuple[str, ...]] = []
    for scc in nx.strongly_connected_components(g):
        start = min(scc, key=key)
        if len(scc) == 1:
            if g.has_edge(start, start):
                cycles.append((start, start))
            continue
        parent: dict[str, str] = {start: start}
        queue = deque([start])
        closing = None
        while queue and closing is None:
            u = queue.popleft()
            for v in sorted(g.successors(u), key=key):
                if v == start:
                    closing = u
                    break
                if v in scc and v not in parent:
                    parent[v] = u
                    queue.append(v)
        path = [start]
        n = closing
        while n is not None and n != start:
            path.append(n)
            n = parent[n]
        path = [start] + list(reversed(path[1:])) + [start]
        cycles.append(tuple(path))
    cycles.sort(key=lambda c: key(c[0]))
    return cycles


class Orders:
    """Dependency orders of subsets, by rank in the deployment waves."""

    def __init__(self, waves: Iterable[Iterable[str]]) -> None:
        self.rank: dict[str, int] = {}
        for wave in waves:
            for n in wave:
                self.rank[n] = len(self.rank)

    def startup(self, names: Iterable[str]) -> tuple[str, ...]:
        """Dependencies first."""
        return tuple(sorted({n for n in names if n in self.rank}, key=self.rank.__getitem__))

    def shutdown(self, names: Iterable[str]) -> tuple[str, ...]:
        """Dependents first: the exact reverse of :meth:`startup`."""
        return tuple(reversed(self.startup(names)))


# --------------------------------------------------------------------------- wirings


_BITS = bytes.maketrans(b"01", b"\x00\x01")


class Sides:
    """Upstream and downstream sides of wirings, each chain's sides computed once.

    In an acyclic chain every member's two sides are computed together, in one pass over
    the members in startup order, as bit sets indexed by that order (a member's downstream
    is itself and the downstream of each member it depends on; its upstream likewise in
    reverse), and each side is read out once, in startup order, shared frozen by every
    wiring from (upstream) or to (downstream) that member: no walk and no sort per wiring.
    A chain with a cycle falls back to one breadth-first walk per member.  A wiring in no
    chain has its two ends as sides.
    """

    def __init__(self, edges: Iterable[Edge], chains: Mapping[str, tuple[str, ...]]) -> None:
        self.chains = chains  # each chain's members in startup order (build_plan)
        self._succ: dict[str, list[str]] = {}
        for e in edges:
            succ = self._succ.setdefault(e.source, [])
            if e.target not in succ:
                succ.append(e.target)
        # (chain, member) -> side, in startup order
        self._up: dict[tuple[str, str], tuple[str, ...]] = {}
        self._down: dict[tuple[str, str], tuple[str, ...]] = {}
        self._done: set[str] = set()
        self._orders: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._sets: dict[int, tuple[tuple[str, ...], frozenset[str]]] = {}

    def _compute(self, chain: str) -> None:
        self._done.add(chain)
        members = self.chains.get(chain, ())
        index = {m: i for i, m in enumerate(members)}
        succ = [[index[t] for t in self._succ.get(m, ()) if t in index] for m in members]
        if all(j < i for i, js in enumerate(succ) for j in js):  # acyclic: bit sets
            down = [0] * len(members)
            for i, js in enumerate(succ):
                bits = 1 << i
                for j in js:
                    bits |= down[j]
                down[i] = bits
            up = [1 << i for i in range(len(members))]
            for i in range(len(members) - 1, -1, -1):
                for j in succ[i]:
                    up[j] |= up[i]
            for i, m in enumerate(members):
                self._up[(chain, m)] = self._read(up[i], members)
                self._down[(chain, m)] = self._read(down[i], members)[::-1]
            return
        pred: list[list[int]] = [[] for _ in members]
        for i, js in enumerate(succ):
            for j in js:
                pred[j].append(i)
        for i, m in enumerate(members):
            self._up[(chain, m)] = self._walk(i, pred, members)
            self._down[(chain, m)] = self._walk(i, succ, members)[::-1]

    @staticmethod
    def _read(bits: int, members: tuple[str, ...]) -> tuple[str, ...]:
        """The members whose bits are set, in startup order."""
        return tuple(compress(members, bin(bits)[:1:-1].encode().translate(_BITS)))

    @staticmethod
    def _walk(start: int, nxt: list[list[int]], members: tuple[str, ...]) -> tuple[str, ...]:
        """``start`` and every member reachable from it along ``nxt``, in startup order."""
        seen = {start}
        todo = [start]
        while todo:
            for j in nxt[todo.pop()]:
                if j not in seen:
                    seen.add(j)
                    todo.append(j)
        return tuple(members[i] for i in sorted(seen))

    def _side(self, sides: dict[tuple[str, str], tuple[str, ...]], chain: str,
              end: str) -> tuple[str, ...]:
        if chain not in self._done:
            self._compute(chain)
        return sides.get((chain, end), (end,))  # an end outside the chain: itself

    def upstream(self, w: Wiring, chain: str | None) -> tuple[str, ...]:
        """``S`` and every chain member that depends on ``S``, transitively (§2.5), in
        startup order."""
        return (w.source,) if chain is None else self._side(self._up, chain, w.source)

    def downstream(self, w: Wiring, chain: str | None) -> tuple[str, ...]:
        """``T`` and every chain member that ``T`` depends on, transitively (§2.5), in
        shutdown order."""
        return (w.target,) if chain is None else self._side(self._down, chain, w.target)

    def member_set(self, chain: str) -> frozenset[str]:
        """A chain's members as a set, made once per chain."""
        return self.as_set(self.chains.get(chain, ()))

    def chain_orders(self, chain: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A chain's startup and shutdown orders, made once per chain (its members are
        held in startup order)."""
        found = self._orders.get(chain)
        if found is None:
            members = self.chains[chain]
            found = self._orders[chain] = (members, members[::-1])
        return found

    def as_set(self, side: tuple[str, ...]) -> frozenset[str]:
        """A side as a set, made once per side."""
        found = self._sets.get(id(side))  # sides are shared: keyed by identity
        if found is None or found[0] is not side:
            found = self._sets[id(side)] = (side, frozenset(side))
        return found[1]


def effective_ladder(w: Wiring, xmodel: XModel) -> tuple[Step, ...]:
    """The steps as written, or the §3.3 default for the wiring's target and chain."""
    if w.explicit_on_failure and w.on_failure:
        return tuple(w.on_failure)
    target = xmodel.processes.get(w.target)
    first = "notify" if target is not None and target.state == "stateful" else "reconnect"
    steps = [Step(action=first, span=w.span)]
    chain = xmodel.chains.get(w.chain) if w.chain else None
    if chain is not None and chain.fragile:
        steps.append(Step(action="shutdown_chain", span=w.span))
    return tuple(steps)


def scope_names(step: Step, w: Wiring, chain: str | None, sides: Sides, up: tuple[str, ...],
                down: tuple[str, ...]) -> tuple[str, ...] | set[str]:
    """The names a ``reinstantiate`` scope stands for (unknown names kept; checks report)."""
    scope = step.arg("scope")
    if isinstance(scope, tuple):
        return scope
    if scope == "source":
        return {w.source}
    if scope == "upstream":
        return up
    if scope == "downstream":
        return down
    if scope == "chain":
        return set(sides.chains.get(chain, ())) if chain else set()
    return {w.target}


def resolve_wiring(w: Wiring, xmodel: XModel, orders: Orders, sides: Sides) -> ResolvedWiring:
    chain = w.chain if w.chain in sides.chains else None
    upstream = sides.upstream(w, chain)  # outward from the wiring: S, then its dependents
    downstream = sides.downstream(w, chain)  # outward: T, then what it depends on
    if len(upstream) == 1:  # an end alone (no chain, or outside it): ordered if ranked
        upstream = orders.startup(upstream)
    if len(downstream) == 1:
        downstream = orders.shutdown(downstream)
    propagate_to: tuple[str, ...] = ()
    if w.propagate == "upstream":
        propagate_to = upstream
    elif w.propagate == "downstream":
        propagate_to = downstream
    elif w.propagate == "both":
        up_set = sides.as_set(upstream)
        propagate_to = upstream + tuple(n for n in downstream if n not in up_set)
    steps: list[ResolvedStep] = []
    for step in effective_ladder(w, xmodel):
        values: dict[str, Any] = step.resolved_args()
        if step.action == "notify" and values.get("timeout") is None:
            values["timeout"] = w.detect_after  # spec §3.1: notify waits detect_after
        shutdown: tuple[str, ...] = ()
        startup: tuple[str, ...] = ()
        if step.action == "reinstantiate":
            names = scope_names(step, w, chain, sides, upstream, downstream)
            members = sides.member_set(chain) if chain else None
            known = [n for n in names if n in orders.rank and (members is None or n in members)]
            startup = orders.startup(known)
            shutdown = tuple(reversed(startup))  # orders.shutdown, without sorting again
            values["scope"] = startup
        elif step.action == "shutdown_chain":
            target_chain = step.arg("chain") or chain
            if target_chain is not None and target_chain in sides.chains:
                values["chain"] = target_chain
                startup, shutdown = sides.chain_orders(target_chain)
            else:  # no chain, or an unknown one (xf-scope-unknown / xf-fragile-no-chain)
                values.pop("chain", None)
        args = step_arguments(step.action, values)
        steps.append(ResolvedStep(action=step.action, args=args, shutdown_order=shutdown,
                                  startup_order=startup, span=step.span))
    return ResolvedWiring(wiring=w, steps=tuple(steps), chain=chain, upstream=upstream,
                          downstream=downstream, propagate_to=propagate_to)


# --------------------------------------------------------------------------- entry point


def build_plan(topology: Topology, xmodel: XModel, diags: Diagnostics) -> Plan:
    """Build the dependency graph of ``topology`` and resolve every order from it."""
    edges = dependency_edges(topology, xmodel)
    nodes = graph_nodes(topology, xmodel)
    waves, acyclic = deployment_waves(nodes, edges)
    orders = Orders(waves)
    chains = {c.name: orders.startup(m for m in c.members if m in nodes) for c in xmodel.chains.values()}
    sides = Sides(edges, chains)
    wirings = {name: resolve_wiring(w, xmodel, orders, sides) for name, w in xmodel.wirings.items()}
    return Plan(nodes=nodes, edges=tuple(edges), waves=waves, chains=chains, wirings=wirings,
                acyclic=acyclic)


__all__ = [
    "EDGE_KINDS",
    "Orders",
    "Sides",
    "build_graph",
    "build_plan",
    "dependency_edges",
    "deployment_waves",
    "effective_ladder",
    "find_cycles",
    "graph_nodes",
    "resolve_wiring",
    "to_networkx",
]
