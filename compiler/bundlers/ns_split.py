"""Network services: the compiled files of an NSD, split into each VNF's share.

Phase: bundle.  Input: a clean Compilation of an NSD (:func:`compiler.ns.is_service`) and
its OutputFiles.  Output: :class:`Split`: for every VNF node, in the NSD's order, the
files of the Kubernetes objects its VNFD contributed, and the service's own files (the NS
virtual links' NetworkAttachmentDefinitions, the FailurePolicy and its CRD, the
PrometheusRule, anything else no VNF owns).  The NS bundles (one Helm subchart, one
Kustomize component, one OSM KNF package per VNF) are made from it; nothing here touches
the disk.

Which VNF owns an object: the template it came from (the ``xfactor.io/template``
annotation every emitter writes, else the object's name) is named ``<vnf>-<template>``
(:func:`compiler.ns.rename.member_name`); the VNF node whose name is the longest such
prefix owns it.  The operator's files (``operator/``) are neither: the callers handle
them as for a VNF.

Codes: none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..model import OutputFile
from . import OPERATOR_DIR

VNF_TYPE = "tosca.nodes.nfv.VNF"
TEMPLATE = "xfactor.io/template"


@dataclass(slots=True)
class Split:
    """One NS compilation's files by owner (operator files are in neither)."""

    vnfs: dict[str, list[OutputFile]] = field(default_factory=dict)  # VNF node -> files
    service: list[OutputFile] = field(default_factory=list)  # the NS's own objects


def is_ns(unit: Any) -> bool:
    """Whether ``unit`` compiled a network service (an NSD whose VNFs were substituted)."""
    if unit.topology is None:
        return False
    from ..ns import is_service

    return is_service(unit.topology, unit.options)


def vnf_nodes(unit: Any) -> list[str]:
    """The NSD's VNF node names, in the NSD's order."""
    return [n.name for n in unit.topology.nodes_of(VNF_TYPE)]


def owner(name: str, vnfs: list[str]) -> str | None:
    """The VNF node whose share template ``name`` is (longest ``<vnf>-`` prefix)."""
    best = None
    for v in vnfs:
        if name.startswith(v + "-") and (best is None or len(v) > len(best)):
            best = v
    return best


def _owner_of(f: OutputFile, vnfs: list[str]) -> str | None:
    if not f.path.endswith((".yaml", ".yml")):
        return None
    found: set[str | None] = set()
    for doc in yaml.safe_load_all(f.content.decode("utf-8")):
        if not isinstance(doc, dict) or "kind" not in doc:
            continue
        meta = doc.get("metadata") or {}
        template = (meta.get("annotations") or {}).get(TEMPLATE) or meta.get("name") or ""
        found.add(owner(str(template), vnfs))
    # a file is one object for the Kubernetes back end; a file of several owners (none
    # is written today) stays with the service, never split
    return found.pop() if len(found) == 1 else None


def split(unit: Any, files: list[OutputFile]) -> Split:
    """``files`` (less ``operator/``) by owner: see the module docstring."""
    vnfs = vnf_nodes(unit)
    out = Split(vnfs={v: [] for v in vnfs})
    for f in sorted(files, key=lambda f: f.path):
        if f.path.startswith(OPERATOR_DIR):
            continue
        v = _owner_of(f, vnfs)
        if v is None:
            out.service.append(f)
        else:
            out.vnfs[v].append(f)
    out.vnfs = {v: fs for v, fs in out.vnfs.items() if fs}
    return out
