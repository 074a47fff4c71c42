"""The Kubernetes back end: one YAML file per object under ``kubernetes/``.

Phase: emit.
Input: a clean :class:`compiler.pipeline.Compilation` (topology, xmodel, plan, options;
``options.namespace`` from ``--namespace``).
Output: ``OutputFile("kubernetes/<kind>-<name>.yaml")`` per object, sorted by path.

Order of work: the conversion matrix warns about every dropped or unknown key
(matrix.py); Tacker objects shipped in the package (read by the loader) are selected and
enriched (tacker.py); every other workload gets a builder (workloads.py, with SOL001
virtual compute from compute.py), to which networking (network.py), storage
(storage.py), placement (placement.py), configuration (config.py) and what images need
(runtime.py) add; then every builder becomes plain-data objects, with a NetworkPolicy
each (netpolicy.py, unless ``options.network_policies`` is false), whose names unique.py
checks (valid, one object per name), and render.py writes them through the one YAML
writer (compiler.yamlout), which reads them back and compares.  Output bytes depend on
the input only: names are sorted, hashes are sha256, there are no timestamps.

Codes: those of its modules — unsupported, k8s-insecure, k8s-latest-tag,
k8s-no-image, k8s-object-missing, k8s-low-port, k8s-name-collision, k8s-env-name
(unique.py), value-out-of-range (compiler.bounds) — and, here, unsupported (a note) (nothing
to emit), k8s-duplicate-object (two objects of one kind, namespace and name) and
unsupported (a VNF identity no workload carries).
Output that does not read back raises InternalError (a bug in xfc, exit code 3).
"""

from __future__ import annotations

from typing import Any

from ... import bounds
from ...images import container_image, is_image_reference
from ...diagnostics import Diagnostics, InternalError, Severity, Span
from ...model import NodeTemplate, OutputFile
from ...model.ir import BackEndInput
from ...model.xfactor import BACKING_TYPE
from . import (compute, config, matrix, netpolicy, network, placement, runtime, storage, tacker,
               tacker_namespace, unique, workloads)
from ..naming import service_name
from .common import ANN_TEMPLATE, Ctx
from .render import as_data_lazy, check_rendered, render
from ...unsupported import unsupported


class KubernetesEmitter:
    name = "kubernetes"
    description = ("Kubernetes manifests: Deployments/StatefulSets, Services, PDBs, HPAs, "
                   "NetworkPolicies, Multus NADs, ConfigMaps")

    def emit(self, unit: BackEndInput, diags: Diagnostics) -> list[OutputFile]:
        topology = unit.topology
        if topology is None:
            return []
        ctx = Ctx(
            unit=unit,
            diags=diags,
            topology=topology,
            namespace=unit.options.namespace or None,
            part_of=service_name(topology),
        )
        from ...ns.namespaces import placement

        place = placement(topology, unit.xmodel, unit.options)  # checked by compiler.ns
        if place.per_vnf:  # --ns-namespaces per-vnf: the service's own objects' namespace
            ctx.namespace, ctx.placement = place.namespace, place
        build_objects(ctx)
        _emit_namespaces(ctx)
        unique.check(ctx)
        tacker_namespace.check(ctx)
        return finish(ctx)


def build_objects(ctx: Ctx) -> None:
    """Fill ``ctx.objects`` with every object's view model."""
    topology, xmodel = ctx.topology, ctx.unit.xmodel
    matrix.check_keys(ctx)
    processes = xmodel.processes if xmodel is not None else {}
    names = list(xmodel.workloads) if xmodel is not None else []
    backing = dict(xmodel.backing) if xmodel is not None else {}
    built: dict[str, workloads.Workload] = {}
    image_vdus = set()
    for name in names:
        node = topology.nodes.get(name)
        if node is None:
            continue
        if node.is_a("tosca.nodes.nfv.Vdu.Compute") and not _has_container_image(node):
            continue  # Tacker objects or not expressible: decided below
        w = workloads.build(ctx, node, processes.get(name))
        if w is not None:
            built[name] = w
            image_vdus.add(name)
    for name in sorted(backing):
        node = topology.nodes.get(name)
        if node is not None and node.is_a(BACKING_TYPE) and name not in built:
            w = workloads.build(ctx, node, None)
            if w is not None:
                built[name] = w
    # Tacker: VDUs that name a shipped object
    candidates = [n for n in tacker.vdus(ctx, set(built)) if n.name in names or not names]
    realised = tacker.emit(ctx, candidates, lambda vdu: _bounds(ctx, vdu))
    for vdu in candidates:
        if vdu.name in realised:
            compute.shipped_warnings(ctx, vdu)  # the shipped object's resources are kept
        elif not _shipped_any(ctx):
            workloads.build(ctx, vdu, processes.get(vdu.name))  # reports not-expressible
        elif not any(d.code == "k8s-object-missing" and vdu.name in d.message for d in ctx.diags):
            # e.g. only a Helm chart, whose templates xfc does not render
            workloads.not_realised(ctx, vdu, f"the package's {tacker.KUBE_DIR} holds no "
                                   "readable Kubernetes object (xfc does not render Helm charts)")
    network.emit_links(ctx, built)
    network.emit_cp_services(ctx, built)
    network.emit_external_backing(ctx)
    network.mark_reconnect_targets(ctx, built)
    placement.apply(ctx, built)
    config.emit_inputs(ctx)
    for name in sorted(built):
        w = built[name]
        storage.attach(ctx, w)
        runtime.writable_paths(ctx, w)  # after declared volumes, which may cover a path
        config.emit_configurable(ctx, w)
        workloads.add_backing_env(ctx, w, backing)
        state = "stateful" if w.stateful else "stateless"
        workloads.emit_workload(ctx, w, state)
    netpolicy.emit(ctx, built)
    _vnf_identity_unplaced(ctx, bool(built), built)
    if not ctx.objects:
        unsupported(
            ctx.diags, "kubernetes", "the input",
            "the Kubernetes back end found no workload, link or configuration to emit",
            topology.span, severity=Severity.NOTE,
        )


def _emit_namespaces(ctx: Ctx) -> None:
    """With ``--ns-namespaces per-vnf``: a Namespace per VNF node, and the service's own
    when xfc chose its name (no ``--namespace``), each labelled with its name so that
    NetworkPolicies select it on clusters older than 1.21 too."""
    place = ctx.placement
    if place is None or not ctx.objects:
        return
    given = ctx.unit.options.namespace
    vnf_of = {ns: vnf for vnf, ns in place.vnfs.items()}
    for ns in place.all():
        if ns == given:
            continue  # the user's own namespace: theirs to create
        node = ctx.topology.nodes.get(vnf_of.get(ns, ""))
        meta = ctx.metadata(ns, template=node.name if node is not None else "topology_template",
                            span=node.span if node is not None else ctx.topology.span,
                            namespaced=False)
        meta["labels"][netpolicy.NS_NAME_LABEL] = ns
        ctx.add("Namespace", ns, {"apiVersion": "v1", "kind": "Namespace", "metadata": meta})


def _vnf_identity_unplaced(ctx: Ctx, any_workload: bool, built: Any = ()) -> None:
    """The VNF's identification goes on generated workloads when the topology has one VNF
    node (or, in a network service, on each VNF node's own workloads); with no workload,
    or several VNF nodes, say so at each written value rather than drop it in silence."""
    vnfs = ctx.topology.nodes_of("tosca.nodes.nfv.VNF")
    if len(vnfs) == 1 and any_workload:
        return
    # a network service (compiler/ns): a VNF node whose own workloads were generated
    vnfs = [v for v in vnfs if len(vnfs) == 1 or not any(r.node in built for r in v.requirements)]
    why = ("this descriptor yields none (VM VDUs, or objects shipped in the package)"
           if len(vnfs) == 1 else "the topology has several VNF nodes, so no one identity")
    for vnf in vnfs:
        for prop in sorted(workloads.VNF_ANNOTATIONS):
            if vnf.properties.get(prop) in (None, "", []) or prop not in vnf.property_spans:
                continue
            unsupported(ctx.diags, "kubernetes",
                vnf.name,
                f"'{prop}' of {vnf.type} reaches no object: its annotation "
                f"{workloads.VNF_ANNOTATIONS[prop]} goes on the workloads xfc generates, and "
                + why,
                ctx.node_span(vnf, prop),
                path=f'topology_template.node_templates["{vnf.name}"].properties["{prop}"]',
            )


def _has_container_image(node: NodeTemplate) -> bool:
    data = node.properties.get("sw_image_data")
    if isinstance(data, dict) and str(data.get("container_format") or "").lower() == "docker":
        return True
    for art in node.artifacts.values():
        fmt = str((art.properties or {}).get("container_format") or "").lower()
        if fmt == "docker" or "Docker" in art.type:
            return True
    # SOL001 4.x: an image artifact whose file is a registry reference
    choice = container_image(node.properties, node.artifacts)
    return choice is not None and choice.artifact is not None and choice.is_container \
        and is_image_reference(choice.image)


def _shipped_any(ctx: Ctx) -> bool:
    return any(f.kubernetes for f in ctx.topology.shipped)


def _bounds(ctx: Ctx, vdu: NodeTemplate) -> tuple[int, int]:
    w = workloads.Workload(node=vdu, name="", stateful=False, containers=[])
    workloads._sol001_replicas(ctx, w)
    return w.min_replicas, w.max_replicas


def finish(ctx: Ctx) -> list[OutputFile]:
    """Render, parse back, compare; one OutputFile per object, unique sorted paths.

    Two objects of one kind, namespace and name (two templates whose names make the same
    DNS label, or a generated object named like a shipped one) are never two files: the
    second is ``k8s-duplicate-object`` at its template.  Objects of one kind and name in
    different namespaces are distinct; the second file name gets a ``-2`` suffix."""
    out: dict[str, OutputFile] = {}
    seen: dict[tuple[str, str, str], Any] = {}
    shapes: set[tuple[str, frozenset[Any]]] = set()  # read back whole (check_rendered)
    for obj in sorted(ctx.objects, key=lambda o: o.path):
        written = obj.body.get("metadata")
        meta = written if isinstance(written, dict) else {}
        key = (obj.kind, str(meta.get("namespace") or ""), obj.name)
        first = seen.get(key)
        if first is not None:
            ctx.diags.add(
                "k8s-duplicate-object",
                f"{_template_of(first)} and {_template_of(obj)} both make {obj.kind} "
                f"'{obj.name}'; the second is left out",
                _template_span(ctx, obj),
                hint="rename one of the templates (Kubernetes names are lower-case DNS labels)",
            )
            continue
        seen[key] = obj
        path = obj.path
        if path in out:  # the same kind and name in another namespace
            i = 2
            while f"{path[:-5]}-{i}.yaml" in out:
                i += 1
            path = f"{path[:-5]}-{i}.yaml"
        text = render(obj)
        problem = check_rendered(obj, text, shapes)
        if problem:  # a bug in xfc, never in the input
            raise InternalError(f"rendered {obj.kind}/{obj.name} does not read back: {problem}")
        bounds.object_size(obj.body, _template_span(ctx, obj), ctx.diags)
        out[path] = OutputFile(path=path, content=text.encode("utf-8"), producer="kubernetes",
                               documents=as_data_lazy(obj))
    return [out[p] for p in sorted(out)]


def _template_of(obj: Any) -> str:
    ann = (obj.body.get("metadata") or {}).get("annotations") or {}
    return str(ann.get(ANN_TEMPLATE) or obj.name)


def _template_span(ctx: Ctx, obj: Any) -> Span:
    node = ctx.topology.nodes.get(_template_of(obj))
    return node.span if node is not None else ctx.topology.span


EMITTER = KubernetesEmitter()

__all__ = ["EMITTER", "KubernetesEmitter", "build_objects", "finish"]
