"""Network services: one VNF node's substituted VNFD, renamed into the service.

Phase: resolve/normalize (called by :func:`compiler.ns.compose`).  Input: a VNFD's
resolved :class:`Topology` and its :class:`XModel`, the NSD's VNF node that it
substitutes, and the number of VNF instances.  Output: the VNFD's templates and X-factor
model under names prefixed with the VNF node's (``<vnf>-<template>``), so two instances
of one VNFD never collide (spec §2.6).  The VNFD's own VNF node stands for the NSD's VNF
node and is dropped.

Codes: none.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from ..model import Group, NodeTemplate, Policy, Requirement, Topology
from ..model.xfactor import Chain, Process, Wiring, XModel

VNF_TYPE = "tosca.nodes.nfv.VNF"


def member_name(vnf: str, name: str) -> str:
    """The service-wide name of template ``name`` of the VNFD that VNF node ``vnf`` uses."""
    return f"{vnf}-{name}"


@dataclass(slots=True)
class Renamed:
    """One VNF node's share of the service."""

    vnf: str
    nodes: dict[str, NodeTemplate] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    policies: dict[str, Policy] = field(default_factory=dict)
    xmodel: XModel = field(default_factory=XModel)
    names: dict[str, str] = field(default_factory=dict)  # VNFD node name -> service name
    substitution: Any = None  # the VNFD's substitution mappings (compiler.model.Substitution)
    shipped: tuple = ()  # the VNFD package's shipped files (Topology.shipped)
    source_names: dict[str, str] = field(default_factory=dict)  # Topology.source_names

    @property
    def workloads(self) -> tuple[str, ...]:
        return self.xmodel.workloads


def rename(vnf: str, topo: Topology, xm: XModel, instances: int) -> Renamed:
    """The VNFD ``topo``/``xm`` as VNF node ``vnf``'s share of the service."""
    dropped = {n.name for n in topo.nodes.values() if VNF_TYPE in n.types}
    names = {n: (vnf if n in dropped else member_name(vnf, n)) for n in topo.nodes}
    gnames = {g: member_name(vnf, g) for g in topo.groups}

    def node_name(n: str | None) -> str | None:
        return names.get(n, n) if n is not None else None

    def any_name(n: str) -> str:
        return names.get(n) or gnames.get(n) or n

    out = Renamed(vnf=vnf, names=names, substitution=topo.substitution,
                  shipped=tuple(topo.shipped), source_names=dict(topo.source_names))
    # an MCIO name names the object xfc generates unless the package ships it (Tacker)
    mcio = not any(f.kubernetes for f in topo.shipped)
    for node in topo.nodes.values():
        if node.name in dropped:
            continue
        reqs = tuple(replace(r, node=node_name(r.node)) for r in node.requirements)
        props: Any = node.properties
        if instances != 1 or _session_store(props) in names or mcio:
            props = _scaled(_with_store(props, names), node, instances)
            if mcio:  # the generated object is named after the VDU: prefix it too
                props = _mcio_prefixed(props, vnf)
        out.nodes[names[node.name]] = replace(node, name=names[node.name], requirements=reqs,
                                              properties=props)
    for g in topo.groups.values():
        out.groups[gnames[g.name]] = replace(g, name=gnames[g.name],
                                             members=tuple(any_name(m) for m in g.members))
    for p in topo.policies.values():
        pname = member_name(vnf, p.name)
        props = _scaled_policy(p, instances) if instances != 1 and _counts_instances(p) \
            else p.properties
        out.policies[pname] = replace(p, name=pname, targets=tuple(any_name(t) for t in p.targets),
                                      properties=props)
    out.xmodel = XModel(
        workloads=tuple(names[w] for w in xm.workloads),
        processes={names[k]: _process(p, names) for k, p in xm.processes.items()},
        backing={names[k]: replace(b, node=names[k]) for k, b in xm.backing.items()},
        wirings={member_name(vnf, w.name): _wiring(vnf, w, names, gnames)
                 for w in xm.wirings.values()},
        chains={gnames.get(c.name, c.name): Chain(
            name=gnames.get(c.name, c.name), members=tuple(any_name(m) for m in c.members),
            fragile=c.fragile, span=c.span) for c in xm.chains.values()},
        uses_profile=xm.uses_profile,
    )
    return out


def _process(p: Process, names: Mapping[str, str]) -> Process:
    store = names.get(p.session_store, p.session_store) if p.session_store else None
    return replace(p, node=names[p.node], session_store=store)


def _wiring(vnf: str, w: Wiring, names: Mapping[str, str], gnames: Mapping[str, str]) -> Wiring:
    def n(x: str) -> str:
        return names.get(x) or gnames.get(x) or x

    steps = tuple(rename_step(s, n, gnames) for s in w.on_failure)
    return replace(w, name=member_name(vnf, w.name), source=n(w.source), target=n(w.target),
                   chain=gnames.get(w.chain, w.chain) if w.chain else None, on_failure=steps)


def rename_step(step: Any, names: Any, chains: Mapping[str, str]) -> Any:
    """``step`` with the names of its ``scope`` list mapped through ``names`` (a function
    of one name to a name, or to a tuple of names it stands for) and its ``chain`` through
    ``chains``."""
    from ..normalize.steps import Args

    args = dict(step.args)
    changed = False
    scope = args.get("scope")
    if isinstance(scope, tuple):
        new: list[str] = []
        for s in scope:
            m = names(s)
            new.extend(m if isinstance(m, tuple) else (m,))
        args["scope"] = tuple(dict.fromkeys(new))
        changed = True
    chain = args.get("chain")
    if isinstance(chain, str) and chain in chains:
        args["chain"] = chains[chain]
        changed = True
    return replace(step, args=Args(args)) if changed else step


# --------------------------------------------------------------------------- instances


def _session_store(props: Mapping[str, Any]) -> Any:
    proc = props.get("process")
    session = proc.get("session") if isinstance(proc, Mapping) else None
    return session.get("store") if isinstance(session, Mapping) else None


def _with_store(props: Mapping[str, Any], names: Mapping[str, str]) -> Any:
    """The native ``process.session.store`` of a CNF, renamed."""
    store = _session_store(props)
    if not isinstance(store, str) or store not in names:
        return props
    plain = copy.deepcopy(props)
    plain["process"]["session"]["store"] = names[store]
    return plain


def _mcio_prefixed(props: Any, vnf: str) -> Any:
    plain = props if isinstance(props, dict) and not hasattr(props, "span") else copy.deepcopy(props)
    mcio = plain.get("mcio_identification_data")
    if isinstance(mcio, dict) and isinstance(mcio.get("name"), str):
        plain = copy.deepcopy(plain)
        plain["mcio_identification_data"]["name"] = member_name(vnf, mcio["name"])
    return plain


def _scaled(props: Any, node: NodeTemplate, n: int) -> Any:
    """``props`` with the instance counts of a workload multiplied by ``n`` VNF instances:
    ``replicas`` of an ``xfactor.nodes.CNF``, ``vdu_profile`` of a SOL001 VDU."""
    if n == 1:
        return props
    plain = copy.deepcopy(props)
    for key, fields in (("replicas", ("min", "max")),
                        ("vdu_profile", ("min_number_of_instances", "max_number_of_instances"))):
        value = plain.get(key)
        if key == "replicas" and "xfactor.nodes.CNF" in node.types and not isinstance(value, dict):
            value = plain[key] = {"min": 1, "max": 1}
        if isinstance(value, dict):
            for f in fields:
                v = value.get(f, 1 if key == "replicas" else None)
                if isinstance(v, int) and not isinstance(v, bool):
                    value[f] = v * n
    return plain


_COUNTING = ("tosca.policies.nfv.VduInstantiationLevels", "tosca.policies.nfv.VduInitialDelta")


def _counts_instances(p: Policy) -> bool:
    return any(t in p.types for t in _COUNTING)


def _scaled_policy(p: Policy, n: int = 1) -> Any:
    """A VDU's instantiation levels or initial delta, multiplied by ``n`` VNF instances."""
    plain = copy.deepcopy(p.properties)
    entries: list[Any] = []
    if isinstance(plain.get("levels"), dict):
        entries = list(plain["levels"].values())
    if isinstance(plain.get("initial_delta"), dict):
        entries.append(plain["initial_delta"])
    for e in entries:
        v = e.get("number_of_instances") if isinstance(e, dict) else None
        if isinstance(v, int) and not isinstance(v, bool):
            e["number_of_instances"] = v * n
    return plain


def dependency(target: str) -> Requirement:
    """A ``dependency`` requirement on ``target`` (tosca.relationships.DependsOn)."""
    return Requirement(name="dependency", node=target, relationship="tosca.relationships.DependsOn",
                       relationship_types=("tosca.relationships.DependsOn", "tosca.relationships.Root"))
