"""Network services: the compiled files of an NSD, split into each VNF's share.

Phase: bundle.  Input: the :class:`~compiler.bundlers.BundleInput` of an NSD
(:func:`is_ns`).  Output: :class:`Split`: for every VNF node, in the NSD's order, the
Kubernetes objects its VNFD contributed, and the service's own objects (the NS
virtual links' NetworkAttachmentDefinitions, the FailurePolicy and its CRD, the
PrometheusRule, anything else no VNF owns).  The NS bundles (one Helm subchart, one
Kustomize component, one OSM KNF package per VNF) are made from it; nothing here touches
the disk.

Which VNF owns an object: the template it came from (the ``xfactor.io/template``
annotation every emitter writes, else the object's name) is named ``<vnf>-<template>``
(:func:`compiler.ns.rename.member_name`); the VNF node whose name is the longest such
prefix owns it.  The operator's objects (``operator/``) are neither: the callers handle
them as for a VNF.  The objects are the input's own instances (the Helm bundler finds the
inputs' wiring by their place in ``BundleInput.objects``).

Codes: none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import OPERATOR_DIR, BundleInput, K8sObject

VNF_TYPE = "tosca.nodes.nfv.VNF"
TEMPLATE = "xfactor.io/template"
NS_TYPES = ("tosca.nodes.nfv.NS", "tosca.nodes.nfv.NsVirtualLink", "tosca.nodes.nfv.Sap")


@dataclass(slots=True)
class Split:
    """One NS compilation's objects by owner (operator objects are in neither)."""

    vnfs: dict[str, list[K8sObject]] = field(default_factory=dict)  # VNF node -> objects
    service: list[K8sObject] = field(default_factory=list)  # the NS's own objects


def is_ns(inp: BundleInput) -> bool:
    """Whether ``inp`` is a network service (an NSD whose VNFs were substituted): the
    NSD's shape as :func:`compiler.ns.is_service` reads it (several VNF nodes, or an NS,
    NS virtual link or SAP node), or one VNF node that :func:`compiler.ns.compose` made
    depend on its substituted workloads (``<vnf>-<template>``: an NSD of one VNF given
    with ``--vnf``).  Read from the IR here: bundlers import no front-end phase."""
    topo = inp.topology
    vnfs = vnf_nodes(inp)
    if not vnfs:
        return False
    if len(vnfs) > 1 or any(topo.nodes_of(t) for t in NS_TYPES):
        return True
    for v in vnfs:
        node = topo.nodes[v]
        if any(r.name == "dependency" and r.node is not None and r.node.startswith(v + "-")
               and r.node in topo.nodes for r in node.requirements):
            return True
    return False


def vnf_nodes(inp: BundleInput) -> list[str]:
    """The NSD's VNF node names, in the NSD's order."""
    return [n.name for n in inp.topology.nodes_of(VNF_TYPE)]


def owner(name: str, vnfs: list[str]) -> str | None:
    """The VNF node whose share template ``name`` is (longest ``<vnf>-`` prefix)."""
    best = None
    for v in vnfs:
        if name.startswith(v + "-") and (best is None or len(v) > len(best)):
            best = v
    return best


def split(inp: BundleInput) -> Split:
    """``inp.objects`` (less ``operator/``) by owner: see the module docstring.  The
    objects of one file stay together (the Kubernetes back end writes one a file)."""
    vnfs = vnf_nodes(inp)
    by_file: dict[str, list[K8sObject]] = {}
    for o in inp.objects:
        if not o.path.startswith(OPERATOR_DIR):
            by_file.setdefault(o.path, []).append(o)
    out = Split(vnfs={v: [] for v in vnfs})
    for path in sorted(by_file):
        owners = set()
        for o in by_file[path]:
            meta = o.body.get("metadata") or {}
            template = (meta.get("annotations") or {}).get(TEMPLATE) or meta.get("name") or ""
            # a VNF node's own Namespace (--ns-namespaces per-vnf) goes with its share
            owners.add(str(template) if o.kind == "Namespace" and template in vnfs
                       else owner(str(template), vnfs))
        v = owners.pop() if len(owners) == 1 else None
        (out.service if v is None else out.vnfs[v]).extend(by_file[path])
    out.vnfs = {v: objs for v, objs in out.vnfs.items() if objs}
    return out
