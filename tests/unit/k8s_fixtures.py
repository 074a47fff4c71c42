"""IR fixtures for the Kubernetes back-end tests: topologies built directly as dataclasses.

Phase: test support.  Builds :class:`compiler.model.Topology`, :class:`XModel` and
:class:`Plan` by hand, so the back end is tested without the front end.
"""

from __future__ import annotations

from typing import Any

from compiler.diagnostics import Diagnostics, Span
from compiler.model import NodeTemplate, Parameter, Policy, Requirement, Topology
from compiler.pipeline import Compilation, Options
from compiler.model.xfactor import (
    BackingService,
    Plan,
    Process,
    ResolvedStep,
    ResolvedWiring,
    Wiring,
    XModel,
    step_arguments,
)

FILE = "svc.yaml"

ANCESTRY = {
    "xfactor.nodes.CNF": ("xfactor.nodes.CNF", "tosca.nodes.Root"),
    "xfactor.nodes.BackingService": ("xfactor.nodes.BackingService", "tosca.nodes.Root"),
    "tosca.nodes.nfv.Vdu.Compute": ("tosca.nodes.nfv.Vdu.Compute", "tosca.nodes.Root"),
    "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit": (
        "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit",
        "tosca.nodes.Root",
    ),
    "tosca.nodes.nfv.Vdu.OsContainer": ("tosca.nodes.nfv.Vdu.OsContainer", "tosca.nodes.Root"),
    "tosca.nodes.Container.Application": ("tosca.nodes.Container.Application", "tosca.nodes.Root"),
    "tosca.nodes.nfv.VduCp": ("tosca.nodes.nfv.VduCp", "tosca.nodes.nfv.Cp", "tosca.nodes.Root"),
    "tosca.nodes.nfv.VirtualCp": ("tosca.nodes.nfv.VirtualCp", "tosca.nodes.nfv.Cp", "tosca.nodes.Root"),
    "tosca.nodes.nfv.VnfExtCp": ("tosca.nodes.nfv.VnfExtCp", "tosca.nodes.nfv.Cp", "tosca.nodes.Root"),
    "tosca.nodes.nfv.VnfVirtualLink": ("tosca.nodes.nfv.VnfVirtualLink", "tosca.nodes.Root"),
    "tosca.nodes.nfv.Vdu.VirtualBlockStorage": ("tosca.nodes.nfv.Vdu.VirtualBlockStorage", "tosca.nodes.Root"),
    "tosca.nodes.nfv.VNF": ("tosca.nodes.nfv.VNF", "tosca.nodes.Root"),
    "tosca.policies.nfv.AntiAffinityRule": (
        "tosca.policies.nfv.AntiAffinityRule", "tosca.policies.Placement", "tosca.policies.Root"),
    "tosca.policies.nfv.AffinityRule": (
        "tosca.policies.nfv.AffinityRule", "tosca.policies.Placement", "tosca.policies.Root"),
    "tosca.policies.nfv.VduInitialDelta": ("tosca.policies.nfv.VduInitialDelta", "tosca.policies.Root"),
    "tosca.policies.nfv.VduScalingAspectDeltas": (
        "tosca.policies.nfv.VduScalingAspectDeltas", "tosca.policies.Root"),
}


def span(line: int, col: int = 7) -> Span:
    return Span(FILE, line, col, line, col + 5)


def node(name: str, type_: str, line: int, props: dict | None = None, *,
         reqs: tuple = (), artifacts: dict | None = None, metadata: dict | None = None,
         prop_lines: dict | None = None) -> NodeTemplate:
    props = props or {}
    spans = {k: span(v) for k, v in (prop_lines or {}).items()}
    for i, k in enumerate(props):
        spans.setdefault(k, span(line + 2 + i, 9))
    return NodeTemplate(
        name=name, type=type_, types=ANCESTRY[type_], properties=props,
        requirements=tuple(reqs), artifacts=artifacts or {}, metadata=metadata or {},
        span=span(line, 5), property_spans=spans,
    )


def req(name: str, target: str | None) -> Requirement:
    return Requirement(name=name, node=target)


def policy(name: str, type_: str, targets: tuple, props: dict, line: int = 90) -> Policy:
    return Policy(name=name, type=type_, types=ANCESTRY[type_], targets=targets,
                  properties=props, span=span(line, 7),
                  property_spans={k: span(line + 2 + i, 11) for i, k in enumerate(props)})


def unit(nodes: list[NodeTemplate], *, processes: dict[str, Process] | None = None,
         backing: dict[str, BackingService] | None = None, wirings: list[tuple] = (),
         policies: list[Policy] = (), inputs: dict[str, Any] | None = None,
         namespace: str | None = None, package: Any = None, metadata: dict | None = None
         ) -> Compilation:
    from compiler.model.xfactor import WORKLOAD_TYPES

    topo = Topology(
        file=FILE, version="tosca_simple_yaml_1_3",
        metadata=metadata if metadata is not None else {"template_name": "demo"},
        nodes={n.name: n for n in nodes},
        policies={p.name: p for p in policies},
        inputs={k: Parameter(name=k, value=v) for k, v in (inputs or {}).items()},
        span=span(1, 1), shipped=getattr(package, "shipped", ()),
    )
    workloads = tuple(n.name for n in nodes if any(t in WORKLOAD_TYPES for t in n.types))
    procs = {w: (processes or {}).get(w) or Process(node=w) for w in workloads}
    rws = {}
    wmap = {}
    for i, (src, dst, actions) in enumerate(wirings):
        w = Wiring(name=f"w{i}", source=src, target=dst)
        wmap[w.name] = w
        rws[w.name] = ResolvedWiring(
            wiring=w, steps=tuple(ResolvedStep(action=a, args=step_arguments(a, {})) for a in actions),
            chain=None, upstream=(src,), downstream=(dst,), propagate_to=())
    xm = XModel(workloads=workloads, processes=procs, backing=backing or {}, wirings=wmap,
                uses_profile=True)
    plan = Plan(wirings=rws)
    return Compilation(path=FILE, options=Options(namespace=namespace), diagnostics=Diagnostics(),
                       package=package, topology=topo, xmodel=xm, plan=plan)
