"""Network services: the orchestrator packages of an NSD (OSM, ONAP).

Phase: bundle.  Input: the :class:`~compiler.bundlers.BundleInput` of an NSD
(:func:`compiler.bundlers.ns_split.is_ns`), its objects split by VNF
(:mod:`compiler.bundlers.ns_split`).  Output: the
files the ``osm``, ``onap-helm`` and ``csar`` bundlers write for a network service:

* **OSM** (``-f osm``): OSM onboards each VNF package, then the NS package that names
  them by VNFD id (formats.md §3).  So: one KNF package per VNF node,
  ``<ns>-<vnf>_knf.tar.gz`` (:mod:`compiler.bundlers.osm`, the VNF's share of the
  objects as its chart, VNFD id ``<ns>-<vnf>``); one more, ``<ns>-service_knf.tar.gz``,
  for the service's own objects (NS links' NetworkAttachmentDefinitions, the
  FailurePolicy, the PrometheusRule) when there are any; and the NS package
  ``<ns>_ns.tar.gz``: one top folder holding ``<ns>_nsd.yaml`` and ``checksums.txt``.
  The NSD (``nsd.nsd[]``, SOL006 with OSM's reading) lists every package's VNFD id in
  ``vnfd-id`` and has one deployment flavour with a ``vnf-profile`` per package (its
  ``flavour-id``/``instantiation-level`` those of the KNF's VNFD) joined to the
  management network ``mgmtnet`` through the KNF's ``mgmt-ext`` connection point.  A
  VNF node is its own KNF even when two nodes share a VNFD: xfc names every object
  after its VNF node, so the two charts differ.  The NS instance counts are already in
  the charts' replica counts; each profile has one instance.
* **ONAP SDC native Helm** (``-f onap-helm``): one chart per VNF, each a ``HELM``
  entry of ``MANIFEST.json`` (SDC makes each a VF module), and the service's chart as
  the one ``isBase`` entry (the first VNF's when the service has no object of its own).
* **ETSI NS CSAR** (``-f csar``): the CSAR of :mod:`compiler.bundlers.csar` with the NSD
  as entry and its VNFDs under ``Definitions/``; its manifest carries the SOL007 NS
  metadata (:func:`ns_manifest_metadata`) instead of the VNF keys.

Codes: none.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

from ..model import OutputFile
from . import BundleInput, Identity, K8sObject, Settings, dump_yaml, identity, semver, targz_bytes
from .ns_split import Split, split

MGMT_NET = "mgmtnet"
MGMT_MAX_BITRATE = 10_000_000_000  # bit/s, nominal (see build_nsd)
SERVICE = "service"



def ns_identity(inp: BundleInput) -> Identity:
    """The service's identity: :func:`compiler.bundlers.identity`, with what names the NS
    (its ``tosca.nodes.nfv.NS`` node's ``descriptor_id``, ``designer``, ``version``,
    else the NSD's metadata) in place of what the first VNF node says."""
    _, objects = inp.without_operator()
    ident = identity(inp, objects)
    topo = inp.topology
    ns = next(iter(topo.nodes_of("tosca.nodes.nfv.NS")), None)
    props = ns.properties if ns is not None else {}
    meta = dict(topo.metadata or {})

    def text(*vals: Any) -> str | None:
        return next((str(v) for v in vals if isinstance(v, (str, int, float)) and str(v).strip()),
                    None)

    version = text(props.get("version"), meta.get("template_version"))
    return replace(
        ident,
        provider=text(props.get("designer"), meta.get("template_author")) or "unknown",
        descriptor_id=text(props.get("descriptor_id"), props.get("invariant_id")) or ident.name,
        version=semver(version, ident.version) if version else ident.version,
        product=ident.name)


def vnf_identity(ns: Identity, vnf: str, objects: list[K8sObject]) -> Identity:
    """One VNF's share of the service as a package: named ``<ns>-<vnf>``, its provider,
    versions and VNFD id from the annotations its workloads carry (the VNFD's)."""
    from ..names import dns_label

    notes: dict[str, str] = {}
    for o in objects:
        notes.update({k: str(v) for k, v in
                      ((o.body.get("metadata") or {}).get("annotations") or {}).items()
                      if k not in notes})
    name = dns_label(f"{ns.name}-{vnf}", fallback="vnf")
    version = notes.get("xfactor.io/vnfd-version")

    return replace(
        ns, name=name, version=semver(version, ns.version) if version else ns.version,
        description=f"VNF {vnf} of the network service {ns.name}",
        provider=notes.get("xfactor.io/vnf-provider", ns.provider), product=name,
        software_version=notes.get("xfactor.io/vnf-software-version", ns.software_version),
        app_version=notes.get("xfactor.io/vnf-software-version", ns.app_version),
        descriptor_id=name)


def shares(inp: BundleInput) -> tuple[Identity, list[tuple[str, Identity, list[K8sObject]]]]:
    """(the NS identity, [(share key, identity, objects)]): the VNFs in NSD order, then
    the service's own objects (key ``service``) when there are any."""
    ns = ns_identity(inp)
    parts: Split = split(inp)
    out = [(v, vnf_identity(ns, v, objs), objs) for v, objs in parts.vnfs.items()]
    if parts.service:
        out.append((SERVICE, replace(ns, name=f"{ns.name}-{SERVICE}",
                                     description=f"the network service {ns.name}'s own objects "
                                                 "(NS links, failure policy)"), parts.service))
    return ns, out


# --------------------------------------------------------------------------- OSM


#: SOL001 layer protocols (``connectivity_type.layer_protocols``) as SOL006 names them
_LAYER = {"ethernet": "ethernet", "mpls": "mpls", "odu2": "odu2", "ipv4": "ipv4",
          "ipv6": "ipv6", "pseudo_wire": "pseudo-wire"}


@dataclass(frozen=True, slots=True)
class NsLink:
    """One NS virtual link of the NSD, as the OSM NS package writes it."""

    name: str
    protocols: tuple[str, ...]  # SOL006 layer-protocol names
    max_bitrate: dict[str, int]  # root / leaf, bit/s
    min_bitrate: dict[str, int]


def _bitrates(value: Any, default: dict[str, int]) -> dict[str, int]:
    out = {k: v for k, v in (value.items() if isinstance(value, Mapping) else ())
           if k in ("root", "leaf") and isinstance(v, int) and not isinstance(v, bool) and v >= 0}
    return out if "root" in out else default


def ns_links(inp: BundleInput) -> tuple[list[NsLink], dict[str, list[tuple[str, str]]]]:
    """The NSD's NS virtual links, and for each VNF node the (ext-cpd id, link) pairs of
    the links it joins through connection points (the VNFD's CPs its substitution
    mappings bind to the VNF node's ``virtual_link`` requirements,
    :func:`compiler.ns._bindings`): the ext-cpd id is the CP's name in its VNFD
    (``<vnf>-`` taken off); of several CPs on one link, the first by name."""
    from .ns_split import owner, vnf_nodes

    topo = inp.topology
    links = []
    for vl in topo.nodes_of("tosca.nodes.nfv.NsVirtualLink"):
        ct = vl.properties.get("connectivity_type")
        raw = ct.get("layer_protocols") if isinstance(ct, Mapping) else None
        protocols = tuple(dict.fromkeys(_LAYER[p] for p in (raw or ()) if p in _LAYER))
        prof = vl.properties.get("vl_profile")
        prof = prof if isinstance(prof, Mapping) else {}
        links.append(NsLink(name=vl.name, protocols=protocols or ("ethernet",),
                            max_bitrate=_bitrates(prof.get("max_bitrate_requirements"),
                                                  {"root": MGMT_MAX_BITRATE}),
                            min_bitrate=_bitrates(prof.get("min_bitrate_requirements"),
                                                  {"root": 0})))
    names = {link.name for link in links}
    vnfs = vnf_nodes(inp)
    joins: dict[str, list[tuple[str, str]]] = {}
    found: dict[str, dict[str, list[str]]] = {}
    for node in topo.nodes.values():
        v = owner(node.name, vnfs)
        if v is None:
            continue
        for r in node.requirements:
            if r.name in ("external_virtual_link", "virtual_link") and r.node in names:
                found.setdefault(v, {}).setdefault(str(r.node), []).append(node.name[len(v) + 1:])
    # SOL006 keys a connectivity's constituent-cpd-id by the VNF profile: one ext-cpd per
    # VNF and link (a KNF's ext-cpd is its cluster network), the first CP by name
    for v, by_link in found.items():
        joins[v] = [(sorted(cps)[0], link) for link, cps in by_link.items()]
    return links, joins


def build_nsd(ns: Identity, knfs: list[tuple[str, Identity]],
              links: Sequence[NsLink] = (), joins: Mapping[str, list[tuple[str, str]]] | None = None
              ) -> dict[str, Any]:
    """The OSM NSD naming each KNF package (``[(profile id, the KNF's identity)]``): the
    management network and the NS virtual links ``links`` as ``virtual-link-desc`` (each
    with a profile in the deployment flavour), and each VNF profile's
    ``virtual-link-connectivity`` from its KNF's ext-cpds to them (``joins``: profile id
    -> [(ext-cpd id, link)])."""
    from .osm import MGMT_CP

    joins = joins or {}

    def connectivity(key: str) -> list[dict[str, Any]]:
        out = [{"virtual-link-profile-id": MGMT_NET,
                "constituent-cpd-id": [{"constituent-base-element-id": key,
                                        "constituent-cpd-id": MGMT_CP}]}]
        for link in links:
            cpds = [cpd for cpd, vl in joins.get(key, ()) if vl == link.name]
            if cpds:
                out.append({"virtual-link-profile-id": link.name,
                            "constituent-cpd-id": [{"constituent-base-element-id": key,
                                                    "constituent-cpd-id": c} for c in cpds]})
        return out

    profiles = [{
        "id": key,
        "vnfd-id": ident.name,
        "flavour-id": "default-df",
        "instantiation-level": "default",
        "min-number-of-instances": 1,
        "max-number-of-instances": 1,
        "virtual-link-connectivity": connectivity(key),
    } for key, ident in knfs]
    nsd = {
        "id": ns.name,
        "designer": ns.provider,
        "version": ns.version,
        "name": ns.name,
        "vnfd-id": [ident.name for _, ident in knfs],
        "virtual-link-desc": [{"id": MGMT_NET, "mgmt-network": True,
                               "connectivity-type": {"layer-protocol": ["ethernet"]},
                               "df": [{"id": "default"}]}] + [
            {"id": link.name, "connectivity-type": {"layer-protocol": list(link.protocols)},
             "df": [{"id": "default"}]} for link in links],
        "df": [{
            "id": "default-df",
            "vnf-profile": profiles,
            # SOL006 requires both bitrates of a profile: nominal values, no minimum and
            # a 10 Gbit/s ceiling (OSM does not act on them for a KNF's cluster network);
            # an NS link's are its vl_profile's
            "virtual-link-profile": [{"id": MGMT_NET, "virtual-link-desc-id": MGMT_NET,
                                      "flavour-id": "default",
                                      "max-bitrate-requirements": {"root": MGMT_MAX_BITRATE},
                                      "min-bitrate-requirements": {"root": 0}}] + [
                {"id": link.name, "virtual-link-desc-id": link.name, "flavour-id": "default",
                 "max-bitrate-requirements": dict(link.max_bitrate),
                 "min-bitrate-requirements": dict(link.min_bitrate)} for link in links],
            # SOL006: one NS instantiation level (the counts are in the charts already)
            "ns-instantiation-level": [{
                "id": "default", "description": "one instance of each VNF package",
                "vnf-to-level-mapping": [{"vnf-profile-id": key, "number-of-instances": 1}
                                         for key, _ in knfs]}],
        }],
    }
    return {"nsd": {"nsd": [nsd]}}


def osm_files(inp: BundleInput, producer: str) -> list[OutputFile]:
    """The KNF packages of every share and the NS package naming them (OSM)."""
    from .osm import build_package

    ns, parts = shares(inp)
    links, joins = ns_links(inp)
    protocols = {link.name: list(link.protocols) for link in links}
    out = []
    knfs = []
    for key, ident, objs in parts:
        ext = [(cpd, vl, protocols[vl]) for cpd, vl in joins.get(key, ())]
        folder, content = build_package(inp, objs, ident, ext)
        out.append(OutputFile(path=f"{folder}.tar.gz", producer=producer,
                              content=targz_bytes({f"{folder}/{p}": d for p, d in content.items()})))
        knfs.append((key, ident))
    folder = f"{ns.name}_ns"
    content = {f"{ns.name}_nsd.yaml": b"# OSM NS descriptor written by xfc\n"
               + dump_yaml(build_nsd(ns, knfs, links, joins))}
    content["checksums.txt"] = "".join(
        f"{hashlib.md5(content[p]).hexdigest()}  {p}\n" for p in sorted(content)).encode()
    out.append(OutputFile(path=f"{folder}.tar.gz", producer=producer,
                          content=targz_bytes({f"{folder}/{p}": d for p, d in content.items()})))
    return out


# --------------------------------------------------------------------------- ONAP


def onap_helm_members(inp: BundleInput) -> tuple[str, dict[str, bytes]]:
    """(zip name, members): one chart per share, the service's (else the first) is base."""
    from .helm import build_chart

    ns, parts = shares(inp)
    base = SERVICE if any(k == SERVICE for k, _, _ in parts) else parts[0][0]
    data = []
    members: dict[str, bytes] = {}
    for key, ident, objs in sorted(parts, key=lambda p: p[0] != base):
        chart = build_chart(inp, objs, ident)
        tgz = f"{chart.name}-{ident.version}.tgz"
        members[tgz] = targz_bytes({f"{chart.name}/{p}": d for p, d in chart.files.items()})
        data.append({"file": tgz, "type": "HELM", "isBase": "true" if key == base else "false"})
    manifest = {"name": ns.name, "description": ns.description, "data": data}
    members["MANIFEST.json"] = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    return f"{ns.name}-helm.zip", members


def ns_manifest_metadata(ident: Identity, settings: Settings) -> list[tuple[str, str]]:
    """The NS package manifest's metadata (SOL007 §4.3.2), in the order SOL007 lists it."""
    return [
        ("nsd_designer", ident.provider),
        ("nsd_invariant_id", ident.descriptor_id),
        ("nsd_name", ident.name),
        ("nsd_release_date_time", settings.release_date),
        ("nsd_file_structure_version", ident.version),
    ]
