"""Placement: SOL001 affinity and anti-affinity rules as pod (anti-)affinity.

Phase: emit.
Input: ``tosca.policies.nfv.AffinityRule`` / ``AntiAffinityRule`` policies (SOL001
§6.10.x) whose targets are workloads or groups of workloads.
Output: ``requiredDuringSchedulingIgnoredDuringExecution`` pod (anti-)affinity terms on
every targeted workload, selecting the pods of all targets (the rule is symmetric), with
the topology key chosen from ``scope``: ``nfvi_node`` -> ``kubernetes.io/hostname``,
``zone`` -> ``topology.kubernetes.io/zone``, ``zone_group`` / ``nfvi_pop`` ->
``topology.kubernetes.io/region``.  Other scopes (``network_link_and_node``) have no
topology label and raise a warning at the scope value.

Codes: unsupported.
"""

from __future__ import annotations

from .common import LABEL_NAME, LABEL_PART_OF, Ctx, label_value
from .workloads import Workload
from ...unsupported import unsupported

TOPOLOGY_KEYS = {
    "nfvi_node": "kubernetes.io/hostname",
    "zone": "topology.kubernetes.io/zone",
    "zone_group": "topology.kubernetes.io/region",
    "nfvi_pop": "topology.kubernetes.io/region",
}


def apply(ctx: Ctx, workloads: dict[str, Workload]) -> None:
    for pol in sorted(ctx.topology.policies.values(), key=lambda p: p.name):
        anti = pol.is_a("tosca.policies.nfv.AntiAffinityRule")
        if not anti and not pol.is_a("tosca.policies.nfv.AffinityRule"):
            continue
        names: set[str] = set()
        for t in pol.targets:
            group = ctx.topology.groups.get(t)
            names.update(group.members if group is not None else (t,))
        targets = sorted(n for n in names if n in workloads)
        if not targets:
            continue
        scope = pol.properties.get("scope", "nfvi_node")
        key = TOPOLOGY_KEYS.get(str(scope))
        if key is None:
            unsupported(ctx.diags, "kubernetes",
                pol.name,
                f"scope '{scope}' has no Kubernetes topology label; the rule is dropped",
                pol.property_spans.get("scope", pol.span),
                path=f'topology_template.policies["{pol.name}"].properties["scope"]',
            )
            continue
        term = {
            "labelSelector": {
                "matchExpressions": [
                    {
                        "key": LABEL_NAME,
                        "operator": "In",
                        "values": sorted({label_value(workloads[n].name) for n in targets}),
                    },
                    {"key": LABEL_PART_OF, "operator": "In", "values": [label_value(ctx.part_of)]},
                ]
            },
            "topologyKey": key,
        }
        field = "podAntiAffinity" if anti else "podAffinity"
        for n in targets:
            terms = workloads[n].affinity.setdefault(field, {}).setdefault(
                "requiredDuringSchedulingIgnoredDuringExecution", []
            )
            if term not in terms:
                terms.append(term)
