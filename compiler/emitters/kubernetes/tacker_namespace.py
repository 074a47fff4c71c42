"""Tacker deploys one package into one namespace: the objects written for it agree on one.

Phase: emit (after every builder), only when ``--target tacker`` is among the targets and
no ``--namespace`` is given.
Input: the :class:`Ctx` with its objects; ``Topology.shipped`` for positions.
Output: diagnostics only.

Tacker 16.0.0's Kubernetes infra driver (v2 ``sol_refactored``) puts every object of a
namespaced kind into one namespace: the instantiate request's
``additionalParams.namespace`` when given (xfc writes ``--namespace`` there), else the
one namespace the manifests name, an object without one counting as ``default``; manifests
that name two refuse the instantiation with ``NamespaceNotUniform``.  A package whose
shipped manifests name several namespaces (Tacker's own ``test_cnf_multi_ns`` sample)
therefore only instantiates with a namespace in the request or with a file list of one
namespace, and xfc says so at compile, check and bundle time rather than writing a
package Tacker refuses (docs/bundles.md, "One namespace per package").  When the shipped
objects deployed all name one namespace, the objects xfc generates for the package
(ConfigMaps, Services, budgets, policies) are put in it too, rather than in ``default``.

Codes: ``k8s-namespace-not-uniform`` (error, at the first ``metadata.namespace`` a
shipped manifest writes that differs from another object's namespace).
"""

from __future__ import annotations

from typing import Any, Mapping

from ...diagnostics import Span
from .common import ANN_ORIGIN, ANN_SOURCE, Ctx, deploying_targets
from .tacker import CLUSTER_SCOPED

#: Tacker 16.0.0 ``SUPPORTED_NAMESPACE_KIND``: the kinds its driver puts in a namespace
#: (the same list as compiler.bundlers.gates.TACKER_NAMESPACED, which --verify reads;
#: tests/unit/test_k8s_tacker.py keeps the two equal).
TACKER_NAMESPACED = frozenset((
    "Binding ConfigMap ControllerRevision DaemonSet Deployment HorizontalPodAutoscaler Job "
    "Lease LimitRange LocalSubjectAccessReview NetworkPolicy PersistentVolumeClaim Pod "
    "PodTemplate ReplicaSet ResourceQuota Role RoleBinding Secret Service ServiceAccount "
    "StatefulSet").split())


def _namespace_span(ctx: Ctx, body: Mapping[str, Any]) -> Span | None:
    """Where the shipped manifest an object came from writes its ``metadata.namespace``."""
    source = _annotation(body, ANN_SOURCE)
    file, _, line = source.rpartition(":")
    if not file or not line.isdigit():
        return None
    for f in ctx.topology.shipped:
        if f.name != file:
            continue
        for doc in f.documents:
            span = getattr(doc, "span", None)
            if span is None or span.line != int(line) or not isinstance(doc, Mapping):
                continue
            meta = doc.get("metadata")
            if isinstance(meta, Mapping) and "namespace" in meta and hasattr(meta, "value_span"):
                return meta.value_span("namespace")
    return None


def _annotation(body: Mapping[str, Any], key: str) -> str:
    meta = body.get("metadata")
    ann = meta.get("annotations") if isinstance(meta, Mapping) else None
    value = ann.get(key) if isinstance(ann, Mapping) else None
    return value if isinstance(value, str) else ""


def _namespace_of(body: Mapping[str, Any]) -> str:
    """The object's ``metadata.namespace`` as text ('' when absent); a shipped manifest
    may hold any YAML there, and a value that is no string is compared as written."""
    meta = body.get("metadata")
    ns = meta.get("namespace") if isinstance(meta, Mapping) else None
    return "" if ns is None else ns if isinstance(ns, str) else repr(ns)


def _join_shipped_namespace(ctx: Ctx) -> None:
    """When every shipped object of a namespaced kind names one and the same namespace, the
    objects xfc generates (ConfigMaps, Services, budgets...) go there too: the package is
    then one namespace, as Tacker wants, and the one its author chose."""
    shipped = [o for o in ctx.objects if o.kind in TACKER_NAMESPACED
               and _annotation(o.body, ANN_ORIGIN) == "shipped"]
    spaces = {_namespace_of(o.body) for o in shipped}
    if len(spaces) != 1 or "" in spaces:
        return
    (ns,) = spaces
    for obj in ctx.objects:
        meta = obj.body.get("metadata")
        if obj in shipped or not isinstance(meta, dict) or meta.get("namespace") \
                or obj.kind in CLUSTER_SCOPED:
            continue
        meta["namespace"] = ns


def check(ctx: Ctx) -> None:
    """``k8s-namespace-not-uniform`` when the objects Tacker would deploy name more than
    one namespace and neither ``--namespace`` nor the request sets one (the objects xfc
    generates first join the one namespace the shipped objects agree on, if they do)."""
    if not deploying_targets(ctx.unit) or ctx.namespace:
        return
    _join_shipped_namespace(ctx)
    spaces: dict[str, list[Any]] = {}
    for obj in sorted(ctx.objects, key=lambda o: o.path):
        if obj.kind not in TACKER_NAMESPACED:
            continue
        spaces.setdefault(_namespace_of(obj.body) or "default", []).append(obj)
    if len(spaces) < 2:
        return
    where = None
    for ns in sorted(spaces):
        for obj in spaces[ns]:
            where = where or _namespace_span(ctx, obj.body)
    listed = "; ".join(
        f"{ns}: " + ", ".join(f"{o.kind} '{o.name}'" for o in objs[:3])
        + (f" and {len(objs) - 3} more" if len(objs) > 3 else "")
        for ns, objs in sorted(spaces.items()))
    ctx.diags.add(
        "k8s-namespace-not-uniform",
        f"the objects written for Tacker name {len(spaces)} namespaces ({listed}); Tacker "
        "deploys a package into one namespace and refuses these manifests with "
        "NamespaceNotUniform (an object without a namespace goes to 'default')",
        where or ctx.topology.span,
        hint="give --namespace NS (written to the instantiate request's "
        "additionalParams.namespace, which Tacker applies to every object), or deploy the "
        "files of one namespace with --param lcm-kubernetes-def-files=FILE,FILE",
    )
