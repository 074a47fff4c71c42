"""Networking: virtual links, connection points, Services and wiring targets.

Phase: emit.
Input: the topology's ``VnfVirtualLink``, ``VduCp``, ``VirtualCp`` and ``VnfExtCp``
templates, backing services with a ``locator``, the plan's resolved wirings, and the
workload builders.
Output: Multus ``NetworkAttachmentDefinition`` bodies (``k8s.cni.cncf.io/v1``; formats.md
rule 2), the pod annotation ``k8s.v1.cni.cncf.io/networks`` on workloads, Services for
``VirtualCp`` / ``VnfExtCp``, ``ExternalName`` Services for external backing services,
and the reconnect marks that give wiring targets a Service with
``sessionAffinity: None`` (spec §5).

CNI choice (a decision, see docs/conversion.md): a ``bridge`` plugin on a bridge named
after the link, with ``host-local`` IPAM from the first ``l3_protocol_data`` (``cidr``,
``gateway_ip``, ``ip_allocation_pools``), or no IPAM when the link has no L3 data.

Codes: unsupported, value-out-of-range (a port, via :mod:`compiler.bounds`).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

from ... import bounds
from ...model import NodeTemplate
from .common import ANN_DESCRIPTION, ANN_TYPE, Ctx, compact_json, dns_label, object_name, plain
from .workloads import Workload, _port_entry, add_port
from ...unsupported import unsupported

CNI_VERSION = "0.3.1"


def _l3(vl: NodeTemplate) -> dict:
    prof = vl.properties.get("vl_profile")
    data = prof.get("virtual_link_protocol_data") if isinstance(prof, dict) else None
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("l3_protocol_data"), dict):
            return entry["l3_protocol_data"]
    return {}


def cni_config(name: str, vl: NodeTemplate) -> dict:
    bridge = "xf" + hashlib.sha256(vl.name.encode()).hexdigest()[:10]  # ≤15 chars (IFNAMSIZ)
    config: dict[str, Any] = {"cniVersion": CNI_VERSION, "name": name, "type": "bridge", "bridge": bridge}
    l3 = _l3(vl)
    if isinstance(l3.get("cidr"), str):
        rng: dict[str, Any] = {"subnet": l3["cidr"]}
        if isinstance(l3.get("gateway_ip"), str):
            rng["gateway"] = l3["gateway_ip"]
        pools = l3.get("ip_allocation_pools")
        if isinstance(pools, list) and pools and isinstance(pools[0], dict):
            if isinstance(pools[0].get("start_ip_address"), str):
                rng["rangeStart"] = pools[0]["start_ip_address"]
            if isinstance(pools[0].get("end_ip_address"), str):
                rng["rangeEnd"] = pools[0]["end_ip_address"]
        config["ipam"] = {"type": "host-local", "ranges": [[rng]]}
    else:
        config["ipam"] = {}
    return config


def emit_links(ctx: Ctx, workloads: dict[str, Workload]) -> None:
    """NADs for internal virtual links; Multus selections for every bound VduCp."""
    links: dict[str, str] = {}
    # an NSD's NsVirtualLinks too (compiler/ns, issue 26): the substituted VNFs' CPs join them
    for vl in ctx.topology.nodes_of("tosca.nodes.nfv.VnfVirtualLink") + \
            ctx.topology.nodes_of("tosca.nodes.nfv.NsVirtualLink"):
        if vl.properties.get("externally_managed") is True:
            continue
        name = dns_label(vl.name)
        links[vl.name] = name
        extra = {ANN_TYPE: vl.type}
        if isinstance(vl.properties.get("description"), str):
            extra[ANN_DESCRIPTION] = vl.properties["description"]
        ctx.add(
            "NetworkAttachmentDefinition",
            name,
            {
                "apiVersion": "k8s.cni.cncf.io/v1",
                "kind": "NetworkAttachmentDefinition",
                "metadata": ctx.metadata(name, template=vl.name, span=vl.span, extra=extra),
                "spec": {"config": compact_json(cni_config(name, vl))},
            },
        )
    attach: dict[str, list[tuple[int, str, str, str]]] = {}
    for cp in ctx.topology.nodes_of("tosca.nodes.nfv.VduCp"):
        binding = next((r.node for r in cp.requirements if r.name == "virtual_binding" and r.node), None)
        link = next((r.node for r in cp.requirements if r.name == "virtual_link" and r.node), None)
        if binding not in workloads or link not in links:
            _order_unused(ctx, cp, binding in workloads)
            continue
        order = cp.properties.get("order")
        order = order if isinstance(order, int) and not isinstance(order, bool) else 1 << 30
        attach.setdefault(binding, []).append((order, cp.name, links[link], link))
    for ext in ctx.topology.nodes_of("tosca.nodes.nfv.VnfExtCp"):
        # an external CP bound to a link (an NSD's virtual link, through the VNF's
        # substitution mapping): the workloads behind its internal VduCps join that link
        link = next((r.node for r in ext.requirements if r.name == "external_virtual_link"
                     and r.node), None)
        if link not in links:
            continue
        for inner in (r.node for r in ext.requirements if r.name == "internal_virtual_link"):
            wname = _vducp_workload(ctx, inner)
            if wname in workloads:
                attach.setdefault(wname, []).append((1 << 30, ext.name, links[link], link))
    for wname, cps in attach.items():
        for i, (_, _, nad, link_name) in enumerate(sorted(cps)):
            sel: dict[str, Any] = {"name": nad, "interface": f"net{i + 1}"}
            ns = ctx.ns_of(link_name)  # a NAD is namespaced: an NS link's is the service's
            if ns:
                sel["namespace"] = ns
            workloads[wname].networks.append(sel)


def _order_unused(ctx: Ctx, cp: NodeTemplate, bound: bool) -> None:
    """A VduCp's ``order`` names a Multus interface; with none to name, say why."""
    if cp.properties.get("order") is None:
        return
    why = ("it joins no internal virtual link, so the pod's default network (eth0) carries it"
           if bound else "its VDU is no workload xfc generates (a VM, or an object shipped in "
           "the package, which keeps its own networks)")
    unsupported(ctx.diags, "kubernetes",
        cp.name,
        f"'order' of {cp.type} names no interface: {why}",
        ctx.node_span(cp, "order"),
        path=f'topology_template.node_templates["{cp.name}"].properties["order"]',
    )


def _targets(cp: NodeTemplate, names: tuple[str, ...]) -> list[str]:
    return sorted({r.node for r in cp.requirements if r.name in names and r.node})


def _vducp_workload(ctx: Ctx, name: str | None) -> str | None:
    node = ctx.topology.nodes.get(name) if name else None
    if node is None or not node.is_a("tosca.nodes.nfv.VduCp"):
        return None
    return next((r.node for r in node.requirements if r.name == "virtual_binding" and r.node), None)


def emit_cp_services(ctx: Ctx, workloads: dict[str, Workload]) -> None:
    """A Service per VirtualCp (ports from additionalServiceData) and per VnfExtCp."""
    for cp in ctx.topology.nodes_of("tosca.nodes.nfv.VirtualCp"):
        targets = [t for t in _targets(cp, ("target",)) if t in workloads]
        if not targets:
            continue
        ports: list[dict] = []
        for data in cp.properties.get("additionalServiceData") or []:
            for pd in (data.get("portData") or []) if isinstance(data, dict) else []:
                if isinstance(pd, dict):
                    number = bounds.port(pd.get("port"), f"{cp.name}: portData.port",
                                         ctx.node_span(cp, "additionalServiceData"), ctx.diags)
                    entry = _port_entry(number, pd.get("protocol"), pd.get("name"))
                    if entry and entry not in ports:
                        ports.append(entry)
        for t in targets:
            for p in ports:
                add_port(workloads[t], dict(p))
        _cp_service(ctx, cp, targets, ports, workloads)
    for cp in ctx.topology.nodes_of("tosca.nodes.nfv.VnfExtCp"):
        internal = [r.node for r in cp.requirements if r.name == "internal_virtual_link" and r.node]
        targets = sorted({w for w in (_vducp_workload(ctx, n) for n in internal) if w in workloads})
        if not targets:
            continue
        ports = [dict(p) for t in targets for p in workloads[t].ports]
        if not ports:
            unsupported(ctx.diags, "kubernetes",
                cp.name,
                f"the external connection point reaches {', '.join(targets)}, "
                "which expose no known port; no Service is emitted",
                cp.span,
                hint="declare the ports (xfactor CNF ports, or VirtualCp additionalServiceData)",
            )
            continue
        _cp_service(ctx, cp, targets, ports, workloads)


def _cp_service(ctx: Ctx, cp: NodeTemplate, targets: list[str], ports: list[dict], workloads) -> None:
    name = object_name("Service", cp.name)
    label = f"xfactor.io/cp-{dns_label(cp.name, 50)}"
    for t in targets:
        workloads[t].extra_labels[label] = "true"
    seen: set = set()
    svc_ports = []
    for p in sorted(ports, key=lambda p: (p["port"], p["protocol"])):
        if (p["port"], p["protocol"]) in seen:
            continue
        seen.add((p["port"], p["protocol"]))
        svc_ports.append({"name": p["name"], "port": p["port"], "protocol": p["protocol"], "targetPort": p["port"]})
    for t in targets:  # the Service exposes these ports of its targets (netpolicy.py)
        ctx.exposed.setdefault(t, []).extend(svc_ports)
    spec: dict[str, Any] = {
        "selector": {label: "true"},
        "sessionAffinity": "None",
        "type": "ClusterIP",
    }
    if svc_ports:
        spec["ports"] = svc_ports
    else:
        spec["clusterIP"] = "None"
    extra = {ANN_TYPE: cp.type}
    if isinstance(cp.properties.get("description"), str):
        extra[ANN_DESCRIPTION] = cp.properties["description"]
    if spec.get("clusterIP") == "None":
        spec.pop("type")
    ctx.add(
        "Service",
        name,
        {"apiVersion": "v1", "kind": "Service", "metadata": ctx.metadata(name, template=cp.name, span=cp.span, extra=extra), "spec": spec},
    )


_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def locator_host(locator: str) -> str | None:
    """The host name inside a locator (``redis://cache.example.org:6379/0``), or None."""
    text = locator.strip()
    host = urlsplit(text).hostname if "://" in text else text.split("/", 1)[0].rsplit(":", 1)[0]
    if not host or _IPV4.match(host) or not _HOST.match(host):
        return None
    return host.lower()


def emit_external_backing(ctx: Ctx) -> None:
    """An ExternalName Service for every backing service located by a host name."""
    for name, bs in sorted((ctx.unit.xmodel.backing if ctx.unit.xmodel else {}).items()):
        if bs.image or not bs.locator:
            continue
        node = ctx.topology.nodes.get(name)
        host = locator_host(bs.locator)
        if node is None or host is None:
            continue
        kname = object_name("Service", name)
        extra = {ANN_TYPE: node.type, "xfactor.io/locator": str(plain(bs.locator))}
        ctx.add(
            "Service",
            kname,
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": ctx.metadata(
                    kname, template=name, span=ctx.node_span(node, "locator"), extra=extra,
                    component=bs.kind or "backing-service",
                ),
                "spec": {"externalName": host, "sessionAffinity": "None", "type": "ExternalName"},
            },
        )


def mark_reconnect_targets(ctx: Ctx, workloads: dict[str, Workload]) -> None:
    """Targets reached with ``reconnect`` get a Service (sessionAffinity None; spec §5)."""
    plan = ctx.unit.plan
    for rw in (plan.wirings.values() if plan is not None else ()):
        if any(step.action == "reconnect" for step in rw.steps):
            target = rw.wiring.target
            if target in workloads:
                workloads[target].reconnect_sources.append(rw.wiring.source)
