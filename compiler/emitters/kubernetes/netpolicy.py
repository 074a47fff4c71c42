"""NetworkPolicy: traffic as the descriptor declares it.

Phase: emit.
Input: the workload builders (their ports final), the plan's resolved wirings, the
backing-service uses (a workload's requirement on an ``xfactor.nodes.BackingService``),
and the ports that ``VirtualCp`` / ``VnfExtCp`` Services expose (``Ctx.exposed``).
Output: one ``networking.k8s.io/v1`` NetworkPolicy per generated workload, named like it,
selecting its pods, with ``policyTypes: [Ingress]`` — so every generated pod denies
ingress by default — and one ingress rule per kind of declared traffic:

* the sources of its incoming wirings and the workloads that use it as a backing service,
  as pod selectors (their ``app.kubernetes.io/name`` and ``part-of`` labels), on the
  target's declared ports (every port when it declares none); a source in another
  namespace (``--ns-namespaces per-vnf``) also by a namespace selector on
  ``kubernetes.io/metadata.name``;
* the ports a ``VirtualCp`` / ``VnfExtCp`` Service exposes, from anywhere (the descriptor
  exposes them outside the VNF);
* a workload that nothing inside the service reaches and that declares ports is an entry
  point (an AMF's NGAP, a web console): its ports, from anywhere.

Not restricted (docs/conversion.md, "NetworkPolicy"): egress (DNS, external backing
services by locator and registries are the cluster's), Multus secondary interfaces
(NetworkPolicy governs the pod network only), traffic from the node (kubelet probes are
always allowed, per the NetworkPolicy API), and objects shipped in Tacker packages.
``Options.network_policies = False`` (``--no-network-policies``) leaves them out.

Codes: unsupported (a wiring or use whose source xfc does not generate: its pods
carry no label the policy could admit).
"""

from __future__ import annotations

from typing import Any

from ...model.xfactor import BACKING_TYPE
from .common import Ctx
from .workloads import Workload
from ...unsupported import unsupported

#: the label the API server sets on every Namespace (1.21+; xfc writes it on the Namespace
#: objects it emits, so that 1.20 clusters match it too)
NS_NAME_LABEL = "kubernetes.io/metadata.name"


def _incoming(ctx: Ctx, built: dict[str, Workload]) -> dict[str, dict[str, Any]]:
    """target template -> {source template: span of the declaration}."""
    out: dict[str, dict[str, Any]] = {}
    plan = ctx.unit.plan
    for rw in (plan.wirings.values() if plan is not None else ()):
        w = rw.wiring
        out.setdefault(w.target, {}).setdefault(w.source, getattr(w, "span", None))
    for name, node in ctx.topology.nodes.items():  # every user, generated or not
        for req in node.requirements:
            target = ctx.topology.nodes.get(req.node) if req.node else None
            if target is not None and target.is_a(BACKING_TYPE):
                out.setdefault(target.name, {}).setdefault(name, req.span)
    return out


def _ports(w: Workload) -> list[dict]:
    return [{"port": p["port"], "protocol": p["protocol"]}
            for p in sorted(w.ports, key=lambda p: (p["port"], p["protocol"]))]


def emit(ctx: Ctx, built: dict[str, Workload]) -> None:
    """A NetworkPolicy per generated workload (unless the options leave them out)."""
    if not ctx.unit.options.network_policies:
        return
    incoming = _incoming(ctx, built)
    for name in sorted(built):
        w = built[name]
        rules: list[dict] = []
        sources = incoming.get(name, {})
        peers = []
        for src in sorted(sources):
            if src in built:
                peer: dict[str, Any] = {"podSelector": {"matchLabels": ctx.selector(built[src].name)}}
                there = ctx.ns_of(src)
                if there != ctx.ns_of(name) and there:  # another VNF's namespace (per-vnf)
                    peer["namespaceSelector"] = {"matchLabels": {NS_NAME_LABEL: there}}
                peers.append(peer)
            elif src in ctx.topology.nodes:
                span = sources[src] or ctx.topology.nodes[src].span
                unsupported(
                    ctx.diags, "kubernetes", f"{src} -> {name}",
                    f"the NetworkPolicy of '{w.name}' cannot admit '{src}', "
                    "whose pods xfc does not generate; its traffic to them is denied",
                    span,
                    hint="compile with --no-network-policies, or add a policy for its pods",
                )
        ports = _ports(w)
        if peers:
            rule: dict[str, Any] = {"from": peers}
            if ports:
                rule["ports"] = ports
            rules.append(rule)
        exposed = sorted({(p["port"], p["protocol"]) for p in ctx.exposed.get(name, [])})
        if exposed:
            rules.append({"ports": [{"port": p, "protocol": proto} for p, proto in exposed]})
        elif not sources and ports:  # an entry point of the service
            rules.append({"ports": ports})
        spec: dict[str, Any] = {
            "podSelector": {"matchLabels": ctx.selector(w.name)},
            "policyTypes": ["Ingress"],
        }
        if rules:
            spec["ingress"] = rules
        ctx.add(
            "NetworkPolicy",
            w.name,
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": ctx.metadata(w.name, template=w.node.name, span=w.node.span),
                "spec": spec,
            },
        )


__all__ = ["emit"]
