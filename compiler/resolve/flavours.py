"""SOL001 deployment flavours: which topology template describes the VNF to compile.

Phase: resolve.  Input: the package (entry first, then imports), the type registry, the
top-level topology's VNF node (a ``tosca.nodes.nfv.VNF``) if any, and ``--flavour``.
Output: a :class:`Flavour` naming the file whose ``topology_template`` implements the
selected flavour, or ``None`` when the package has no separate flavour files.

A flavour file (SOL001 §6.8, and Tacker's ``Definitions/*_df_*.yaml``) is a file of the
package — imported by the top-level VNFD, or lying next to it in a CSAR's Definitions/
directory (both found by the loader: ``Package.substituting()``,
``Package.unimported_substituting()``; resolve opens no file) — whose
``topology_template.substitution_mappings.node_type`` is the VNF node's type (or one of its ancestors).  Its flavour id is
``substitution_mappings.properties.flavour_id`` (SOL001 3.x: ``flavour_id: simple``;
the 1.2 list form ``[ input ]`` reads that input's default), else the ``flavour_id``
property of its own VNF node template, else the file name.

Selection rule: ``--flavour ID``; else the VNF node's ``flavour_id`` when it is a literal
naming one of the flavours; else the only flavour; else ``tosca-flavour`` listing the
choices.  A ``--flavour`` on a package without flavours is an error too.

Codes: tosca-flavour.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..diagnostics import Diagnostics, Span
from ..loader.yamlpos import PMap, PSeq
from ..loader.package import Package
from ..options import Options

VNF_TYPE = "tosca.nodes.nfv.VNF"


@dataclass(frozen=True, slots=True, kw_only=True)
class Flavour:
    id: str
    file: Any  # SourceFile
    topology: PMap  # its topology_template
    span: Span  # where the id is written


def vnf_nodes(topology: Any, reg: Any, scope: str = "") -> list[tuple[str, str]]:
    """(name, canonical type) of each ``tosca.nodes.nfv.VNF`` node template."""
    out: list[tuple[str, str]] = []
    nts = topology.get("node_templates") if isinstance(topology, PMap) else None
    if not isinstance(nts, PMap):
        return out
    if reg.canonical("node", VNF_TYPE) is None:
        return out
    for name, body in nts.items():
        if isinstance(body, PMap) and isinstance(body.get("type"), str):
            t = reg.canonical("node", body["type"], scope)
            if t is not None and reg.is_a("node", t, VNF_TYPE):
                out.append((str(name), t))
    return out


def candidates(files: Iterable[Any], reg: Any, vnf_type: str) -> list[Flavour]:
    """The flavours among ``files`` (the package's files with ``substitution_mappings``,
    as the loader found them: :meth:`Package.substituting` or
    :meth:`Package.unimported_substituting`): each file that substitutes ``vnf_type``."""
    ancestry = set(reg.ancestry("node", vnf_type))
    out: list[Flavour] = []
    for sf in files:
        data = sf.data
        tt = data.get("topology_template") if isinstance(data, PMap) else None
        sm = tt.get("substitution_mappings") if isinstance(tt, PMap) else None
        if not isinstance(tt, PMap) or not isinstance(sm, PMap) \
                or not isinstance(sm.get("node_type"), str):
            continue
        t = reg.canonical("node", sm["node_type"], sf.prefix)
        if t is None or t not in ancestry:
            continue
        fid, span = _flavour_id(sm, tt, reg, sf)
        out.append(Flavour(id=fid, file=sf, topology=tt, span=span))
    return out


def of_package(package: Package, reg: Any, vnf_type: str) -> list[Flavour]:
    """The flavours of the package's VNF of type ``vnf_type``: among the files it reads
    through its imports, else among those the loader found beside its entry."""
    return candidates(package.substituting(), reg, vnf_type) or \
        candidates(package.unimported_substituting(), reg, vnf_type)


def _flavour_id(sm: PMap, tt: PMap, reg: Any, sf: Any) -> tuple[str, Span]:
    props = sm.get("properties")
    if isinstance(props, PMap) and "flavour_id" in props:
        v = props["flavour_id"]
        if isinstance(v, (str, int, float)) and not isinstance(v, bool):
            return str(v), props.value_span("flavour_id")
        if isinstance(v, PSeq) and len(v) == 1 and isinstance(v[0], str):
            inputs = tt.get("inputs")
            idef = inputs.get(v[0]) if isinstance(inputs, PMap) else None
            if isinstance(idef, PMap) and isinstance(idef.get("default"), str):
                return idef["default"], idef.value_span("default")
    for name, _t in vnf_nodes(tt, reg, sf.prefix):
        body = tt["node_templates"][name]
        p = body.get("properties")
        if isinstance(p, PMap) and isinstance(p.get("flavour_id"), str):
            return p["flavour_id"], p.value_span("flavour_id")
    base = posixpath.basename(sf.name)
    return base.rsplit(".", 1)[0], sm.span


def select(flavours: list[Flavour], wanted: str | None, vnf_value: Any, vnf_span: Span,
           diags: Diagnostics, entry_span: Span) -> Flavour | None:
    """Apply the selection rule; reports ``tosca-flavour`` and returns None on failure."""
    ids = [f.id for f in flavours]
    by_id: dict[str, Flavour] = {}
    for f in flavours:
        if f.id in by_id:
            diags.add("tosca-flavour", f"deployment flavour {f.id!r} is defined twice (also "
                      f"in {by_id[f.id].file.display})", f.span)
            continue
        by_id[f.id] = f
    if wanted is not None:
        if wanted in by_id:
            return by_id[wanted]
        diags.add("tosca-flavour", f"--flavour {wanted!r} names no deployment flavour of "
                  "this VNF", entry_span,
                  hint="flavours: " + (", ".join(sorted(by_id)) or "none"))
        return None
    if isinstance(vnf_value, str) and vnf_value in by_id:
        return by_id[vnf_value]
    if len(by_id) == 1:
        return next(iter(by_id.values()))
    if isinstance(vnf_value, str) and by_id:
        diags.add("tosca-flavour", f"flavour_id {vnf_value!r} names no deployment flavour of "
                  "this VNF", vnf_span, hint="flavours: " + ", ".join(sorted(by_id)))
        return None
    diags.add("tosca-flavour", f"the VNF has {len(ids)} deployment flavours; choose one with "
              f"--flavour ({', '.join(sorted(by_id))})", vnf_span,
              hint="e.g. --flavour " + sorted(by_id)[0])
    return None


def flavour_ids(package: Package, options: Options) -> tuple[str, ...]:
    """The deployment flavour ids a ``--flavour`` may name for this package, sorted;
    ``()`` when its entry has no VNF implemented by flavour files.

    For tools that judge a package as a whole (the conformance run checks a multi-flavour
    VNFD once per flavour).  The same discovery as :func:`compiler.resolve.resolve`; type
    and file problems are not reported here (resolve reports them).
    """
    from . import VERSIONS
    from .types import TypeRegistry

    files = getattr(package, "files", None)
    if not files or not isinstance(files[0].data, PMap):
        return ()
    entry = files[0]
    version = entry.data.get("tosca_definitions_version")
    if version not in VERSIONS:
        return ()
    sink = Diagnostics()
    reg = TypeRegistry.build(package, sink, version,
                             quirks=options.quirks)
    tt = entry.data.get("topology_template")
    vnfs = vnf_nodes(tt, reg, entry.prefix)
    if len(vnfs) != 1:
        return ()
    return tuple(sorted({f.id for f in of_package(package, reg, vnfs[0][1])}))


# Network services (issue 26): an NSD's imported VNFDs substitute its VNF nodes
# (compiler/ns), they are no deployment flavours of the entry.
NS_TYPES = ("tosca.nodes.nfv.NS", "tosca.nodes.nfv.NsVirtualLink", "tosca.nodes.nfv.Sap")


def looks_like_nsd(tt: Any, reg: Any, scope: str, options: Options) -> bool:
    """Whether the raw ``topology_template`` ``tt`` is an NSD's (for resolve, which then
    does not take an imported VNFD for a deployment flavour of the entry): ``--vnf``
    was given, or it has an NS, NS virtual link or SAP node, or several VNF nodes."""
    nts = tt.get("node_templates") if isinstance(tt, Mapping) else None
    if not isinstance(nts, Mapping):
        return False
    if options.vnfs:
        return True
    vnfs = 0
    for body in nts.values():
        t = body.get("type") if isinstance(body, Mapping) else None
        c = reg.canonical("node", t, scope) if isinstance(t, str) else None
        if c is None:
            continue
        if any(reg.is_a("node", c, base) for base in NS_TYPES if reg.canonical("node", base)):
            return True
        if reg.canonical("node", VNF_TYPE) and reg.is_a("node", c, VNF_TYPE):
            vnfs += 1
    return vnfs > 1
