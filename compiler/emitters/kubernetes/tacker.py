"""Tacker CNF packages: Kubernetes objects shipped in ``Files/kubernetes/*.yaml``.

Phase: emit.
Input: the package file system and the ``Vdu.Compute`` templates without a container
image.  Tacker's rule (formats.md §0.1): each VDU's ``properties.name`` equals the
``metadata.name`` of its Kubernetes object.
Output: the shipped objects, enriched rather than re-invented:

* the objects of every VDU of the selected flavour, with the standard labels, the
  traceability annotations (``xfactor.io/source: Files/kubernetes/x.yaml:<line>``,
  ``xfactor.io/template: <VDU>``), ``terminationGracePeriodSeconds`` from the process
  traits, ``--namespace`` when given, and a PodDisruptionBudget when the VDU may run more
  than one instance;
* the non-workload objects (Services, ConfigMaps, ...) of the files that hold a matched
  object or no workload at all, with labels and annotations.

Workload objects named by no VDU of the selected flavour belong to another flavour and
are left out.  A VDU whose object is missing is ``k8s-object-missing`` (an error);
security settings stay as shipped, with one ``k8s-insecure`` warning per container that
lacks a safe default (security.py); a VDU that the X-factor model calls stateful but
whose object is a Deployment gets ``k8s-not-expressible``.

Codes: k8s-object-missing, k8s-insecure, k8s-not-expressible, value-out-of-range.
"""

from __future__ import annotations

import copy
import posixpath

import yaml

from ... import bounds
from ...model import NodeTemplate
from . import security
from .common import ANN_ORIGIN, ANN_SOURCE, ANN_TEMPLATE, ANN_TYPE, Ctx, dns_label, label_value
from .workloads import check_tag

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "CronJob")
KUBE_DIR = "Files/kubernetes/"


def _pod_spec(obj: dict) -> dict | None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return None
    if obj.get("kind") == "Pod":
        return spec
    if obj.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    tmpl = spec.get("template")
    return tmpl.get("spec") if isinstance(tmpl, dict) and isinstance(tmpl.get("spec"), dict) else None


def _read(ctx: Ctx) -> list[tuple[str, int, dict]]:
    """(file, line, object) for every mapping document under Files/kubernetes/."""
    pkg = ctx.topology.package
    fs = getattr(pkg, "fs", None) if pkg is not None else None
    if fs is None:
        return []
    limit = ctx.unit.options.limits.max_file_bytes
    found: list[tuple[str, int, dict]] = []
    for name in fs.names(KUBE_DIR):  # only that folder is walked
        if not name.startswith(KUBE_DIR) or not name.endswith((".yaml", ".yml")):
            continue
        try:
            text = fs.read_bytes(name, limit).decode("utf-8")
            nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
            docs = list(yaml.safe_load_all(text))
        except Exception as exc:  # noqa: BLE001 - any unreadable file is a diagnostic
            ctx.diags.add(
                "k8s-not-expressible",
                f"{name}: the shipped Kubernetes file cannot be read ({type(exc).__name__}); it is skipped",
                None,
            )
            continue
        for node, doc in zip(nodes, docs, strict=False):
            if isinstance(doc, dict) and isinstance(doc.get("kind"), str):
                found.append((name, node.start_mark.line + 1, doc))
    return found


def vdus(ctx: Ctx, workloads: set[str]) -> list[NodeTemplate]:
    """The Vdu.Compute templates that no container image turned into a workload."""
    return [
        n
        for n in ctx.topology.nodes_of("tosca.nodes.nfv.Vdu.Compute")
        if n.name not in workloads and not n.is_a("tosca.nodes.nfv.Vdu.OsContainerDeployableUnit")
    ]


def emit(ctx: Ctx, candidates: list[NodeTemplate], replicas_of) -> set[str]:
    """Emit the shipped objects; return the VDU names that were realised this way."""
    objects = _read(ctx)
    if not objects:
        return set()
    by_name: dict[str, list[int]] = {}
    for i, (_, _, obj) in enumerate(objects):
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        if obj.get("kind") in WORKLOAD_KINDS and isinstance(meta.get("name"), str):
            by_name.setdefault(meta["name"], []).append(i)
    matched: dict[int, NodeTemplate] = {}
    realised: set[str] = set()
    for vdu in candidates:
        vname = vdu.properties.get("name")
        idx = by_name.get(vname) if isinstance(vname, str) else None
        if not idx:
            ctx.diags.add(
                "k8s-object-missing",
                f"{vdu.name}: no Kubernetes workload object named '{vname}' in {KUBE_DIR}",
                ctx.node_span(vdu, "name"),
                hint="Tacker matches a VDU's properties.name with the metadata.name of a "
                "Deployment, StatefulSet, DaemonSet, ReplicaSet or Pod shipped in the package",
            )
            continue
        for i in idx:
            matched[i] = vdu
        realised.add(vdu.name)
    files_with_match = {objects[i][0] for i in matched}
    files_with_workloads = {f for f, _, o in objects if o.get("kind") in WORKLOAD_KINDS}
    for i, (file, line, obj) in enumerate(objects):
        vdu = matched.get(i)
        if vdu is None:
            if obj.get("kind") in WORKLOAD_KINDS:
                continue  # another flavour's object
            if file in files_with_workloads and file not in files_with_match:
                continue
        _enrich(ctx, file, line, copy.deepcopy(obj), vdu, replicas_of)
    return realised


def _enrich(ctx: Ctx, file: str, line: int, obj: dict, vdu: NodeTemplate | None, replicas_of) -> None:
    meta = obj.setdefault("metadata", {})
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    name = str(meta.get("name") or dns_label(posixpath.basename(file).rsplit(".", 1)[0]))
    meta["name"] = name
    template = vdu.name if vdu is not None else file
    labels = meta.setdefault("labels", {}) if isinstance(meta.get("labels"), dict) else meta.setdefault("labels", {})
    labels.update(ctx.labels(name))
    ann = meta["annotations"] if isinstance(meta.get("annotations"), dict) else {}
    ann.update({ANN_SOURCE: f"{file}:{line}", ANN_TEMPLATE: template, ANN_ORIGIN: "shipped"})
    meta["annotations"] = ann
    if ctx.namespace and obj.get("kind") not in _CLUSTER_SCOPED:
        meta["namespace"] = ctx.namespace
    kind = str(obj.get("kind"))
    if vdu is not None:
        ann[ANN_TYPE] = vdu.type
        _workload_settings(ctx, obj, vdu, name, file)
    ctx.add(kind, dns_label(name), obj)
    if vdu is not None:
        lo, hi = replicas_of(vdu)
        selector = (obj.get("spec") or {}).get("selector") if isinstance(obj.get("spec"), dict) else None
        if hi > 1 and isinstance(selector, dict) and kind in ("Deployment", "StatefulSet", "ReplicaSet"):
            ctx.add(
                "PodDisruptionBudget",
                dns_label(name),
                {
                    "apiVersion": "policy/v1",
                    "kind": "PodDisruptionBudget",
                    "metadata": ctx.metadata(dns_label(name), template=vdu.name, span=vdu.span),
                    "spec": {
                        "maxUnavailable": 1,
                        "selector": copy.deepcopy(selector),
                        "unhealthyPodEvictionPolicy": "AlwaysAllow",
                    },
                },
            )


_CLUSTER_SCOPED = (
    "Namespace", "StorageClass", "PersistentVolume", "ClusterRole", "ClusterRoleBinding",
    "CustomResourceDefinition", "PriorityClass", "RuntimeClass", "IngressClass",
)


def _workload_settings(ctx: Ctx, obj: dict, vdu: NodeTemplate, name: str, file: str) -> None:
    pod = _pod_spec(obj)
    process = ctx.unit.xmodel.processes.get(vdu.name) if ctx.unit.xmodel else None
    if process is not None and process.state == "stateful" and obj.get("kind") == "Deployment":
        ctx.diags.add(
            "k8s-not-expressible",
            f"{vdu.name}: the process is stateful but the shipped object {name} is a "
            "Deployment; xfc keeps the shipped kind",
            vdu.span,
            hint="ship a StatefulSet with a headless Service for a stateful VDU",
        )
    if pod is None:
        return
    if process is not None:
        grace = bounds.seconds(process.graceful_shutdown, f"{vdu.name}: graceful_shutdown",
                               process.property_spans.get("graceful_shutdown", process.span),
                               ctx.diags)
        if grace is not None:
            pod["terminationGracePeriodSeconds"] = grace
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    tmpl = spec.get("template") if isinstance(spec.get("template"), dict) else None
    if tmpl is not None:
        tmeta = tmpl.setdefault("metadata", {})
        if isinstance(tmeta, dict):
            tl = tmeta.setdefault("labels", {})
            if isinstance(tl, dict):
                for k, v in ctx.labels(name).items():
                    tl.setdefault(k, v)
            ta = tmeta.setdefault("annotations", {})
            if isinstance(ta, dict):
                ta[ANN_TEMPLATE] = vdu.name
    for c in pod.get("containers") or []:
        if not isinstance(c, dict):
            continue
        if isinstance(c.get("image"), str):
            check_tag(ctx, vdu, c["image"], vdu.span)
        missing = security.missing_defaults(pod, c)
        if missing:
            ctx.diags.add(
                "k8s-insecure",
                f"{vdu.name}: container '{c.get('name')}' of the shipped object {name} ({file}) "
                f"lacks {', '.join(missing)}; xfc keeps shipped security settings as written",
                vdu.span,
            )


__all__ = ["emit", "vdus", "label_value"]
