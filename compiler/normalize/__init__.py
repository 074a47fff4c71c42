"""Normalisation: the policy form and the native form of the X-factor profile, made one.

Phase: normalize.  Input: a resolved :class:`compiler.model.Topology`.  Output: an
:class:`compiler.model.xfactor.XModel` of processes (one per workload), backing
services, wirings and chains, so that later phases never look at which form was used
(xfactor-profile.md §2.1, §2.3, §2.4).

* Process traits come from the ``process`` property of an ``xfactor.nodes.CNF``
  (native form) or from an ``xfactor.policies.Process`` whose targets name the node or
  a group holding it (policy form).  A workload with neither is stateless
  (``origin="default"``; the checks add the ``xf-no-traits`` note).
* Wirings come from an ``xfactor.policies.Wiring`` (policy form) or from a requirement
  of any workload (CNF, SOL001 VDU, TOSCA container) whose relationship is
  ``xfactor.relationships.Wiring`` or derived from it, or, with no relationship
  given, whose requirement name is ``wiring`` (relationship form; docs/xfactor.md).
* ``on_failure`` strings are parsed with :mod:`compiler.normalize.steps` at the
  positions the YAML loader recorded, which the frozen property values of the IR carry
  (``FrozenMap.value_spans``, ``FrozenList.item_spans``), so a syntax error points inside
  the string.  Normalize never reads ``Topology.package``.

Codes: xf-process-conflict, xf-process-target, xf-wiring-conflict, xf-wiring-endpoint,
xf-scope-unknown (a wiring's ``chain`` names no chain, or a chain that does not hold
both ends), and xf-step-syntax (through the step parser).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from ..defaults import DETECT_AFTER
from ..diagnostics import NO_SPAN, Diagnostics, Span
from ..model import NodeTemplate, Requirement, Topology
from ..model.frozen import FrozenMap, span_at
from ..model.xfactor import (
    BACKING_TYPE,
    WORKLOAD_TYPES,
    BackingService,
    Chain,
    Process,
    Wiring,
    XModel,
)
from .steps import Step, parse_step, parse_steps

CNF_TYPE = "xfactor.nodes.CNF"
PROCESS_POLICY = "xfactor.policies.Process"
WIRING_POLICY = "xfactor.policies.Wiring"
WIRING_REL = "xfactor.relationships.Wiring"
USES_BACKING_REL = "xfactor.relationships.UsesBackingService"
CHAIN_GROUP = "xfactor.groups.Chain"

# Node types of storage that outlives the process that mounts it (spec §4,
# xf-stateless-local-state).  SOL001 2.x-4.x and TOSCA 1.3 normative types.
PERSISTENT_STORAGE_TYPES: tuple[str, ...] = (
    "tosca.nodes.nfv.Vdu.VirtualBlockStorage",
    "tosca.nodes.nfv.Vdu.VirtualFileStorage",
    "tosca.nodes.nfv.Vdu.VirtualObjectStorage",
    "tosca.nodes.nfv.Vdu.VirtualStorage",  # SOL001 2.4 (deprecated, still seen)
    "tosca.nodes.BlockStorage",
    "tosca.nodes.Storage.BlockStorage",
    "tosca.nodes.Storage.ObjectStorage",
)


# --------------------------------------------------------------------------- type tests


def type_is(types: tuple[str, ...], type_name: str | None, base: str) -> bool:
    """Whether the type ``type_name``, whose ancestry (most derived first, as resolve
    records it on the IR) is ``types``, is ``base`` or derives from it."""
    if not type_name:
        return False
    return type_name == base or base in types


VNF_TYPE = "tosca.nodes.nfv.VNF"


def is_workload(node: NodeTemplate) -> bool:
    return any(t in node.types for t in WORKLOAD_TYPES)


def workload_names(topology: Topology) -> tuple[str, ...]:
    """The workloads of ``topology``, source order.

    A ``tosca.nodes.nfv.VNF`` template counts only when nothing else does: in a VNFD
    the VNF node is the abstract whole that its VDUs realise (SOL001 §6.8), and only
    the VDUs run as processes; in an NSD-like topology the VNFs are the units.
    """
    found = [n for n in topology.nodes.values() if is_workload(n) and not is_backing(n)]
    finer = [n for n in found if any(t in n.types for t in WORKLOAD_TYPES if t != VNF_TYPE)]
    return tuple(n.name for n in (finer or found))


def is_backing(node: NodeTemplate) -> bool:
    return BACKING_TYPE in node.types


def is_persistent_storage(node: NodeTemplate) -> bool:
    return any(t in node.types for t in PERSISTENT_STORAGE_TYPES)


def is_wiring_requirement(topology: Topology, req: Requirement) -> bool:
    """A requirement that declares a wiring (relationship form, spec §2.3)."""
    if req.relationship:
        return type_is(req.relationship_types, req.relationship, WIRING_REL)
    if req.relationship_template:
        rel = topology.relationships.get(req.relationship_template)
        rel_type = getattr(rel, "type", None) if rel is not None else None
        ancestry = getattr(rel, "types", None) if rel is not None else None
        if isinstance(rel, Mapping):  # resolve keeps relationship templates as mappings
            rel_type = rel_type or rel.get("type")
            ancestry = rel.get("types")
        return type_is(tuple(ancestry or ()), rel_type, WIRING_REL)
    return req.name == "wiring"


def is_backing_requirement(topology: Topology, req: Requirement) -> bool:
    """A requirement on a backing service (by relationship or by its target's type)."""
    if req.node is not None:
        target = topology.nodes.get(req.node)
        if target is not None and is_backing(target):
            return True
    return type_is(req.relationship_types, req.relationship, USES_BACKING_REL)


def max_replicas(node: NodeTemplate) -> int | None:
    """The most instances a workload may run, or None when the descriptor does not say.

    ``xfactor.nodes.CNF``: ``replicas.max`` (default 1, spec §2.2).  SOL001 VDUs:
    ``vdu_profile.max_number_of_instances``.
    """
    props = node.properties
    if CNF_TYPE in node.types:
        rep = props.get("replicas")
        if isinstance(rep, Mapping):
            value = rep.get("max", 1)
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        return 1
    prof = props.get("vdu_profile")
    if isinstance(prof, Mapping):
        value = prof.get("max_number_of_instances")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def seconds(value: Any, default: float | None) -> float | None:
    """A scalar-unit.time (``"30 s"``) or a number as float seconds; anything else keeps
    the default (resolve reports a wrong type).  See :mod:`compiler.durations`."""
    from ..durations import seconds as _seconds

    return _seconds(value, default, finite=False)  # inf stays: compiler.bounds refuses it


# --------------------------------------------------------------------------- requirements


def requirement_ordinals(node: NodeTemplate) -> Iterator[tuple[Requirement, int, int]]:
    """Each requirement of ``node`` in order, as (requirement, ordinal, count): its 0-based
    position among the node's requirements of that name, and how many there are."""
    counts: dict[str, int] = {}
    for req in node.requirements:
        counts[req.name] = counts.get(req.name, 0) + 1
    seen: dict[str, int] = {}
    for req in node.requirements:
        ordinal = seen.get(req.name, 0)
        seen[req.name] = ordinal + 1
        yield req, ordinal, counts[req.name]


def wiring_name(node: str, req: str, ordinal: int, count: int) -> str:
    """The name of a relationship-form wiring: ``<node>.<requirement>``, with ``.<n>``
    (1-based) appended when the node assigns that requirement more than once."""
    return f"{node}.{req}" + (f".{ordinal + 1}" if count > 1 else "")


# --------------------------------------------------------------------------- processes


@dataclass(slots=True)
class _TraitSource:
    node: str
    props: Mapping[str, Any]
    origin: str  # native | policy
    policy: str | None
    span: Span


def _trait_sources(topology: Topology, workset: frozenset[str], diags: Diagnostics) -> list[_TraitSource]:
    found: list[_TraitSource] = []
    node: NodeTemplate | None
    for node in topology.nodes.values():
        if CNF_TYPE in node.types and isinstance(node.properties.get("process"), Mapping):
            found.append(_TraitSource(
                node=node.name, props=node.properties["process"], origin="native", policy=None,
                span=node.property_spans.get("process", node.span)))
    for pol in topology.policies.values():
        if not pol.is_a(PROCESS_POLICY):
            continue
        for i, target in enumerate(pol.targets):
            tspan = pol.target_spans[i] if i < len(pol.target_spans) else pol.span
            if target in topology.groups:
                names = topology.groups[target].members
            else:
                names = (target,)
            for name in names:
                node = topology.nodes.get(name)
                if node is None:
                    continue  # an unknown target is resolve's to report
                if name not in workset:
                    what = "a backing service, stateful by definition," if is_backing(node) else \
                        f"of type {node.type}, not a workload, and"
                    diags.add("xf-process-target",
                              f"policy '{pol.name}' gives process traits to '{name}', which is "
                              f"{what} takes no process traits",
                              tspan, hint="target only workloads: xfactor.nodes.CNF, SOL001 VDUs, "
                                          "tosca.nodes.Container.Application")
                    continue
                found.append(_TraitSource(node=name, props=pol.properties, origin="policy",
                                          policy=pol.name, span=tspan))
    return found


def _describe(src: _TraitSource) -> str:
    if src.origin == "native":
        return f"its own 'process' property (line {src.span.line})"
    return f"policy '{src.policy}' (line {src.span.line})"


def _process(src: _TraitSource) -> Process:
    p = src.props
    scratch = p["scratch"] if isinstance(p.get("scratch"), Mapping) else {}
    session = p["session"] if isinstance(p.get("session"), Mapping) else {}
    spans: dict[str, Span] = {}
    base = src.span
    # the frozen traits carry the positions of what the descriptor writes (resolve)
    for key, path in (("state", ("state",)), ("scratch", ("scratch",)),
                      ("scratch.lifetime", ("scratch", "lifetime")),
                      ("session", ("session",)), ("session.store", ("session", "store")),
                      ("graceful_shutdown", ("graceful_shutdown",))):
        s = span_at(p, path, NO_SPAN)
        if s is not NO_SPAN:
            spans[key] = s
    state = p.get("state", "stateless")
    return Process(
        node=src.node,
        state=state if state in ("stateless", "stateful") else "stateless",
        share_nothing=bool(p.get("share_nothing", True)),
        scratch_size=None if scratch.get("size") is None else str(scratch.get("size")),
        scratch_lifetime=str(scratch.get("lifetime") or "transaction"),
        session_store=session.get("store") if isinstance(session.get("store"), str) else None,
        session_ttl=seconds(session.get("ttl"), None),
        graceful_shutdown=seconds(p.get("graceful_shutdown"), 30.0) or 0.0,
        origin=src.origin,
        policy=src.policy,
        span=base,
        property_spans=spans,
    )


def _processes(topology: Topology, workloads: tuple[str, ...], diags: Diagnostics) -> dict[str, Process]:
    by_node: dict[str, list[_TraitSource]] = {}
    for src in _trait_sources(topology, frozenset(workloads), diags):
        by_node.setdefault(src.node, []).append(src)
    out: dict[str, Process] = {}
    for name in workloads:
        srcs = sorted(by_node.get(name, ()), key=lambda s: (s.span.file, s.span.line, s.span.column))
        if not srcs:
            node = topology.nodes[name]
            out[name] = Process(node=name, origin="default", span=node.span)
            continue
        first = srcs[0]
        for later in srcs[1:]:
            diags.add("xf-process-conflict",
                      f"process traits of '{name}' are given twice: by {_describe(later)} and "
                      f"already by {_describe(first)}",
                      later.span, hint="give each workload its traits once: one policy, or the "
                                       "native 'process' property")
        out[name] = _process(first)
    return out


# --------------------------------------------------------------------------- wirings


@dataclass(slots=True)
class _WiringDecl:
    name: str
    source: str
    target: str
    props: Mapping[str, Any]
    form: str
    span: Span
    property_spans: dict[str, Span]
    endpoint_spans: tuple[Span, Span]


def _requirement_props(topology: Topology, req: Requirement) -> Mapping[str, Any]:
    if req.properties:
        return req.properties
    if req.relationship_template:
        rel = topology.relationships.get(req.relationship_template)
        props = getattr(rel, "properties", None)
        if props is None and isinstance(rel, Mapping):
            props = rel.get("properties")
        if isinstance(props, Mapping):
            return props
    return {}


def _wiring_decls(topology: Topology, workset: frozenset[str]) -> list[_WiringDecl]:
    decls: list[_WiringDecl] = []
    for node in topology.nodes.values():
        if node.name not in workset:
            continue
        for req, ordinal, count in requirement_ordinals(node):
            if req.node is None or not is_wiring_requirement(topology, req):
                continue
            name = wiring_name(node.name, req.name, ordinal, count)
            props = _requirement_props(topology, req)
            spans = dict(req.property_spans)
            # the properties the descriptor writes, positioned by resolve (the IR is frozen)
            if isinstance(props, FrozenMap):
                for k in props.key_spans:
                    spans.setdefault(k, props.value_span(k))
            decls.append(_WiringDecl(
                name=name, source=node.name, target=req.node, props=props,
                form="relationship", span=req.span, property_spans=spans,
                endpoint_spans=(req.span, req.span)))
    for pol in topology.policies.values():
        if not pol.is_a(WIRING_POLICY):
            continue
        spans = dict(pol.property_spans)
        src = pol.properties.get("source")
        tgt = pol.properties.get("target")
        decls.append(_WiringDecl(
            name=pol.name, source=src if isinstance(src, str) else "",
            target=tgt if isinstance(tgt, str) else "", props=pol.properties, form="policy",
            span=pol.span, property_spans=spans,
            endpoint_spans=(spans.get("source", pol.span), spans.get("target", pol.span))))
    return decls


def _parse_ladder(decl: _WiringDecl, diags: Diagnostics) -> tuple[Step, ...] | None:
    value = decl.props.get("on_failure")
    if value is None:
        return ()
    props = decl.props
    if "on_failure" in (getattr(props, "key_spans", None) or ()):
        # written in the descriptor: the frozen value keeps the positions of each step
        return parse_steps(value, props, "on_failure", diags)
    # No positions (an IR built in memory): positions of the property value only.
    span = decl.property_spans.get("on_failure", decl.span)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return parse_steps(value, {}, "on_failure", diags)
    steps: list[Step] = []
    for item in value:
        step = parse_step(item, span, diags) if isinstance(item, str) else None
        if step is None:
            if not isinstance(item, str):
                diags.add("xf-step-syntax", "a step must be a string", span)
            return None
        steps.append(step)
    return tuple(steps)


def _wirings(topology: Topology, workset: frozenset[str], chains: Mapping[str, Chain],
             diags: Diagnostics) -> dict[str, Wiring]:
    out: dict[str, Wiring] = {}
    kept: dict[tuple[str, str], _WiringDecl] = {}
    # member -> the chains holding it, in source order; member sets for membership tests
    member_sets = {c.name: frozenset(c.members) for c in chains.values()}
    chains_of: dict[str, list[str]] = {}
    for c in chains.values():
        for m in dict.fromkeys(c.members):
            chains_of.setdefault(m, []).append(c.name)
    decls = sorted(_wiring_decls(topology, workset), key=lambda d: (d.span.file, d.span.line, d.span.column))
    for d in decls:
        ok = True
        for role, end, span in (("source", d.source, d.endpoint_spans[0]),
                                ("target", d.target, d.endpoint_spans[1])):
            node = topology.nodes.get(end)
            if node is None or end not in workset:
                what = "names no node template" if node is None else \
                    f"is '{end}' of type {node.type}, not a workload"
                if node is not None and is_backing(node):
                    what = f"is '{end}', a backing service: use a backing_service requirement"
                diags.add("xf-wiring-endpoint", f"the {role} of wiring '{d.name}' {what}"
                          if node is not None else f"the {role} '{end}' of wiring '{d.name}' {what}",
                          span)
                ok = False
        if not ok:
            continue
        key = (d.source, d.target)
        if key in kept:
            first = kept[key]
            diags.add("xf-wiring-conflict",
                      f"the wiring {d.source} -> {d.target} is declared twice: as {d.form} "
                      f"'{d.name}' and already as {first.form} '{first.name}' (line {first.span.line})",
                      d.span, hint="keep one declaration: the policy form or the relationship form")
            continue
        kept[key] = d
        ladder = _parse_ladder(d, diags)
        chain = d.props.get("chain")
        if isinstance(chain, str):
            cspan = d.property_spans.get("chain", d.span)
            if chain not in chains:
                diags.add("xf-scope-unknown",
                          f"wiring '{d.name}' names chain '{chain}', which is no xfactor.groups.Chain",
                          cspan, hint=_known("chains", chains))
            else:
                outside = [e for e in (d.source, d.target) if e not in member_sets[chain]]
                if outside:
                    diags.add("xf-scope-unknown",
                              f"wiring '{d.name}' names chain '{chain}', but "
                              f"{' and '.join(repr(e) for e in outside)} "
                              f"{'is not a member' if len(outside) == 1 else 'are not members'}",
                              cspan)
        else:
            chain = next((c for c in chains_of.get(d.source, ()) if d.target in member_sets[c]), None)
        stick = d.props.get("stickiness", "none")
        prop = d.props.get("propagate", "none")
        detect = seconds(d.props.get("detect_after"), None)
        out[d.name] = Wiring(
            name=d.name, source=d.source, target=d.target,
            stickiness=stick if isinstance(stick, str) else "none",
            on_failure=ladder or (), explicit_on_failure=bool(ladder),
            propagate=prop if isinstance(prop, str) else "none",
            chain=chain, form=d.form, span=d.span, property_spans=d.property_spans,
            detect_after=detect if detect is not None and 0 < detect < float("inf")
            else DETECT_AFTER)
    return out


def _known(what: str, names: Iterable[str]) -> str:
    names = list(names)
    return f"known {what}: {', '.join(names)}" if names else f"the topology has no {what}"


# --------------------------------------------------------------------------- entry point


def normalize(topology: Topology, diags: Diagnostics) -> XModel:
    """Build the X-factor model of ``topology`` (see the module docstring)."""
    workloads = workload_names(topology)
    backing = {
        n.name: BackingService(
            node=n.name,
            kind=n.properties.get("kind"),
            expiry=n.properties.get("expiry") is True,
            locator=n.properties.get("locator"),
            image=n.properties.get("image"),
            span=n.span,
        )
        for n in topology.nodes.values() if is_backing(n)
    }
    chains = {
        g.name: Chain(name=g.name, members=tuple(g.members),
                      fragile=g.properties.get("fragile") is True, span=g.span)
        for g in topology.groups.values() if g.is_a(CHAIN_GROUP)
    }
    processes = _processes(topology, workloads, diags)
    wirings = _wirings(topology, frozenset(workloads), chains, diags)
    return XModel(
        workloads=workloads,
        processes=processes,
        backing=backing,
        wirings=wirings,
        chains=chains,
        uses_profile=topology.uses_profile
        or any(t.startswith("xfactor.") for n in topology.nodes.values() for t in n.types),
    )


__all__ = [
    "PERSISTENT_STORAGE_TYPES",
    "is_backing",
    "is_backing_requirement",
    "is_persistent_storage",
    "is_wiring_requirement",
    "is_workload",
    "max_replicas",
    "workload_names",
    "normalize",
    "type_is",
]
