"""OSM: a SOL006-style VNFD (one KDU on the service's Helm chart) with healing-aspects.

Phase: emit.  Input: the :class:`Context`.  Output: the ``vnfd`` document as plain
data (formats.md §3: the ``mysql_knf`` shape) whose deployment flavour carries one
``healing-aspect`` per wiring with ``reinstantiate`` steps: a ``healing-policy`` per
workload of the step's scope, in startup order, with ``recovery-type: automatic``,
``action-on-recovery: REDEPLOY_ONLY`` and ``cooldown-time`` from the step's timeout
(or its default budget), in whole seconds.

OSM heals VDUs only (its LCM builds healing alerts from the ``vm_status`` of VDU
records; no KDU path exists), and has no reconnect, notify or chain shutdown action,
so :func:`realise` reports a loss for every step: the emitter turns each into a
``policy-not-expressible`` warning at the step.  The KDU's chart is the input
``helm_chart`` when given, else the service name.

Codes: none itself (the ``policy-not-expressible`` warnings are the package emitter's).
"""

from __future__ import annotations

from typing import Any

from ...model.xfactor import ResolvedWiring
from .common import INPUT_HELM_CHART, Context, Realisation, go_duration, step_args, step_budget, whole_seconds

RECOVERY_TYPE = "automatic"
ACTION_ON_RECOVERY = "REDEPLOY_ONLY"


def helm_chart(ctx: Context) -> str:
    chart = ctx.input(INPUT_HELM_CHART)
    return chart if isinstance(chart, str) and chart.strip() else ctx.service


def healing_aspect(ctx: Context, rw: ResolvedWiring) -> dict[str, Any] | None:
    policies = []
    for i, step in enumerate(rw.steps):
        if step.action != "reinstantiate":
            continue
        a = step_args(step)
        for node in a.startup_order or a.scope:
            policies.append({
                "vdu-id": node,
                "event-name": f"{rw.wiring.name}-step{i + 1}",
                "recovery-type": RECOVERY_TYPE,
                "action-on-recovery": ACTION_ON_RECOVERY,
                "cooldown-time": whole_seconds(step_budget(a)),
                "day1": False,
            })
    if not policies:
        return None
    return {"id": f"{rw.wiring.name}-heal", "healing-policy": policies}


def build(ctx: Context) -> dict[str, Any]:
    df: dict[str, Any] = {"id": ctx.flavour or "default-df"}
    aspects = [a for a in (healing_aspect(ctx, rw) for rw in ctx.wirings) if a is not None]
    if aspects:
        df["healing-aspect"] = aspects
    vnfd: dict[str, Any] = {
        "id": ctx.service,
        "product-name": ctx.service,
        "version": ctx.version,
        "mgmt-cp": "mgmt-ext",
        "ext-cpd": [{"id": "mgmt-ext", "k8s-cluster-net": "mgmtnet"}],
        "k8s-cluster": {"nets": [{"id": "mgmtnet"}]},
        "kdu": [{"name": ctx.service, "helm-chart": helm_chart(ctx)}],
        "df": [df],
    }
    if ctx.description:
        vnfd["description"] = ctx.description.strip()
    return {"vnfd": vnfd}


# --------------------------------------------------------------------------- explain


def realise(ctx: Context, rw: ResolvedWiring, index: int) -> Realisation:
    step = rw.steps[index]
    a = step_args(step)
    w = rw.wiring
    if step.action == "reconnect":
        return Realisation(
            how=f"no healing entry: the Kubernetes Service of {w.target} inside the KDU "
            "balances the reconnection",
            lost=(
                f"OSM has no reconnect action: attempts={a.attempts} and backoff="
                f"{go_duration(a.backoff)} are not enforced by OSM"
            ),
        )
    if step.action == "notify":
        return Realisation(
            how="nothing (OSM healing has no notification action)",
            lost=(
                f"OSM cannot notify: {', '.join(rw.propagate_to or (w.source,))} are not "
                f"told that wiring {w.name} failed (via={a.via})"
            ),
        )
    if step.action == "shutdown_chain":
        return Realisation(
            how="nothing (OSM has no chain shutdown on failure)",
            lost=(
                f"OSM cannot shut chain {a.chain} down on failure: terminate the NS by hand, "
                f"in the order {', '.join(a.shutdown_order)}"
            ),
        )
    nodes = a.startup_order or a.scope
    lost = (
        "OSM heals VDUs only (its healing alerts come from the vm_status of VDU records); "
        f"{', '.join(nodes)} run as containers of KDU {ctx.service}, so OSM will not run this "
        "healing"
    )
    if len(nodes) > 1:
        lost += (
            "; each healing-policy also heals on its own, so the shutdown order "
            f"({', '.join(a.shutdown_order)}) and startup order ({', '.join(a.startup_order)}) "
            "are lost"
        )
    return Realisation(
        how=(
            f"healing-aspect {w.name}-heal: healing-policy for {', '.join(nodes)} with "
            f"recovery-type {RECOVERY_TYPE}, action-on-recovery {ACTION_ON_RECOVERY}, "
            f"cooldown-time {whole_seconds(step_budget(a))} s"
        ),
        lost=lost,
    )
