"""Network services: the Helm chart and the Kustomize tree of an NSD, one part per VNF.

Phase: bundle.  Input: the :class:`~compiler.bundlers.BundleInput` of an NSD
(:func:`compiler.bundlers.ns_split.is_ns`; its ``settings.ns_layout``).  Output:
files by path, relative to ``helm/<chart>/`` or ``kustomize/``:

* **Helm, ``--ns-layout subcharts``** (the default for an NSD): a parent chart named
  after the service holding the service's own objects (NS links, FailurePolicy and its
  CRD, PrometheusRule) and the operator (behind ``operator.enabled``), and one subchart
  per VNF node in ``charts/<vnf>/`` (each a chart of :mod:`compiler.bundlers.helm` over
  that VNF's objects: its own ``values.yaml`` and ``values.schema.json``, so the values
  of VNF ``cp`` are set as ``cp.workloads...``, ``cp.namespace``).  The parent's
  ``Chart.yaml`` lists each subchart under ``dependencies`` (no repository: they are in
  ``charts/``).  ``helm template`` with the default values renders the objects of the
  flat chart.  ``--ns-layout flat`` gives the one chart of a VNF.
* **Kustomize**: ``base/`` keeps the service's own objects and lists one Kustomize
  ``Component`` per VNF node, ``components/<vnf>/`` holding that VNF's object files, so
  ``kubectl kustomize base`` renders the same objects as the flat output; an overlay can
  name the components it wants instead.

Codes: none.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..names import dns_label
from . import OPERATOR_DIR, BundleError, BundleInput, dump_yaml
from .ns_split import split

LAYOUTS = ("subcharts", "flat")


def _check_names(names: list[str], reserved: set[str]) -> None:
    for n in names:
        if n in reserved:
            raise BundleError(f"VNF node {n!r} has the name of the bundle's own part "
                              f"{n!r}: rename the VNF node, or bundle with --ns-layout flat")


def helm_subcharts(inp: BundleInput, with_operator: bool = True) -> tuple[str, dict[str, bytes]]:
    """(the parent chart's name, its files by path inside the chart folder); the operator
    goes in the parent unless ``with_operator`` is false (orchestrator packages)."""
    from .helm import build_chart
    from .ns_package import ns_identity, vnf_identity

    parts = split(inp)
    operator = [o for o in inp.objects if o.path.startswith(OPERATOR_DIR)] if with_operator else []
    ns = ns_identity(inp)
    deps: list[dict[str, str]] = []
    out: dict[str, bytes] = {}  # the subcharts' files; the parent's are built last, with
    # its dependencies and its values' schema known (never read back from its files)
    for vnf, objs in parts.vnfs.items():
        name = dns_label(vnf, fallback="vnf")
        ident = vnf_identity(ns, vnf, objs)
        if name == ns.name or any(d["name"] == name for d in deps):
            raise BundleError(f"two charts of the service would be named {name!r}: rename a "
                              "VNF node, or bundle with --ns-layout flat")
        sub = build_chart(inp, objs, replace(ident, name=name), more_values={
            "global": {"type": "object", "description": "Helm's values shared with the "
                                                        "parent chart (xfc sets none)"}})
        out.update({f"charts/{name}/{p}": d for p, d in sub.files.items()})
        deps.append({"name": name, "version": ident.version})
    # the parent's values hold each subchart's under its name (its own schema types
    # them) and Helm's `global`
    parent = build_chart(inp, parts.service + operator, ns, dependencies=tuple(deps),
                         more_values={
        "global": {"type": "object", "description": "values every subchart sees"},
        **{d["name"]: {"type": "object", "description": f"the values of VNF {d['name']} "
                       f"(charts/{d['name']}/values.schema.json)"} for d in deps}})
    return parent.name, {**parent.files, **out}  # the parent's files first, as listed


def kustomize_components(inp: BundleInput) -> dict[str, bytes]:
    """``base/`` (the service's objects and the components) and ``components/<vnf>/``:
    each object file byte for byte."""
    from .kustomize import COMPONENT, KUSTOMIZATION

    parts = split(inp)
    _check_names(list(parts.vnfs), {"operator"})
    content = {f.path: f.content for f in inp.files}
    out: dict[str, bytes] = {}
    names: list[str] = []
    for path in dict.fromkeys(o.path for o in parts.service):
        name = path.rsplit("/", 1)[-1]
        names.append(name)
        out[f"base/{name}"] = content[path]
    comps = []
    for vnf, objs in parts.vnfs.items():
        res = []
        for path in dict.fromkeys(o.path for o in objs):
            name = path.rsplit("/", 1)[-1]
            res.append(name)
            out[f"components/{vnf}/{name}"] = content[path]
        out[f"components/{vnf}/kustomization.yaml"] = dump_yaml(dict(COMPONENT, resources=res))
        comps.append(f"../components/{vnf}")
    kust: dict[str, Any] = dict(KUSTOMIZATION, resources=names)
    kust["components"] = comps
    out["base/kustomization.yaml"] = dump_yaml(kust)
    return out
