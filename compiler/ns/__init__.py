"""Network services: an NSD's VNF nodes substituted by their VNFDs, made one service.

Phase: resolve → normalize, for an NSD (a driver hook in :func:`compiler.pipeline.front_end`
calls :func:`compose` in place of ``normalize``).  Input: the loaded NSD package, its
resolved :class:`Topology` (VNF nodes still abstract) and the :class:`Options`
(``vnfs``: ``--vnf PATH``; ``ns_level``: ``--ns-level``).  Output: one
:class:`Topology` and one :class:`XModel` holding every VNF node's workloads, so graph,
checks and every back end see a single service (spec §2.6, docs/ns.md):

* **Substitution.**  A VNF node is substituted by the VNFD whose
  ``substitution_mappings.node_type`` is the node's type (TOSCA 1.3 §2.10), or, for a
  node of the generic type ``tosca.nodes.nfv.VNF``, whose ``descriptor_id`` is the
  node's ``descriptor_id`` (SOL001): one of the NSD's imports, or a file, CSAR folder or
  archive given with ``--vnf``.  The VNF
  node's ``flavour_id`` picks the VNFD's deployment flavour.  Each VNFD is resolved and
  normalised on its own, with its own diagnostics and positions.
* **Names.**  Every template of the VNFD becomes ``<vnf node>-<template>``
  (:mod:`compiler.ns.rename`), so two VNF nodes of one VNFD never collide.
* **Inputs.**  A VNF node's property that the VNFD's ``substitution_mappings.properties``
  maps to one of its inputs (``prop: [ input ]``) sets that input: the VNFD is resolved
  with the node's value (its own, from an NSD input, or its type's default), and the
  property is consumed.  Other VNFD inputs keep their defaults.
* **Instances.**  ``VnfToLevelMapping.number_of_instances`` at the NS instantiation
  level (``--ns-level``, else ``NsInstantiationLevels.default_level``) multiplies the
  instance counts of the VNF's workloads.
* **Links.**  The VNF node's requirements (``virtual_link`` to an ``NsVirtualLink``) bind
  the VNFD's connection points that ``substitution_mappings.requirements`` names, so the
  Kubernetes back end attaches their workloads to the NS link's
  NetworkAttachmentDefinition.
* **Order.**  A VNF node depends on its workloads; a VNF node's requirement on another
  VNF node (``dependency``) makes each of its workloads depend on that VNF node, so the
  NS order follows the NSD's dependencies and, inside each VNF, the VNFD's own order.
* **X-factor at NS level.**  An NSD's ``xfactor.policies.Wiring`` may name VNF nodes or
  their workloads (``<vnf>-<vdu>``); a VNF node stands for all of its workloads: a
  wiring to it is one wiring per target workload (the VNF has failed when any of them
  has), and scopes and chain members that name it act on all of them; so does
  ``reinstantiate`` whose scope is ``target`` (the default) or ``source`` when that end
  is a VNF node.  ``XModel.units`` keeps each VNF node's templates and
  ``XModel.unit_wirings`` what each such NSD wiring became, for graph, explain and
  report.

Codes: ns-vnf-unsubstituted, ns-vnf-ambiguous, ns-vnf-flavour, ns-level, ns-unsupported,
ns-namespace (:mod:`compiler.ns.namespaces`, a VNF node that gets no namespace of its own),
limit-exceeded (``Limits.max_vnfs``, ``Limits.max_unit_wirings``) (and those of the VNFDs' own resolve and normalize).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Mapping

from ..diagnostics import Diagnostics, Span
from ..loader.package import Package, index_templates
from ..model import NodeTemplate, Requirement, Topology
from ..model.xfactor import Chain, XModel
from ..options import Options
from ..resolve.flavours import NS_TYPES, looks_like_nsd  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from ..resolve.types import TypeRegistry

VNF_TYPE = "tosca.nodes.nfv.VNF"
LEVELS_POLICY = "tosca.policies.nfv.NsInstantiationLevels"
LEVEL_MAPPING = "tosca.policies.nfv.VnfToLevelMapping"
SAP_TYPE = "tosca.nodes.nfv.Sap"


# --------------------------------------------------------------------------- detection


def is_service(topology: Topology, options: Options) -> bool:
    """Whether the resolved ``topology`` is an NSD whose VNF nodes are to be substituted."""
    if not topology.nodes_of(VNF_TYPE):
        return False
    return bool(options.vnfs) or len(topology.nodes_of(VNF_TYPE)) > 1 or \
        any(topology.nodes_of(t) for t in NS_TYPES)


# --------------------------------------------------------------------------- VNFDs


@dataclass(frozen=True, slots=True, kw_only=True)
class _Vnfd:
    type: str  # the node type it substitutes
    label: str  # where it was found, for messages
    package: Package
    key: str  # identity (one VNFD found twice is one)
    ids: frozenset[str] = frozenset()  # its descriptor_id (SOL001), for generic VNF nodes


def _descriptor_ids(package: Package, node_type: str | None) -> frozenset[str]:
    """The ``descriptor_id`` of the VNFD ``package`` whose VNF node type is ``node_type``
    (SOL001 §6.8: an NSD's VNF node names it): the value its VNF node or its
    substitution mappings give, else the type's default or its one valid value."""
    data = package.files[0].data if package.files else None
    tt = data.get("topology_template") if isinstance(data, Mapping) else None
    if not isinstance(tt, Mapping) or node_type is None:
        return frozenset()
    found: set[str] = set()
    sm = tt.get("substitution_mappings")
    props = sm.get("properties") if isinstance(sm, Mapping) else None
    if isinstance(props, Mapping) and isinstance(props.get("descriptor_id"), str):
        found.add(props["descriptor_id"])
    nts = tt.get("node_templates")
    for n in (nts.values() if isinstance(nts, Mapping) else ()):
        typ = n.get("type") if isinstance(n, Mapping) else None
        if typ == node_type:
            p = n.get("properties")
            if isinstance(p, Mapping) and isinstance(p.get("descriptor_id"), str):
                found.add(p["descriptor_id"])
    if found:
        return frozenset(found)
    for sf in package.files:  # the type's definition: its default, or one valid value
        types = sf.data.get("node_types") if isinstance(sf.data, Mapping) else None
        d = types.get(node_type) if isinstance(types, Mapping) else None
        props = d.get("properties") if isinstance(d, Mapping) else None
        did = props.get("descriptor_id") if isinstance(props, Mapping) else None
        if not isinstance(did, Mapping):
            continue
        if isinstance(did.get("default"), str):
            found.add(did["default"])
        for c in did.get("constraints") or ():
            if isinstance(c, Mapping):
                values = c.get("valid_values", [c.get("equal")])
                if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
                    found.add(values[0])
    return frozenset(found)


def _imported(package: Package, reg: Any) -> list[_Vnfd]:
    """The VNFDs among the NSD's imports: files whose topology substitutes a VNF type."""
    out = []
    for sf in package.files[1:]:
        data = sf.data
        tt = data.get("topology_template") if isinstance(data, Mapping) else None
        sm = tt.get("substitution_mappings") if isinstance(tt, Mapping) else None
        nt = sm.get("node_type") if isinstance(sm, Mapping) else None
        if sf.from_catalog or not isinstance(nt, str):
            continue
        t = reg.canonical("node", nt, sf.prefix) if reg is not None else nt
        if t is None or not reg.is_a("node", t, VNF_TYPE):
            continue
        files = (sf,) + tuple(f for f in package.files if f is not sf)
        sub = replace(package, entry=sf.name, files=files, meta=None, manifest=None,
                      templates=index_templates(files))
        out.append(_Vnfd(type=t, label=sf.display, package=sub, key=_file_key(sf.display,
                                                                                f"import:{sf.name}"),
                         ids=_descriptor_ids(sub, nt)))
    return out


def _given(options: Options, reg: TypeRegistry | None, diags: Diagnostics) -> list[_Vnfd]:
    """The VNFDs given with ``--vnf`` (files, CSAR folders or archives)."""
    from ..loader import load

    out = []
    for path in options.vnfs:
        pkg = load(path, replace(options, vnfs=()), diags)
        if pkg is None or not pkg.files or not isinstance(pkg.files[0].data, Mapping):
            continue
        tt = pkg.files[0].data.get("topology_template")
        t = _substituted_type(tt, pkg, options)
        if t is None:
            diags.add("ns-vnf-unsubstituted", f"--vnf {path}: the descriptor substitutes no "
                      "VNF node type (no substitution_mappings.node_type, no VNF node)",
                      Span(pkg.files[0].display, 1, 1),
                      hint="a VNFD maps its VNF type: substitution_mappings: { node_type: ... }")
            continue
        canonical = reg.canonical("node", t) if reg is not None else None
        out.append(_Vnfd(type=canonical or t, label=pkg.files[0].display, package=pkg,
                         key=_file_key(pkg.files[0].display, f"vnf:{path}"),
                         ids=_descriptor_ids(pkg, t)))
    return out


def _file_key(display: str, fallback: str) -> str:
    """One VNFD file imported by the NSD and also given with --vnf is one VNFD."""
    return os.path.realpath(display) if os.path.isfile(display) else fallback


def _substituted_type(tt: Any, package: Package, options: Options) -> str | None:
    """The VNF node type a VNFD package substitutes: its entry's
    ``substitution_mappings.node_type``, else the type of its one VNF node (a top-level
    VNFD whose flavours are other files, as Tacker's packages are)."""
    if not isinstance(tt, Mapping):
        return None
    sm = tt.get("substitution_mappings")
    node_type = sm.get("node_type") if isinstance(sm, Mapping) else None
    if isinstance(node_type, str):
        return node_type
    from ..resolve import VERSIONS
    from ..resolve.flavours import vnf_nodes
    from ..resolve.types import TypeRegistry

    entry = package.files[0]
    version = entry.data.get("tosca_definitions_version")
    if version not in VERSIONS:
        return None
    reg = TypeRegistry.build(package, Diagnostics(), version,
                             quirks=options.quirks)
    found = vnf_nodes(tt, reg, entry.prefix)
    return found[0][1] if len(found) == 1 else None


# --------------------------------------------------------------------------- levels


def _instances(topology: Topology, options: Options, diags: Diagnostics) -> dict[str, int] | None:
    """VNF node -> number of VNF instances at the NS instantiation level; None on error."""
    levels_pol = next((p for p in topology.policies.values() if p.is_a(LEVELS_POLICY)), None)
    wanted = options.ns_level
    level: str | None = None
    if levels_pol is not None:
        levels = levels_pol.properties.get("ns_levels", levels_pol.properties.get("levels"))
        known = [str(k) for k in levels] if isinstance(levels, Mapping) else []
        default = levels_pol.properties.get("default_level")
        level = wanted if wanted is not None else \
            (str(default) if default is not None else (known[0] if len(known) == 1 else None))
        if level is not None and level not in known:
            where = levels_pol.property_spans.get("default_level", levels_pol.span) \
                if wanted is None else levels_pol.span
            diags.add("ns-level", f"NS instantiation level {level!r} "
                      f"({'--ns-level' if wanted is not None else 'default_level'}) is not "
                      f"one of the NSD's levels", where,
                      hint="levels: " + (", ".join(known) or "none"))
            return None
    elif wanted is not None:
        diags.add("ns-level", f"--ns-level {wanted!r}: the NSD defines no instantiation "
                  f"levels ({LEVELS_POLICY})", topology.span)
        return None
    out: dict[str, int] = {}
    for p in topology.policies.values():
        if not p.is_a(LEVEL_MAPPING) or level is None:
            continue
        counts = p.properties.get("number_of_instances", p.properties.get("levels"))
        count = None
        if isinstance(counts, Mapping):
            count = next((v for k, v in counts.items() if str(k) == level), None)
        if count is None:
            continue
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            diags.add("ns-level", f"policy '{p.name}' gives {count!r} VNF instances at level "
                      f"{level!r}: xfc compiles a VNF with at least one instance",
                      p.property_spans.get("number_of_instances", p.span),
                      hint="leave the VNF out of the NSD, or choose another --ns-level")
            return None
        for t in p.targets:
            out[t] = count
    return out


# --------------------------------------------------------------------------- compose


def compose(package: Package, topology: Topology, options: Options, diags: Diagnostics,
            resolved: dict[tuple[str | None, ...], tuple[Topology, XModel]] | None = None
            ) -> tuple[Topology, XModel] | None:
    """The NSD ``topology`` with its VNF nodes substituted (see the module docstring);
    None when errors were reported.  ``resolved`` keeps the VNFDs resolved without error
    (by VNFD, flavour and the input values the VNF node gives) for a later compose of the
    same package: the Helm wiring's rerun (:mod:`compiler.api.wiring`) resolves again
    only a VNFD whose inputs an NSD input's probe changed."""
    from .rename import Renamed, rename

    from ..limits import exceeded

    from ..resolve.types import TypeRegistry

    # the NSD's types, to match VNFDs to its VNF nodes: the IR carries no registry, so it
    # is built again from the package as resolve built it (resolve reported its problems)
    reg = TypeRegistry.build(package, Diagnostics(), topology.version,
                             quirks=tuple(options.quirks), limits=options.limits)
    vnf_nodes = topology.nodes_of(VNF_TYPE)
    limits = options.limits
    if len(vnf_nodes) > limits.max_vnfs:
        exceeded(diags, "max_vnfs", limits, f"the NSD's {len(vnf_nodes):,} VNF nodes",
                 vnf_nodes[limits.max_vnfs].span)
        return None
    sources = _imported(package, reg) + _given(options, reg, diags)
    counts = _instances(topology, options, diags)
    if counts is None:
        return None
    kept = resolved if resolved is not None else {}
    cache: dict[tuple[str | None, ...], tuple[Topology, XModel] | None] = {}

    def vnfd(key: tuple[str | None, ...], src: _Vnfd, node: NodeTemplate, fid: str | None,
             given: Any = None) -> tuple[Topology, XModel] | None:
        if key not in cache:
            found = kept.get(key) or _resolve_vnfd(src, node, fid, options, diags,
                                                   inputs=given)
            cache[key] = found
            if found is not None:
                kept[key] = found
        return cache[key]
    shares: dict[str, Renamed] = {}
    consumed: dict[str, set[str]] = {}  # VNF node -> its properties that set VNFD inputs
    for node in vnf_nodes:
        if node.type == VNF_TYPE:
            # the generic type names no VNF product: its descriptor_id names the VNFD
            matches = _by_descriptor_id(node, sources, diags)
            if matches is None:
                continue
        else:
            matches = list({s.key: s for s in sources if s.type == node.type}.values())
        if not matches:
            diags.add("ns-vnf-unsubstituted", f"VNF node '{node.name}' ({node.type}): no VNFD "
                      "substitutes its type", node.span,
                      hint="import the VNFD, or give it with --vnf PATH (a VNFD file, a CSAR "
                           "folder or archive); its substitution_mappings.node_type must be "
                           f"{node.type}")
            continue
        if len(matches) > 1:
            diags.add("ns-vnf-ambiguous", f"VNF node '{node.name}' ({node.type}) is substituted "
                      f"by {len(matches)} VNFDs: {', '.join(m.label for m in matches)}",
                      node.span, hint="keep one VNFD per VNF node type")
            continue
        fid = node.properties.get("flavour_id")
        fid = fid if isinstance(fid, str) else None
        key: tuple[str | None, ...] = (matches[0].key, fid)
        done = vnfd(key, matches[0], node, fid)
        mapped = _mapped_inputs(node, done[0], matches[0].package) if done is not None else []
        given = _positioned(node, mapped)
        consumed[node.name] = {prop for prop, _, _ in mapped}
        if given:  # the node's values for the VNFD's mapped inputs: resolved with them
            key = key + (repr(sorted(dict(given).items())),)
            done = vnfd(key, matches[0], node, fid, given)
        if done is not None:
            shares[node.name] = rename(node.name, done[0], done[1], counts.get(node.name, 1))
    if diags.has_errors:
        return None
    merged = _merge(topology, shares, diags, consumed, options.limits)
    if not diags.has_errors:
        from .namespaces import placement

        placement(merged[0], merged[1], options, diags)  # --ns-namespaces per-vnf: ns-namespace
    return None if diags.has_errors else merged


def _by_descriptor_id(node: NodeTemplate, sources: list[_Vnfd],
                      diags: Diagnostics) -> list[_Vnfd] | None:
    """The one VNFD whose ``descriptor_id`` a VNF node of the generic type names; None
    (reported) when it names none, or no VNFD or two have that id."""
    did = node.properties.get("descriptor_id")
    where = node.property_spans.get("descriptor_id", node.span)
    if not isinstance(did, str) or not did:
        diags.add("ns-vnf-unsubstituted", f"VNF node '{node.name}' is of the generic type "
                  f"{VNF_TYPE} and names no descriptor_id: no VNFD can be chosen for it",
                  node.span, hint="give its VNFD's descriptor_id (properties: { descriptor_id: "
                                  "... }), or type it with the VNFD's substitution_mappings.node_type")
        return None
    matches = list({s.key: s for s in sources if did in s.ids}.values())
    if not sources:
        # no VNFD imported or given at all: the NSD is checked as written, its generic
        # VNF nodes not compiled (as before issue 26 item 3; tosca-parser accepts it)
        diags.add("ns-unsupported", f"VNF node '{node.name}' is of the generic type "
                  f"{VNF_TYPE} and no VNFD was imported or given: it is not compiled", where,
                  hint=f"give the VNFD whose descriptor_id is {did!r} with --vnf PATH")
        return None
    if not matches:
        known = sorted(f"{i} ({s.label})" for s in sources for i in s.ids)
        diags.add("ns-vnf-unsubstituted", f"VNF node '{node.name}' ({VNF_TYPE}): no VNFD has "
                  f"descriptor_id {did!r}", where,
                  hint="import the VNFD or give it with --vnf PATH; "
                       + ("the VNFDs found have: " + ", ".join(known) if known else
                          "no VNFD was found"))
        return None
    if len(matches) > 1:
        diags.add("ns-vnf-ambiguous", f"VNF node '{node.name}': {len(matches)} VNFDs have "
                  f"descriptor_id {did!r}: {', '.join(m.label for m in matches)}", where,
                  hint="keep one VNFD per descriptor_id")
        return None
    return matches


def _mapped_inputs(node: NodeTemplate, topo: Topology,
                   package: Package) -> list[tuple[str, str, Any]]:
    """The VNFD inputs that VNF node ``node`` sets: each property of the VNF node type that
    the VNFD's ``substitution_mappings.properties`` maps to an input (``prop: [ input ]``,
    TOSCA 1.3 §2.10) and that the node has a value for (its own, or its type's default)."""
    sub = topo.substitution
    if sub is None:
        return []
    raw: Any = None
    for sf in package.files:  # the file whose substitution mappings the VNFD resolved
        if sf.display == sub.span.file and isinstance(sf.data, Mapping):
            tt = sf.data.get("topology_template")
            sm = tt.get("substitution_mappings") if isinstance(tt, Mapping) else None
            raw = sm.get("properties") if isinstance(sm, Mapping) else None
            break
    out: list[tuple[str, str, Any]] = []  # (property, input, value)
    for prop, mapped in (raw.items() if isinstance(raw, Mapping) else ()):
        if isinstance(mapped, (list, tuple)) and len(mapped) == 1 and isinstance(mapped[0], str) \
                and mapped[0] in topo.inputs and node.properties.get(prop) is not None:
            out.append((str(prop), mapped[0], _plain(node.properties[prop])))
    return out


def _positioned(node: NodeTemplate, mapped: list[tuple[str, str, Any]]) -> Any:
    """The VNFD input values a VNF node sets, each placed at the node's property, so that
    a value the VNFD's input refuses is reported there."""
    from ..loader.yamlpos import PMap

    out = PMap(span=node.span)
    for prop, inp, value in mapped:
        dict.__setitem__(out, inp, value)
        out.key_spans[inp] = out.value_spans[inp] = node.property_spans.get(prop, node.span)
    return out


def _plain(value: Any) -> Any:
    """A resolved property value as plain data (an input value of the VNFD)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _resolve_vnfd(src: _Vnfd, node: NodeTemplate, fid: str | None, options: Options,
                  diags: Diagnostics, *, inputs: Mapping[str, Any] | None = None
                  ) -> tuple[Topology, XModel] | None:
    from ..normalize import normalize
    from ..resolve import resolve
    from ..resolve.flavours import flavour_ids

    opts = replace(options, inputs=inputs if inputs is not None else {}, flavour=None, vnfs=(),
                   ns_level=None)
    ids = flavour_ids(src.package, opts)
    fspan = node.property_spans.get("flavour_id", node.span)
    if ids and fid is not None:
        if fid not in ids:
            diags.add("ns-vnf-flavour", f"VNF node '{node.name}': flavour_id {fid!r} is not a "
                      f"deployment flavour of its VNFD {src.label}", fspan,
                      hint="flavours: " + ", ".join(ids))
            return None
        opts = replace(opts, flavour=fid)
    topo = resolve(src.package, opts, diags)
    if topo is None or diags.has_errors:
        return None
    if not ids and fid is not None and topo.flavour is not None and topo.flavour != fid:
        diags.add("ns-vnf-flavour", f"VNF node '{node.name}': flavour_id {fid!r} is not a "
                  f"deployment flavour of its VNFD {src.label}", fspan,
                  hint=f"flavours: {topo.flavour}")
        return None
    xm = normalize(topo, diags)
    if diags.has_errors:
        return None
    return topo, xm


def _merge(nsd: Topology, shares: Mapping[str, Any], diags: Diagnostics,
           consumed: Mapping[str, set[str]], limits: Any) -> tuple[Topology, XModel]:
    from ..normalize import CHAIN_GROUP, _wirings
    from .rename import dependency, rename_step

    units = {v: s.workloads for v, s in shares.items()}
    nodes: dict[str, NodeTemplate] = {}
    for node in nsd.nodes.values():
        if node.is_a(SAP_TYPE):
            diags.add("ns-unsupported", f"SAP '{node.name}' is not compiled: a Kubernetes "
                      "service is reached through the Services of its workloads (or an "
                      "Ingress/LoadBalancer you add)", node.span)
        share = shares.get(node.name)
        if share is None:
            nodes[node.name] = node
            continue
        # the VNF node stands for its workloads: it depends on each of them (spec §2.6);
        # the properties that set the VNFD's inputs are consumed (no back end maps them)
        gone = consumed.get(node.name, set())
        nodes[node.name] = replace(
            node, requirements=tuple(node.requirements) + tuple(
                dependency(w) for w in share.workloads + tuple(share.xmodel.backing)),
            properties={k: v for k, v in node.properties.items() if k not in gone},
            property_spans={k: v for k, v in node.property_spans.items() if k not in gone})
        after = [r.node for r in node.requirements
                 if r.node is not None and r.node in shares and r.node != node.name]
        bound = _bindings(node, share, nsd, diags)
        for name, member in share.nodes.items():
            reqs = list(bound.get(name, member.requirements))
            if name in share.workloads:
                reqs.extend(dependency(v) for v in after)
            nodes[name] = replace(member, requirements=tuple(reqs))
    groups = {g.name: replace(g, members=_expand(g.members, units)) for g in nsd.groups.values()}
    policies = dict(nsd.policies)
    for share in shares.values():
        groups.update(share.groups)
        policies.update(share.policies)
    for p in nsd.policies.values():
        if p.is_a("xfactor.policies.Process"):
            diags.add("ns-unsupported", f"policy '{p.name}': process traits are given in the "
                      "VNFDs, not at NS level; this policy is not applied", p.span)
    # X-factor at NS level: the NSD's wirings and chains, over VNF nodes and their workloads
    written = {g.name: Chain(name=g.name, members=tuple(dict.fromkeys(
        tuple(g.members) + _expand(g.members, units))), fragile=g.properties.get("fragile") is True,
        span=g.span) for g in nsd.groups.values() if g.is_a(CHAIN_GROUP)}
    view_nodes = {n: replace(v, requirements=()) if n not in nsd.nodes else v
                  for n, v in nodes.items()}
    view = replace(nsd, nodes=view_nodes, policies=nsd.policies, groups=nsd.groups)
    workloads = tuple(w for s in shares.values() for w in s.workloads)
    ns_wirings = _wirings(view, frozenset(workloads) | frozenset(units), written, diags)
    wirings: dict[str, Any] = {}
    for share in shares.values():
        wirings.update(share.xmodel.wirings)

    def unit(n: str) -> Any:
        return units.get(n, n)

    unit_wirings: dict[str, tuple[str, ...]] = {}
    made = 0  # wirings made from NSD wirings with a VNF node end (Limits.max_unit_wirings)
    for w in ns_wirings.values():
        srcs, tgts = units.get(w.source, (w.source,)), units.get(w.target, (w.target,))
        if w.source in units or w.target in units:
            made += len(srcs) * len(tgts)
            if made > limits.max_unit_wirings:
                from ..limits import exceeded

                exceeded(diags, "max_unit_wirings", limits, f"wiring '{w.name}' between "
                         f"{len(srcs):,} and {len(tgts):,} workloads, with the NSD's wirings "
                         f"before it, makes {made:,} wirings and", w.span,
                         hint="a wiring to or from a VNF node is one wiring per pair of their "
                              "workloads: name the workloads (<vnf>-<vdu>) the wiring is about")
                break
        steps = tuple(rename_step(_unit_scope(s, w, units), unit, {}) for s in w.on_failure)
        parts = []
        for s in srcs:
            for t in tgts:
                name = ".".join([w.name] + ([s] if len(srcs) > 1 else []) +
                                ([t] if len(tgts) > 1 else []))
                wirings[name] = replace(w, name=name, source=s, target=t, on_failure=steps)
                parts.append(name)
        if w.source in units or w.target in units:
            unit_wirings[w.name] = tuple(parts)
    chains = {c.name: replace(c, members=_expand(c.members, units)) for c in written.values()}
    processes: dict[str, Any] = {}
    backing: dict[str, Any] = {}
    for share in shares.values():
        chains.update(share.xmodel.chains)
        processes.update(share.xmodel.processes)
        backing.update(share.xmodel.backing)
    xmodel = XModel(workloads=workloads, processes=processes, backing=backing,
                    wirings=wirings, chains=chains,
                    units={v: tuple(s.nodes) for v, s in shares.items()},
                    unit_wirings=unit_wirings,
                    uses_profile=nsd.uses_profile or any(s.xmodel.uses_profile
                                                         for s in shares.values()))
    meta = dict(nsd.metadata)
    if not any(isinstance(meta.get(k), str) and meta[k].strip() for k in ("template_name", "name")):
        # the service is named after the NSD, not after its first VNF's product_name
        ns = next(iter(nsd.nodes_of("tosca.nodes.nfv.NS")), None)
        label = ns.properties.get("name") if ns is not None else None
        stem = posixpath.basename(str(nsd.file)).rsplit(".", 1)[0]
        meta["template_name"] = label if isinstance(label, str) and label.strip() else stem
    shipped = list(nsd.shipped)
    names = dict(nsd.source_names)
    for share in shares.values():  # the VNFDs' shipped manifests and files (Tacker CNFs)
        shipped.extend(f for f in share.shipped if f not in shipped)
        for k, v in share.source_names.items():
            names.setdefault(k, v)
    topology = replace(nsd, nodes=nodes, groups=groups, policies=policies, flavour=None,
                       shipped=tuple(shipped), source_names=names,
                       metadata=meta,
                       flavours=(), uses_profile=xmodel.uses_profile)
    return topology, xmodel


def _unit_scope(step: Any, w: Any, units: Mapping[str, tuple[str, ...]]) -> Any:
    """A ``reinstantiate`` step of NSD wiring ``w`` whose scope is the keyword ``target``
    (the default) or ``source`` naming a VNF node: the VNF node itself, so that the step
    acts on all of its workloads (spec §2.6), not on the one workload of each wiring
    the NSD wiring becomes."""
    from ..normalize.steps import Args

    if step.action != "reinstantiate":
        return step
    scope = step.arg("scope")
    end = {"target": w.target, "source": w.source}.get(scope) if isinstance(scope, str) else None
    if end is None or end not in units:
        return step
    return replace(step, args=Args({**dict(step.args), "scope": (end,)}))


def _expand(names: Any, units: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """``names`` with each VNF node replaced by its workloads."""
    out: list[str] = []
    for n in names:
        out.extend(units.get(n, (n,)))
    return tuple(dict.fromkeys(out))


def _bindings(node: NodeTemplate, share: Any, nsd: Topology,
              diags: Diagnostics) -> dict[str, list[Requirement]]:
    """The VNFD's connection points bound to the NSD node's requirements through
    ``substitution_mappings.requirements``: node name -> its new requirement list."""
    sub = share.substitution
    out: dict[str, list[Requirement]] = {}
    for req in node.requirements:
        target = nsd.nodes.get(req.node) if req.node is not None else None
        if target is None or VNF_TYPE in target.types:
            continue  # a dependency between VNF nodes: the NS order (compose)
        mapped = sub.requirements.get(req.name) if sub is not None else None
        if not mapped:
            diags.add("ns-unsupported", f"VNF node '{node.name}': its requirement "
                      f"'{req.name}' on '{req.node}' reaches no connection point: its VNFD "
                      f"maps no requirement '{req.name}' (substitution_mappings.requirements)",
                      req.span, hint=f"map it in the VNFD: {req.name}: [ <cp>, <requirement> ]")
            continue
        pairs = [mapped] if isinstance(mapped[0], str) else list(mapped)
        for cp, inner in pairs:
            name = share.names.get(cp)
            member = share.nodes.get(name) if name else None
            if member is None:
                continue
            reqs = out.setdefault(name, list(member.requirements))
            for i, r in enumerate(reqs):
                if r.name == inner and r.node is None:
                    reqs[i] = replace(r, node=req.node, span=req.span)
                    break
            else:
                reqs.append(Requirement(name=inner, node=req.node, relationship=req.relationship,
                                        relationship_types=req.relationship_types, span=req.span))
    return out
