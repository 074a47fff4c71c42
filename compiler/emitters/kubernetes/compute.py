"""SOL001 virtual compute: a ``Vdu.Compute``'s ``virtual_compute`` capability as pod resources.

Phase: emit.
Input: a ``tosca.nodes.nfv.Vdu.Compute`` template (its ``virtual_compute`` capability,
SOL001 §6.8.x ``tosca.capabilities.nfv.VirtualCompute``, and its ``monitoring_parameters``).
Output: the container ``resources`` and the pod ``nodeSelector`` of its workload builder;
``unsupported`` warnings, at the value, for every part of the capability that a
pod cannot express.

Decisions (docs/conversion.md, "Virtual compute"):

* ``virtual_cpu.num_virtual_cpu`` -> ``cpu`` and ``virtual_memory.virtual_mem_size`` ->
  ``memory``, as both requests and limits: a VNFD's virtual compute is what one instance
  is given, so the pod gets exactly that (Guaranteed QoS), never the back end's defaults.
* ``virtual_local_storage[].size_of_storage`` (summed) -> ``ephemeral-storage``.
* ``virtual_cpu.cpu_architecture`` -> ``nodeSelector: {kubernetes.io/arch: ...}`` in
  Kubernetes' spelling (Go's GOARCH: ``x86_64`` -> ``amd64``, ``aarch64`` -> ``arm64``); an
  architecture with no Kubernetes name is a warning and no selector.
* Oversubscription policies, CPU clock, pinning, NUMA, huge pages and the free-form
  ``vdu_*_requirements`` maps have no pod field: a warning each.

Codes: unsupported.
"""

from __future__ import annotations

from typing import Any

from ...diagnostics import Span
from ...model import NodeTemplate
from ...model.frozen import written
from .common import Ctx, compact_json, cpu_quantity, plain, size_quantity, span_at
from ...unsupported import unsupported

CAPABILITY = "virtual_compute"

# cpu_architecture as VNFDs write it (uname -m, vendor names) -> the kubernetes.io/arch
# label value (Go's GOARCH, which the kubelet writes).
ARCH = {
    "x86_64": "amd64", "x86-64": "amd64", "amd64": "amd64", "x64": "amd64", "intel64": "amd64",
    "aarch64": "arm64", "arm64": "arm64", "armv8": "arm64",
    "armv7l": "arm", "armv7": "arm", "armhf": "arm", "arm": "arm",
    "i386": "386", "i686": "386", "x86": "386", "386": "386",
    "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64",
    "mips64le": "mips64le", "loong64": "loong64",
}

# keys of VirtualCpu / VirtualMemory / VirtualLocalStorage that no pod field expresses
_CPU_DROPPED = {
    "virtual_cpu_clock": "a pod cannot ask for a CPU clock rate",
    "cpu_clock": "a pod cannot ask for a CPU clock rate",
    "virtual_cpu_oversubscription_policy": "oversubscription is a node setting",
    "vdu_cpu_requirements": "NFVI-specific CPU requirements have no pod field",
    "virtual_cpu_pinning": "CPU pinning needs the kubelet static CPU manager policy",
}
_MEM_DROPPED = {
    "virtual_mem_oversubscription_policy": "oversubscription is a node setting",
    "vdu_mem_requirements": "NFVI-specific memory requirements have no pod field",
    "huge_pages_requirements": "huge pages need node configuration xfc cannot check",
}


def cap_span(ctx: Ctx, node: NodeTemplate, *path: Any) -> Span:
    """Where ``capabilities.virtual_compute.properties.<path>`` is written."""
    cap = node.capabilities.get(CAPABILITY)
    if cap is None:
        return node.span
    return span_at(cap.properties, path, cap.span)


def _warn(ctx: Ctx, node: NodeTemplate, path: tuple[Any, ...], why: str) -> None:
    where = "".join(f'["{p}"]' for p in path)
    unsupported(ctx.diags, "kubernetes",
        node.name,
        f"'{path[-1]}' of {CAPABILITY}.{'.'.join(str(p) for p in path[:-1])} "
        f"has no Kubernetes equivalent; {why}",
        cap_span(ctx, node, *path),
        path=f'topology_template.node_templates["{node.name}"].capabilities["{CAPABILITY}"]'
        f".properties{where}",
    )


def _present(data: dict[str, Any], key: str) -> bool:
    return data.get(key) not in (None, {}, [], "", False)


def compute_resources(ctx: Ctx, node: NodeTemplate) -> tuple[dict[str, str], dict[str, str]]:
    """(requests-and-limits, nodeSelector) from the VDU's virtual_compute, warning about
    every key a pod cannot carry.  Empty dicts when the capability says nothing."""
    cap = node.capabilities.get(CAPABILITY)
    props = dict(cap.properties) if cap is not None else {}
    res: dict[str, str] = {}
    selector: dict[str, str] = {}
    cpu = props.get("virtual_cpu")
    if not isinstance(cpu, dict):
        cpu = {}
    n = cpu.get("num_virtual_cpu")
    if isinstance(n, (int, float)) and not isinstance(n, bool) and n > 0:
        q = cpu_quantity(n)
        if q:
            res["cpu"] = q
    arch = cpu.get("cpu_architecture")
    if isinstance(arch, str) and arch.strip():
        k8s_arch = ARCH.get(arch.strip().lower())
        if k8s_arch:
            selector["kubernetes.io/arch"] = k8s_arch
        else:
            _warn(ctx, node, ("virtual_cpu", "cpu_architecture"),
                  f"'{arch}' is no architecture Kubernetes names (kubernetes.io/arch takes "
                  f"{', '.join(sorted(set(ARCH.values())))}); no node selector is set")
    for key, why in _CPU_DROPPED.items():
        if _present(cpu, key):
            _warn(ctx, node, ("virtual_cpu", key), why)
    mem = props.get("virtual_memory")
    if not isinstance(mem, dict):
        mem = {}
    if mem.get("virtual_mem_size") is not None:
        q = size_quantity(mem.get("virtual_mem_size"))
        if q:
            res["memory"] = q
    for key, why in _MEM_DROPPED.items():
        if _present(mem, key):
            _warn(ctx, node, ("virtual_memory", key), why)
    if mem.get("numa_enabled") is True:
        _warn(ctx, node, ("virtual_memory", "numa_enabled"),
              "NUMA alignment needs the kubelet topology manager policy")
    total = 0
    storages = props.get("virtual_local_storage")
    for i, entry in enumerate(storages if isinstance(storages, list) else []):
        if not isinstance(entry, dict):
            continue
        from ...units import ScalarError, to_bytes

        try:
            total += int(to_bytes(entry.get("size_of_storage")))
        except (ScalarError, TypeError, ValueError):
            pass
        for key in ("rdma_enabled", "vdu_storage_requirements"):
            if _present(entry, key):
                _warn(ctx, node, ("virtual_local_storage", i, key),
                      "local storage options are NFVI-specific")
    if total > 0:
        q = size_quantity(total)
        if q:
            res["ephemeral-storage"] = q
    return res, selector


def monitoring_annotation(node: NodeTemplate) -> dict[str, str]:
    """``monitoring_parameters`` (SOL001 VnfcMonitoringParameter: a map since v2.7, a list
    in v2.6) as an annotation, for the monitoring system that scrapes the workload."""
    mp = node.properties.get("monitoring_parameters")
    if not isinstance(mp, (dict, list)) or not mp:
        return {}
    return {"xfactor.io/monitoring-parameters": compact_json(plain(mp))}


def shipped_warnings(ctx: Ctx, node: NodeTemplate) -> None:
    """A VDU realised by a shipped Tacker object keeps that object's own resources: each
    written part of ``virtual_compute`` draws a warning saying so."""
    cap = node.capabilities.get(CAPABILITY)
    if cap is None:
        return
    said = written(cap.properties)
    for key in ("virtual_cpu", "virtual_memory", "virtual_local_storage"):
        if key in said and cap.properties.get(key):
            unsupported(ctx.diags, "kubernetes",
                node.name,
                f"'{key}' of {CAPABILITY} is not applied: the VDU is realised by "
                "the Kubernetes object shipped in the package, whose own container resources "
                "are kept",
                cap_span(ctx, node, key),
                path=f'topology_template.node_templates["{node.name}"].capabilities'
                f'["{CAPABILITY}"].properties["{key}"]',
            )


__all__ = ["ARCH", "compute_resources", "monitoring_annotation", "shipped_warnings", "cap_span"]
