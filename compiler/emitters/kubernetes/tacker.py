"""Tacker CNF packages: Kubernetes objects shipped in ``Files/kubernetes/*.yaml``.

Phase: emit.
Input: ``Topology.shipped`` (the manifests the loader read, frozen, with positions; this
module never opens a file), ``--param lcm-kubernetes-def-files`` and the ``Vdu.Compute``
templates without a container image.  The files deployed are those the parameter names,
as Tacker deploys only the files its instantiate parameter of that name lists; every
shipped file when it is absent.  Tacker's rule (formats.md §0.1): each VDU's
``properties.name`` equals the ``metadata.name`` of its Kubernetes object.
Output: the shipped objects, enriched rather than re-invented:

* the objects of every VDU of the selected flavour, with the standard labels, the
  traceability annotations (``xfactor.io/source: Files/kubernetes/x.yaml:<line>``,
  ``xfactor.io/template: <VDU>``), ``terminationGracePeriodSeconds`` from the process
  traits, ``--namespace`` when given, and a PodDisruptionBudget when the VDU may run more
  than one instance;
* the non-workload objects (Services, ConfigMaps, ...) of the files that hold a matched
  object or no workload at all, with labels and annotations.

Workload objects named by no VDU of the selected flavour belong to another flavour and
are left out.  A second object of one kind, namespace and name, or a second
PodDisruptionBudget whose selector overlaps an earlier one's, is ``k8s-duplicate-object``
(an error) and left out: never two output files.  xfc adds a PodDisruptionBudget once per
VDU, none where a shipped budget already selects the VDU's pods, and none (a warning)
where it would overlap the budget xfc made for another VDU.  A VDU whose object
is missing, or a file the parameter names that is not shipped, is ``k8s-object-missing``;
security settings stay as shipped, with one ``k8s-insecure`` warning per container that
lacks a safe default (security.py); a VDU that the X-factor model calls stateful but
whose object is a Deployment gets ``unsupported``.

Codes: k8s-object-missing, k8s-duplicate-object, k8s-insecure, unsupported,
value-out-of-range.
"""

from __future__ import annotations

import copy
import posixpath
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ... import bounds
from ...diagnostics import Severity, Span
from ...model import NodeTemplate
from . import security
from .common import (ANN_ORIGIN, ANN_SOURCE, ANN_TEMPLATE, ANN_TYPE, Ctx, deploying_targets,
                     dns_label, label_value)
from .workloads import check_tag
from ...unsupported import unsupported

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "CronJob")
KUBE_DIR = "Files/kubernetes/"
PARAM_DEF_FILES = "lcm-kubernetes-def-files"
Replicas = Callable[[NodeTemplate], tuple[int, int]]  # a VDU's (min, max) replicas


def _pod_spec(obj: Mapping[str, Any]) -> dict[str, Any] | None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return None
    if obj.get("kind") == "Pod":
        return spec
    if obj.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    tmpl = spec.get("template")
    return tmpl.get("spec") if isinstance(tmpl, dict) and isinstance(tmpl.get("spec"), dict) else None


@dataclass(frozen=True, slots=True)
class _Doc:
    """One mapping document of a shipped manifest, as the loader read it (frozen)."""

    file: str  # package name, e.g. Files/kubernetes/deployment.yaml
    line: int
    obj: Mapping[str, Any]

    @property
    def span(self) -> Span:
        return getattr(self.obj, "span", None) or Span(self.file, self.line)

    def name_span(self) -> Span:
        meta = self.obj.get("metadata")
        return meta.value_span("name") if meta is not None and hasattr(meta, "value_span") \
            else self.span


def generated_by_xfc(doc: Mapping[str, Any]) -> str | None:
    """The template an object xfc generated from a descriptor names (a CSAR xfc bundled
    ships them in Files/kubernetes/), or None for an object written by hand or shipped
    and only enriched by xfc (``xfactor.io/origin: shipped``)."""
    meta = doc.get("metadata")
    if not isinstance(meta, Mapping):
        return None
    labels = meta.get("labels")
    if not isinstance(labels, Mapping):
        labels = {}
    ann = meta.get("annotations")
    if not isinstance(ann, Mapping):
        ann = {}
    if labels.get("app.kubernetes.io/managed-by") != "xfc" or ann.get(ANN_ORIGIN) == "shipped":
        return None
    template = ann.get(ANN_TEMPLATE)
    return template if isinstance(template, str) else None


def shipped_image(ctx: Ctx, template: str, container: str) -> str | None:
    """The image of container ``container`` in the workload xfc generated for ``template``
    and shipped in Files/kubernetes/ (a Tacker CSAR xfc wrote: Tacker refuses a SwImage
    artifact naming a registry, so the image travels in the manifest only)."""
    for f in ctx.topology.shipped:
        if not f.kubernetes:
            continue
        for doc in f.documents:
            if not isinstance(doc, Mapping) or doc.get("kind") not in WORKLOAD_KINDS \
                    or generated_by_xfc(doc) != template:
                continue
            pod = _pod_spec(doc) or {}
            for c in pod.get("containers") or ():
                if isinstance(c, Mapping) and c.get("name") == container \
                        and isinstance(c.get("image"), str):
                    return str(c["image"])
    return None


def _read(ctx: Ctx, candidates: set[str] | None = None) -> list[_Doc]:
    """Every mapping document with a ``kind`` in the selected Files/kubernetes files.

    An object xfc generated from a template that the compile generates again (any template
    but the VDUs realised by shipped objects, ``candidates``) is recognised as generated
    and not read again as shipped: a CSAR xfc wrote compiles to the same objects, not
    twice.  The loader has read the files (compiler.loader.shipped) under its limits;
    nothing is opened here."""
    files = [f for f in ctx.topology.shipped if f.kubernetes]
    chosen = _selected(ctx, [f.name for f in files])
    found: list[_Doc] = []
    for f in files:
        if f.name not in chosen:
            continue
        for doc in f.documents:
            origin = generated_by_xfc(doc) if isinstance(doc, Mapping) else None
            if origin is not None and candidates is not None and origin not in candidates \
                    and (origin in ctx.topology.nodes or origin.startswith("topology_template.")):
                continue
            if isinstance(doc, Mapping) and isinstance(doc.get("kind"), str):
                span = getattr(doc, "span", None)
                found.append(_Doc(f.name, span.line if span is not None else 1, doc))
    return found


def _selected(ctx: Ctx, names: list[str]) -> set[str]:
    """The files Tacker would deploy: those ``--param lcm-kubernetes-def-files=a,b`` names
    (the instantiate request's ``additionalParams``, Tacker's CNF user guide), each a path
    from the package root or a name inside Files/kubernetes/; every shipped file when the
    parameter is absent."""
    raw = ctx.unit.options.params.get(PARAM_DEF_FILES)
    if raw is None:
        return set(names)
    items = raw.split(",") if isinstance(raw, str) else [str(x) for x in raw] \
        if isinstance(raw, (list, tuple)) else [str(raw)]
    known = set(names)
    chosen: set[str] = set()
    for item in (i.strip() for i in items):
        if not item:
            continue
        path = posixpath.normpath(item)
        name = path if path in known else KUBE_DIR + path if KUBE_DIR + path in known else None
        if name is None:
            ctx.diags.add(
                "k8s-object-missing",
                f"--param {PARAM_DEF_FILES} names {item!r}, which is not a YAML file the "
                f"package ships in {KUBE_DIR}",
                ctx.topology.span,
                hint="the package ships: " + (", ".join(sorted(known)) or "no Kubernetes files"),
            )
            continue
        chosen.add(name)
    return chosen


def vdus(ctx: Ctx, workloads: set[str]) -> list[NodeTemplate]:
    """The Vdu.Compute templates that no container image turned into a workload."""
    return [
        n
        for n in ctx.topology.nodes_of("tosca.nodes.nfv.Vdu.Compute")
        if n.name not in workloads and not n.is_a("tosca.nodes.nfv.Vdu.OsContainerDeployableUnit")
    ]


def emit(ctx: Ctx, candidates: list[NodeTemplate], replicas_of: Replicas) -> set[str]:
    """Emit the shipped objects; return the VDU names that were realised this way."""
    objects = _read(ctx, {v.name for v in candidates})
    if not objects:
        return set()
    by_name: dict[str, list[int]] = {}
    for i, doc in enumerate(objects):
        meta = doc.obj.get("metadata")
        if not isinstance(meta, Mapping):
            meta = {}
        if doc.obj.get("kind") in WORKLOAD_KINDS and isinstance(meta.get("name"), str):
            by_name.setdefault(meta["name"], []).append(i)
    matched: dict[int, NodeTemplate] = {}
    realised: set[str] = set()
    # For a target that deploys the manifests (--target tacker), a VDU without its object
    # while others have theirs is what Tacker accepts: its infra driver leaves such a VDU
    # empty, silently; a warning then.
    partial = bool(deploying_targets(ctx.unit)) and any(
        isinstance(v.properties.get("name"), str) and v.properties.get("name") in by_name
        for v in candidates)
    for vdu in candidates:
        vname = vdu.properties.get("name")
        idx = by_name.get(vname) if isinstance(vname, str) else None
        if not idx:
            ctx.diags.add(
                "k8s-object-missing",
                f"{vdu.name}: no Kubernetes workload object named '{vname}' in {KUBE_DIR}"
                + ("; Tacker deploys the package and leaves this VDU empty" if partial else ""),
                ctx.node_span(vdu, "name"),
                hint="Tacker matches a VDU's properties.name with the metadata.name of a "
                "Deployment, StatefulSet, DaemonSet, ReplicaSet or Pod shipped in the package",
                severity=Severity.WARNING if partial else None,
            )
            continue
        if len(idx) > 1:
            kinds = ", ".join(f"{objects[i].obj.get('kind')} ({objects[i].file})" for i in idx)
            unsupported(ctx.diags, "tacker",
                vdu.name,
                f"{len(idx)} shipped workload objects are named '{vname}': {kinds}; "
                "Tacker deploys one object per VDU",
                ctx.node_span(vdu, "name"),
                hint=f"choose the files to deploy with --param {PARAM_DEF_FILES}=FILE,FILE "
                "(Tacker's instantiate parameter of that name)",
            )
        for i in idx:
            matched[i] = vdu
        realised.add(vdu.name)
    files_with_match = {objects[i].file for i in matched}
    files_with_workloads = {d.file for d in objects if d.obj.get("kind") in WORKLOAD_KINDS}
    kept: list[tuple[_Doc, NodeTemplate | None]] = []
    for i, doc in enumerate(objects):
        owner = matched.get(i)
        if owner is None:
            if doc.obj.get("kind") in WORKLOAD_KINDS:
                continue  # another flavour's object
            if doc.file in files_with_workloads and doc.file not in files_with_match:
                continue
        kept.append((doc, owner))
    kept = _unique(ctx, kept)
    # (namespace, selector, name) of every budget: the shipped ones, then xfc's
    budgets = [(_identity(ctx, d.obj)[1], _spec(d.obj).get("selector"), _identity(ctx, d.obj)[2])
               for d, _ in kept if d.obj.get("kind") == "PodDisruptionBudget"]
    budgeted: set[str] = set()
    shipped = len(budgets)
    for doc, owner in kept:
        _enrich(ctx, doc, copy.deepcopy(dict(doc.obj)), owner, replicas_of, budgets, budgeted, shipped)
    return realised


def _identity(ctx: Ctx, obj: Mapping[str, Any]) -> tuple[str, str, str]:
    """(kind, namespace, name) as the API server would key the object once deployed:
    ``--namespace`` replaces a namespaced object's own; "" is the instance's namespace."""
    kind = str(obj.get("kind"))
    meta = obj.get("metadata")
    if not isinstance(meta, Mapping):
        meta = {}
    name = str(meta.get("name") or "")
    if kind in _CLUSTER_SCOPED:
        return kind, "", name
    own = meta.get("namespace")
    ns = ctx.namespace or (own if isinstance(own, str) else "")
    return kind, ns, name


def _unique(ctx: Ctx, kept: list[tuple[_Doc, NodeTemplate | None]]) -> list[tuple[_Doc, NodeTemplate | None]]:
    """Drop, with k8s-duplicate-object, a second object of one kind, namespace and name and
    a second PodDisruptionBudget whose selector overlaps an earlier one's: the API server
    would refuse the first, and the eviction API refuses pods that two budgets cover."""
    seen: dict[tuple[str, str, str], _Doc] = {}
    pdbs: list[_Doc] = []
    out = []
    for doc, vdu in kept:
        key = _identity(ctx, doc.obj)
        first = seen.get(key) if key[2] else None
        if first is not None:
            ns = f" in namespace '{key[1]}'" if key[1] else ""
            ctx.diags.add(
                "k8s-duplicate-object",
                f"a second {key[0]} named '{key[2]}'{ns} (the first is at {first.file}:{first.line}); "
                "it is left out",
                doc.name_span(),
                hint=f"ship one object per kind and name, or choose the files with --param "
                f"{PARAM_DEF_FILES}=FILE,FILE",
            )
            continue
        if doc.obj.get("kind") == "PodDisruptionBudget":
            sel = _spec(doc.obj).get("selector")
            # budgets are namespaced: they only select pods of their own namespace
            clash = next((p for p in pdbs if _identity(ctx, p.obj)[1] == key[1]
                          and selectors_overlap(_spec(p.obj).get("selector"), sel)), None)
            if clash is not None:
                ctx.diags.add(
                    "k8s-duplicate-object",
                    f"PodDisruptionBudget '{key[2]}' selects pods that PodDisruptionBudget "
                    f"'{_identity(ctx, clash.obj)[2]}' ({clash.file}:{clash.line}) also selects; "
                    "it is left out",
                    doc.name_span(),
                    hint="the eviction API refuses to evict a pod that more than one "
                    "PodDisruptionBudget covers; give each budget its own pods",
                )
                continue
            pdbs.append(doc)
        seen[key] = doc
        out.append((doc, vdu))
    return out


def _spec(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = obj.get("spec")
    return spec if isinstance(spec, Mapping) else {}


def _requirements(selector: Any) -> dict[str, list[tuple[str, frozenset[str]]]] | None:
    """A label selector as key -> [(operator, values)]; None for a null selector (which
    selects no pods, policy/v1)."""
    if not isinstance(selector, Mapping):
        return None
    reqs: dict[str, list[tuple[str, frozenset[str]]]] = {}
    labels = selector.get("matchLabels")
    for k, v in (labels.items() if isinstance(labels, Mapping) else ()):
        reqs.setdefault(str(k), []).append(("In", frozenset([str(v)])))
    for e in selector.get("matchExpressions") or ():
        if isinstance(e, Mapping) and isinstance(e.get("key"), str):
            values = frozenset(str(v) for v in (e.get("values") or ()))
            reqs.setdefault(e["key"], []).append((str(e.get("operator")), values))
    return reqs


def selectors_overlap(a: Any, b: Any) -> bool:
    """Whether some set of pod labels satisfies both label selectors (an empty selector
    selects every pod, a null one none)."""
    ra, rb = _requirements(a), _requirements(b)
    if ra is None or rb is None:
        return False
    for key in set(ra) | set(rb):
        allowed: frozenset[str] | None = None
        excluded: set[str] = set()
        exists = absent = False
        for op, values in ra.get(key, []) + rb.get(key, []):
            if op == "In":
                allowed = values if allowed is None else allowed & values
            elif op == "NotIn":
                excluded |= values
            elif op == "Exists":
                exists = True
            elif op == "DoesNotExist":
                absent = True
        if absent and (exists or allowed is not None):
            return False
        if allowed is not None and not (allowed - excluded):
            return False
    return True


def selects(selector: Any, labels: Mapping[str, Any]) -> bool:
    """Whether a label selector selects a pod with exactly ``labels``."""
    reqs = _requirements(selector)
    if reqs is None:
        return False
    for key, items in reqs.items():
        for op, values in items:
            present = key in labels
            value = str(labels.get(key)) if present else None
            if op == "In" and value not in values:
                return False
            if op == "NotIn" and value in values:
                return False
            if op == "Exists" and not present:
                return False
            if op == "DoesNotExist" and present:
                return False
    return True


def _enrich(ctx: Ctx, doc: _Doc, obj: dict[str, Any], vdu: NodeTemplate | None,
            replicas_of: Replicas, budgets: list[tuple[str, Any, str]], budgeted: set[str], shipped: int) -> None:
    file, line = doc.file, doc.line
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
    ns = ctx.ns_of(vdu.name) if vdu is not None else ctx.namespace  # its VNF's (per-vnf)
    if ns and obj.get("kind") not in _CLUSTER_SCOPED:
        meta["namespace"] = ns
    kind = str(obj.get("kind"))
    if vdu is not None:
        ann[ANN_TYPE] = vdu.type
        _workload_settings(ctx, obj, vdu, name, file)
    ctx.add(kind, dns_label(name), obj)
    if vdu is not None and vdu.name not in budgeted:
        _budget(ctx, obj, vdu, name, replicas_of, budgets, budgeted, shipped)


def _budget(ctx: Ctx, obj: dict[str, Any], vdu: NodeTemplate, name: str,
            replicas_of: Replicas, budgets: list[tuple[str, Any, str]], budgeted: set[str], shipped: int) -> None:
    """A PodDisruptionBudget for a VDU that may run more than one instance: one per VDU,
    in the workload's namespace, none where a shipped budget already selects its pods;
    where one would overlap another budget (xfc's for another VDU), none and a warning
    (the eviction API refuses to evict a pod that two budgets cover).  The first
    ``shipped`` entries of ``budgets`` are the package's own."""
    kind = str(obj.get("kind"))
    _, hi = replicas_of(vdu)
    selector = _spec(obj).get("selector")
    if hi <= 1 or not isinstance(selector, dict) or kind not in ("Deployment", "StatefulSet", "ReplicaSet"):
        return
    budgeted.add(vdu.name)
    ns = _identity(ctx, obj)[1]
    mine = [b for b in budgets if b[0] == ns]
    cover = next((b for b in mine if selects(b[1], _pod_labels(obj))), None)
    if cover is not None and any(cover is b for b in budgets[:shipped]):
        return  # the package ships a budget for these pods
    clash = cover or next((b for b in mine if selectors_overlap(b[1], selector)), None)
    if clash is not None:
        unsupported(ctx.diags, "kubernetes",
            vdu.name,
            f"no PodDisruptionBudget for {kind} '{name}': its selector overlaps "
            f"that of PodDisruptionBudget '{clash[2]}', and the eviction API refuses to evict "
            "a pod that two budgets cover",
            ctx.node_span(vdu, "name"),
            hint="give the workloads of different VDUs different pod labels",
        )
        return
    meta = ctx.metadata(dns_label(name), template=vdu.name, span=vdu.span)
    if ns and not ctx.namespace:
        meta["namespace"] = ns  # a budget only covers pods of its own namespace
    spec: dict[str, Any] = {"maxUnavailable": 1, "selector": copy.deepcopy(selector)}
    if ctx.serves("PodDisruptionBudget.spec.unhealthyPodEvictionPolicy"):
        spec["unhealthyPodEvictionPolicy"] = "AlwaysAllow"
    ctx.add(
        "PodDisruptionBudget",
        dns_label(name),
        {
            "apiVersion": ctx.api_version("PodDisruptionBudget"),
            "kind": "PodDisruptionBudget",
            "metadata": meta,
            "spec": spec,
        },
    )
    budgets.append((ns, selector, dns_label(name)))


def _pod_labels(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    tmpl = _spec(obj).get("template")
    meta = tmpl.get("metadata") if isinstance(tmpl, Mapping) else None
    labels = meta.get("labels") if isinstance(meta, Mapping) else None
    return labels if isinstance(labels, Mapping) else {}


CLUSTER_SCOPED = _CLUSTER_SCOPED = (
    "Namespace", "StorageClass", "PersistentVolume", "ClusterRole", "ClusterRoleBinding",
    "CustomResourceDefinition", "PriorityClass", "RuntimeClass", "IngressClass",
)


def _workload_settings(ctx: Ctx, obj: dict[str, Any], vdu: NodeTemplate, name: str, file: str) -> None:
    pod = _pod_spec(obj)
    process = ctx.unit.xmodel.processes.get(vdu.name) if ctx.unit.xmodel else None
    if process is not None and process.state == "stateful" and obj.get("kind") == "Deployment":
        unsupported(ctx.diags, "kubernetes",
            vdu.name,
            f"the process is stateful but the shipped object {name} is a "
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
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = {}
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
