"""The X-factor rules of xfactor-profile.md §4, one function per rule.

Phase: check.  Input: a :class:`compiler.pipeline.Compilation` with ``topology``,
``xmodel`` and ``plan``.  Output: diagnostics.  Listed in
:data:`compiler.checks.RULES`; each function is ``rule(unit, diags) -> None``.

Positions: a rule reports where the offending value is written — the step (or the
argument inside the step string, through ``Step.arg_spans``), the nested property
(``scratch.lifetime``, ``volumes[1].persistent``), the requirement, or for a default
ladder the wiring itself.

Codes: xf-no-traits, xf-stateless-local-state, xf-scratch-lifetime, xf-sticky-session,
xf-reconnect-stateful, xf-reconnect-single, xf-notify-no-endpoint, xf-scope-unknown,
xf-fragile-no-chain, xf-stateful-no-backing, xf-dependency-cycle.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..diagnostics import Diagnostics, Severity, Span
from ..graph import effective_ladder, find_cycles, to_networkx
from ..model import NodeTemplate, Topology
from ..model.frozen import span_at
from ..model.ir import BackEndInput
from ..model.xfactor import BACKING_TYPE, Process, Wiring
from ..normalize import (
    CNF_TYPE,
    is_backing_requirement,
    is_persistent_storage,
    max_replicas,
)
from ..normalize.steps import Step

# --------------------------------------------------------------------------- helpers


def _ladders(unit: BackEndInput) -> Iterator[tuple[Wiring, Step, bool]]:
    """(wiring, step, explicit) for every step of every wiring's effective ladder."""
    for w in unit.xmodel.wirings.values():
        for step in effective_ladder(w, unit.xmodel):
            yield w, step, bool(w.explicit_on_failure and w.on_failure)


def _effective_chain(unit: BackEndInput, w: Wiring) -> str | None:
    return w.chain if w.chain in unit.xmodel.chains else None


def _persistent_volumes(node: NodeTemplate) -> list[tuple[int, Span]]:
    vols = node.properties.get("volumes") if CNF_TYPE in node.types else None
    if not isinstance(vols, (list, tuple)):
        return []
    default = node.property_spans.get("volumes", node.span)
    out = []
    for i, v in enumerate(vols):
        if isinstance(v, dict) and v.get("persistent") is True:
            out.append((i, span_at(vols, (i, "persistent"), default)))
    return out


def _storage_requirements(node: NodeTemplate, topology: Topology) -> list[tuple[str, Span]]:
    out = []
    for req in node.requirements:
        target = topology.nodes.get(req.node) if req.node else None
        if target is not None and is_persistent_storage(target):
            out.append((target.name, req.span))
    return out


def _state_span(p: Process) -> Span:
    return p.property_spans.get("state", p.span)


# --------------------------------------------------------------------------- rules


def no_traits(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-no-traits: a workload without process traits is treated as stateless (§2.1)."""
    for name in unit.xmodel.workloads:
        p = unit.xmodel.processes.get(name)
        if p is not None and p.origin == "default":
            node = unit.topology.nodes[name]
            diags.add("xf-no-traits",
                      f"workload '{name}' ({node.type}) has no process traits; it is treated as "
                      "stateless", node.span,
                      hint="give it traits with an xfactor.policies.Process policy"
                      + (" or its 'process' property" if CNF_TYPE in node.types else ""))


def stateless_local_state(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-stateless-local-state: persistent local storage on a stateless process."""
    topo = unit.topology
    for name, p in unit.xmodel.processes.items():
        if not p.stateless:
            continue
        node = topo.nodes[name]
        # A descriptor that does not use the X-factor profile at all (a plain SOL001 VNFD)
        # has not claimed its VDUs are stateless: they are only treated so by default
        # (spec §2.1).  There the finding is a warning, so that standard descriptors still
        # compile; once the profile is imported, the spec's error applies (docs/xfactor.md).
        assumed = p.origin == "default" and not unit.xmodel.uses_profile
        severity = Severity.WARNING if assumed else None
        who = (f"process '{name}' (no process traits, so treated as stateless)" if assumed
               else f"stateless process '{name}'")
        for i, span in _persistent_volumes(node):
            vol = node.properties["volumes"][i].get("name", i)
            diags.add("xf-stateless-local-state",
                      f"{who} mounts persistent volume '{vol}', which outlives the process", span,
                      hint="keep state in a backing service, or declare the process stateful",
                      severity=severity)
        for storage, span in _storage_requirements(node, topo):
            diags.add("xf-stateless-local-state",
                      f"{who} attaches storage '{storage}' ({topo.nodes[storage].type}), which "
                      "outlives the process", span,
                      hint="keep state in a backing service, or declare the process stateful",
                      severity=severity)


def scratch_lifetime(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-scratch-lifetime: a stateless process may only cache for one transaction."""
    for name, p in unit.xmodel.processes.items():
        if p.stateless and p.scratch_lifetime == "process":
            diags.add("xf-scratch-lifetime",
                      f"stateless process '{name}' keeps its scratch cache for the process's "
                      "lifetime; factor VI allows only a single-transaction cache",
                      p.property_spans.get("scratch.lifetime", p.span),
                      hint="use lifetime: transaction, or move the data to a backing service")


def sticky_session(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-sticky-session: session stickiness needs an expiring session store (§2.3)."""
    topo, xm = unit.topology, unit.xmodel
    for w in xm.wirings.values():
        if w.stickiness != "session":
            continue
        target = xm.processes.get(w.target)
        if target is None or not target.stateless:
            continue
        span = w.property_spans.get("stickiness", w.span)
        store = target.session_store
        if store is None:
            diags.add("xf-sticky-session",
                      f"wiring '{w.name}' is session-sticky, but its stateless target "
                      f"'{w.target}' declares no session.store", span,
                      hint="give the target session: {store: <an xfactor.nodes.BackingService "
                           "with expiry: true>}, or use stickiness: none")
            continue
        node = topo.nodes.get(store)
        if node is None or BACKING_TYPE not in node.types:
            what = "names no node template" if node is None else \
                f"is a {node.type}, not an xfactor.nodes.BackingService"
            diags.add("xf-sticky-session",
                      f"wiring '{w.name}' is session-sticky, but the session store '{store}' of "
                      f"'{w.target}' {what}", span)
        elif not (store in xm.backing and xm.backing[store].expiry):
            diags.add("xf-sticky-session",
                      f"wiring '{w.name}' is session-sticky, but the session store '{store}' of "
                      f"'{w.target}' does not expire keys (expiry: true)", span,
                      hint="sessions must live in a store with time-expiry (Redis, Memcached)")


def _manifest_services(unit: BackEndInput, node: NodeTemplate) -> Iterator[tuple[dict[str, str], Span, str]]:
    """Kubernetes Services with ``sessionAffinity: ClientIP`` that belong to ``node``.

    Looked for in the node's own artifacts that are YAML files, and in
    ``Files/kubernetes/*.yaml`` (Tacker's layout) when the Service's name or selector
    names the VDU (its ``name`` property or its template name).  The loader has read
    those files (``Topology.shipped``, compiler.loader.shipped); nothing is opened here.
    """
    topo = unit.topology
    own = {f.name for f in topo.shipped if node.name in f.artifact_of}
    ids = {node.name}
    if isinstance(node.properties.get("name"), str):
        ids.add(node.properties["name"])
    files = [f for f in topo.shipped if f.name in own] + \
        [f for f in topo.shipped if f.kubernetes and f.name not in own]
    for f in files:
        mine = f.name in own
        for doc in f.documents:
            svc = _service_affinity(doc)
            if svc is None:
                continue
            meta_name, selector, span = svc
            if mine or meta_name in ids or ids & set(selector):
                yield {"name": meta_name}, span, f.name


def _service_affinity(doc: Any) -> tuple[str, list[str], Span] | None:
    """(metadata.name, selector values, span of the value) of a ClientIP Service."""
    if not isinstance(doc, dict) or doc.get("kind") != "Service":
        return None
    spec = doc.get("spec")
    if not isinstance(spec, dict) or spec.get("sessionAffinity") != "ClientIP":
        return None
    meta = doc.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    sel = spec.get("selector")
    selector = [str(v) for v in sel.values() if isinstance(v, (str, int, float, bool))] \
        if isinstance(sel, dict) else []
    # a shipped document is the loader's positioned map (compiler.loader.yamlpos.PMap)
    where: Span = spec.value_span("sessionAffinity")  # type: ignore[attr-defined]
    return (name if isinstance(name, str) else ""), selector, where


def service_affinity(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-sticky-session: a Service of a stateless workload asks for client affinity."""
    for name, p in unit.xmodel.processes.items():
        if not p.stateless:
            continue
        node = unit.topology.nodes[name]
        for svc, span, _file in _manifest_services(unit, node):
            diags.add("xf-sticky-session",
                      f"Service '{svc['name']}' of stateless workload '{name}' asks for client "
                      "affinity (sessionAffinity: ClientIP); sticky sessions are forbidden",
                      span, hint="use sessionAffinity: None and keep session state in a session "
                                 "store with expiry (process.session.store)")


def reconnect_stateful(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-reconnect-stateful: reconnecting to another instance loses a stateful target's state."""
    for w, step, _explicit in _ladders(unit):
        target = unit.xmodel.processes.get(w.target)
        if step.action == "reconnect" and target is not None and target.state == "stateful":
            diags.add("xf-reconnect-stateful",
                      f"wiring '{w.name}' reconnects to stateful target '{w.target}': another "
                      "instance does not hold its state", step.span,
                      hint="use notify (the default for a stateful target) or reinstantiate")


def reconnect_single(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-reconnect-single: reconnect needs another instance to reconnect to."""
    for w, step, explicit in _ladders(unit):
        if step.action != "reconnect" or w.target not in unit.topology.nodes:
            continue
        target = unit.xmodel.processes.get(w.target)
        if target is not None and target.state == "stateful":
            continue  # xf-reconnect-stateful says more
        most = max_replicas(unit.topology.nodes[w.target])
        if most is not None and most <= 1:
            how = "" if explicit else " (the default ladder of a stateless target)"
            diags.add("xf-reconnect-single",
                      f"wiring '{w.name}' reconnects{how} to '{w.target}', which runs at most "
                      f"{most} instance: there is no other instance to reconnect to",
                      step.span, hint="raise the target's maximum replica count "
                                      "(replicas.max, or vdu_profile.max_number_of_instances)")


def notify_no_endpoint(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-notify-no-endpoint: notify over http needs path and port, over signal a signal."""
    for w, step, _explicit in _ladders(unit):
        if step.action != "notify":
            continue
        via = step.arg("via")
        if via == "http":
            missing = [a for a in ("path", "port") if step.arg(a) is None]
            if missing:
                diags.add("xf-notify-no-endpoint",
                          f"notify(via=http) on wiring '{w.name}' has no "
                          f"{' and no '.join(missing)}: the orchestrator cannot reach "
                          f"'{w.source}'", step.span_of("via"),
                          hint='e.g. notify(via=http, path="/wiring-failed", port=8080)')
        elif via == "signal" and step.arg("signal") is None:
            diags.add("xf-notify-no-endpoint",
                      f"notify(via=signal) on wiring '{w.name}' names no signal to send to "
                      f"'{w.source}'", step.span_of("via"),
                      hint="e.g. notify(via=signal, signal=SIGUSR1)")


def scope_unknown(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-scope-unknown: a scope or chain names nothing, or something outside the chain."""
    topo, xm = unit.topology, unit.xmodel
    member_sets: dict[str, frozenset[str]] = {}  # each chain's, made once (not per step)
    for w, step, _explicit in _ladders(unit):
        chain = _effective_chain(unit, w)
        if step.action == "reinstantiate":
            scope = step.arg("scope")
            if isinstance(scope, tuple):
                members = None
                if chain:
                    members = member_sets.get(chain)
                    if members is None:
                        members = member_sets[chain] = frozenset(xm.chains[chain].members)
                for i, name in enumerate(scope):
                    span = step.span_of(f"scope[{i}]")
                    if name not in topo.nodes:
                        diags.add("xf-scope-unknown",
                                  f"reinstantiate scope of wiring '{w.name}' names '{name}', "
                                  "which is no node template", span,
                                  hint=_did_you_mean(name, topo.nodes))
                    elif members is not None and name not in members:
                        diags.add("xf-scope-unknown",
                                  f"reinstantiate scope of wiring '{w.name}' names '{name}', "
                                  f"which lies outside the wiring's chain '{chain}'", span,
                                  hint=f"members of '{chain}': "
                                       f"{', '.join(xm.chains[str(chain)].members)}")
            elif scope == "chain" and chain is None and w.chain is None:
                diags.add("xf-scope-unknown",
                          f"reinstantiate(scope=chain) on wiring '{w.name}', which belongs to no "
                          "chain", step.span_of("scope"),
                          hint="name the chain in the wiring's 'chain' property, or list the scope")
        elif step.action == "shutdown_chain":
            named = step.arg("chain")
            if named is None:
                continue
            span = step.span_of("chain")
            if named not in xm.chains:
                diags.add("xf-scope-unknown",
                          f"shutdown_chain on wiring '{w.name}' names chain '{named}', which is no "
                          "xfactor.groups.Chain", span, hint=_did_you_mean(named, xm.chains))
            elif chain is not None and named != chain:
                diags.add("xf-scope-unknown",
                          f"shutdown_chain on wiring '{w.name}' names chain '{named}', outside the "
                          f"wiring's chain '{chain}'", span)


def fragile_no_chain(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-fragile-no-chain: shutdown_chain on a wiring that belongs to no chain."""
    for w, step, _explicit in _ladders(unit):
        if step.action != "shutdown_chain" or _effective_chain(unit, w) is not None:
            continue
        if w.chain is not None:
            continue  # names an unknown chain: xf-scope-unknown already says so
        diags.add("xf-fragile-no-chain",
                  f"shutdown_chain on wiring '{w.name}' ({w.source} -> {w.target}), which belongs "
                  "to no chain", step.span,
                  hint="put both ends in an xfactor.groups.Chain, or name it in the wiring's "
                       "'chain' property")


def stateful_no_backing(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-stateful-no-backing: a stateful process keeps its state nowhere that lasts."""
    topo = unit.topology
    for name, p in unit.xmodel.processes.items():
        if p.state != "stateful":
            continue
        node = topo.nodes[name]
        if any(req.node is not None and is_backing_requirement(topo, req) for req in node.requirements):
            continue
        if _persistent_volumes(node) or _storage_requirements(node, topo):
            continue
        diags.add("xf-stateful-no-backing",
                  f"stateful process '{name}' has neither a backing service nor persistent "
                  "storage: its state dies with it", _state_span(p),
                  hint="add a backing_service requirement, or a persistent volume")


def dependency_cycle(unit: BackEndInput, diags: Diagnostics) -> None:
    """xf-dependency-cycle: the deployment-order graph must be acyclic (§2.5)."""
    plan = unit.plan
    if plan.acyclic:
        return
    links = plan.links
    for cycle in find_cycles(to_networkx(plan)):  # networkx only here, on a cycle
        first = links[cycle[0], cycle[1]][0]
        kinds = [links[a, b][0].kind for a, b in zip(cycle, cycle[1:], strict=False)]
        path = " -> ".join(cycle)
        diags.add("xf-dependency-cycle",
                  f"the deployment order has a cycle: {path} (by {', '.join(kinds)})",
                  first.span, hint="a node cannot start after itself: break one of these "
                                   "requirements or wirings")


def _did_you_mean(name: str, known: Any) -> str:
    from ..suggest import did_you_mean

    return did_you_mean(name, known)


__all__ = [
    "dependency_cycle",
    "fragile_no_chain",
    "no_traits",
    "notify_no_endpoint",
    "reconnect_single",
    "reconnect_stateful",
    "scope_unknown",
    "scratch_lifetime",
    "service_affinity",
    "stateful_no_backing",
    "stateless_local_state",
    "sticky_session",
]
