"""The workloads a FailurePolicy acts on, as the Kubernetes back end writes them.

Phase: emit (support).  Input: the back end's input (the IR and the options).  Output:
node template name -> :class:`WorkloadRef` (controller kind, object name, pod selector,
replicas, the Service of the node), for every node the Kubernetes back end realises as a
Deployment or StatefulSet (spec §5, ``spec.workloads``).

The table is read off the objects the Kubernetes back end builds for the same input
(:func:`compiler.emitters.kubernetes.build_objects`, run on a diagnostics list of its own
that is thrown away: that back end reports its findings when it runs), so the names,
selectors and replica counts are the ones ``kubernetes/`` holds, whatever decided them
(an MCIO name, a Tacker object shipped in the package, a SOL001 instantiation level).
An IR without node templates (a plan built in memory by a test) gets the back end's
naming rule: the template name as a DNS-1123 label, its two selector labels, 1 replica.

Codes: none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ...diagnostics import Diagnostics
from ...names import dns1035_label, dns_label, label_value
from ...model.ir import Analysed
from ..naming import service_name

CONTROLLERS = ("Deployment", "StatefulSet")


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadRef:
    """One entry of ``spec.workloads``."""

    name: str  # the node template
    kind: str  # Deployment | StatefulSet
    object: str  # metadata.name of the controller
    selector: Mapping[str, str]  # its spec.selector.matchLabels
    replicas: int  # spec.replicas as compiled
    service: str | None = None  # the Service of the node, if any
    # its namespace when it is not the policy's (--ns-namespaces per-vnf), else None
    namespace: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "object": self.object,
                               "selector": dict(self.selector), "replicas": self.replicas}
        if self.namespace is not None:
            out["namespace"] = self.namespace
        if self.service is not None:
            out["service"] = self.service
        return out


def table(unit: Analysed, stateful: Callable[[str], object] | None = None) -> dict[str, WorkloadRef]:
    """Node template -> its workload, for every node realised as a Deployment or
    StatefulSet.  ``stateful(node)`` decides the kind when there are no node templates."""
    topo = unit.topology
    if topo is None or getattr(topo, "nodes", None) is None:  # (a test's stand-in has none)
        return _derived(unit, stateful)
    from ..kubernetes import build_objects
    from ..kubernetes.common import ANN_TEMPLATE, Ctx

    from ...ns.namespaces import placement

    ctx = Ctx(unit=unit, diags=Diagnostics(), topology=topo,
              namespace=unit.options.namespace or None,
              part_of=service_name(topo))
    place = placement(topo, unit.xmodel, unit.options)
    if place.per_vnf:  # the same namespaces as the Kubernetes back end writes
        ctx.namespace, ctx.placement = place.namespace, place
    build_objects(ctx)
    controllers: dict[str, dict[str, Any]] = {}
    services: dict[str, list[str]] = {}
    for obj in sorted(ctx.objects, key=lambda o: o.path):
        meta = _mapping(obj.body.get("metadata"))
        template = _mapping(meta.get("annotations")).get(ANN_TEMPLATE)
        if not isinstance(template, str):
            continue
        if obj.kind in CONTROLLERS:
            controllers.setdefault(template, obj.body)  # the first by path, as finish() keeps
        elif obj.kind == "Service":
            services.setdefault(template, []).append(obj.name)
    out: dict[str, WorkloadRef] = {}
    for template, body in controllers.items():
        # a shipped object is as its author wrote it: any part may be of another shape
        # (the Kubernetes back end reports that); read only what has the expected one
        spec = _mapping(body.get("spec"))
        labels = _mapping(_mapping(spec.get("selector")).get("matchLabels"))
        replicas = spec.get("replicas", 1)
        name = str(_mapping(body.get("metadata")).get("name") or dns_label(template))
        own = [s for s in services.get(template, ()) if s == dns1035_label(name)]
        others = sorted(services.get(template, ()))
        out[template] = WorkloadRef(
            name=template, kind=str(body["kind"]), object=name,
            selector={str(k): str(v) for k, v in sorted(labels.items())},
            replicas=replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else 1,
            service=next(iter(own or others), None),
            namespace=_namespace_if_other(body, ctx.namespace))
    return out


def _namespace_if_other(body: Mapping[str, Any], own: str | None) -> str | None:
    """The controller's namespace when it is not the policy's own (``own``)."""
    ns = _mapping(body.get("metadata")).get("namespace")
    return ns if isinstance(ns, str) and ns and ns != own else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _derived(unit: Analysed, stateful: Callable[[str], object] | None) -> dict[str, WorkloadRef]:
    part_of = service_name(unit.topology, unit.path)
    assert unit.xmodel is not None, "the workloads are read from the X-factor model"
    out = {}
    for node in unit.xmodel.workloads:
        name = dns_label(node)
        is_stateful = bool(stateful(node)) if stateful is not None else False
        out[node] = WorkloadRef(
            name=node, kind="StatefulSet" if is_stateful else "Deployment", object=name,
            selector={"app.kubernetes.io/name": label_value(name),
                      "app.kubernetes.io/part-of": label_value(part_of)},
            replicas=1, service=dns1035_label(name) if is_stateful else None)
    return out


__all__ = ["WorkloadRef", "table"]
