"""OSM: a SOL006-style VNFD (one KDU on the service's Helm chart) with healing-aspects.

Phase: emit.  Input: the :class:`Context`.  Output: the ``vnfd`` document as plain
data (formats.md §3: the ``mysql_knf`` shape) whose deployment flavour carries one
``healing-aspect`` per wiring with ``reinstantiate`` steps: a ``healing-policy`` per
workload of the step's scope, in startup order, with ``recovery-type: automatic``,
``action-on-recovery: REDEPLOY_ONLY`` and ``cooldown-time`` from the step's timeout
(or its default budget), in whole seconds.  A ``reinstantiate`` that covers exactly its
wiring's chain (:func:`failurepolicy.covered_chain`) is the same for every wiring of the
chain, so it is not copied into each wiring's aspect: one shared aspect per chain and
cooldown, ``<chain>-chain-heal-<seconds>s``, lists the members once (event
``<chain>-chain-reinstantiate-<seconds>s``), and the file grows with wirings + chain
members, not their product (issue 12).

OSM heals VDUs only (its LCM builds healing alerts from the ``vm_status`` of VDU
records; no KDU path exists), and has no reconnect, notify or chain shutdown action,
so :func:`realise` reports a loss for every step: the emitter turns each into a
``unsupported`` warning at the step.  The KDU's chart is the input
``helm_chart`` when given, else the service name.

Codes: none itself (the ``unsupported`` warnings are the package emitter's).
"""

from __future__ import annotations

from typing import Any

from ...model.xfactor import ResolvedWiring
from ...target_api import Context, Realisation
from .common import INPUT_HELM_CHART, go_duration, step_args, step_budget, whole_seconds
from .failurepolicy import covered_chain

RECOVERY_TYPE = "automatic"
ACTION_ON_RECOVERY = "REDEPLOY_ONLY"


def helm_chart(ctx: Context) -> str:
    chart = ctx.input(INPUT_HELM_CHART)
    return chart if isinstance(chart, str) and chart.strip() else ctx.service


def _healing_policy(node: str, event: str, cooldown: int) -> dict[str, Any]:
    return {
        "vdu-id": node,
        "event-name": event,
        "recovery-type": RECOVERY_TYPE,
        "action-on-recovery": ACTION_ON_RECOVERY,
        "cooldown-time": cooldown,
        "day1": False,
    }


def shared_aspect(ctx: Context, rw: ResolvedWiring, index: int) -> tuple[str, str] | None:
    """(aspect id, event name) of the shared aspect that runs step ``index``, or None
    when the step is written in the wiring's own aspect."""
    step = rw.steps[index]
    if step.action != "reinstantiate":
        return None
    chain = covered_chain(ctx, rw, step)
    if chain is None:
        return None
    seconds = whole_seconds(step_budget(step_args(step)))
    return f"{chain}-chain-heal-{seconds}s", f"{chain}-chain-reinstantiate-{seconds}s"


def healing_aspect(ctx: Context, rw: ResolvedWiring) -> dict[str, Any] | None:
    """The wiring's own aspect: its ``reinstantiate`` steps that no shared aspect runs."""
    policies = []
    for i, step in enumerate(rw.steps):
        if step.action != "reinstantiate" or shared_aspect(ctx, rw, i) is not None:
            continue
        a = step_args(step)
        for node in a.startup_order or a.scope:
            policies.append(_healing_policy(node, f"{rw.wiring.name}-step{i + 1}",
                                            whole_seconds(step_budget(a))))
    if not policies:
        return None
    return {"id": f"{rw.wiring.name}-heal", "healing-policy": policies}


def shared_aspects(ctx: Context) -> list[dict[str, Any]]:
    """One aspect per chain and cooldown that some wiring reinstantiates whole, by id."""
    out: dict[str, dict[str, Any]] = {}
    for rw in ctx.wirings:
        for i, step in enumerate(rw.steps):
            shared = shared_aspect(ctx, rw, i)
            if shared is None or shared[0] in out:
                continue
            a = step_args(step)
            out[shared[0]] = {"id": shared[0], "healing-policy": [
                _healing_policy(node, shared[1], whole_seconds(step_budget(a)))
                for node in a.startup_order]}
    return [out[k] for k in sorted(out)]


def build(ctx: Context) -> dict[str, Any]:
    df: dict[str, Any] = {"id": ctx.flavour or "default-df"}
    aspects = [a for a in (healing_aspect(ctx, rw) for rw in ctx.wirings) if a is not None]
    aspects += shared_aspects(ctx)
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
        assert a.backoff is not None  # a reconnect's arguments are filled in (model.xfactor)
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
                f"OSM cannot notify: {', '.join(rw.recipients)} are not "
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
    shared = shared_aspect(ctx, rw, index)
    aspect = f"{w.name}-heal" if shared is None else shared[0]
    how = (
        f"healing-aspect {aspect}: healing-policy for {', '.join(nodes)} with "
        f"recovery-type {RECOVERY_TYPE}, action-on-recovery {ACTION_ON_RECOVERY}, "
        f"cooldown-time {whole_seconds(step_budget(a))} s"
    )
    if shared is not None:
        how += (f", event-name {shared[1]}, shared by the wirings of chain {rw.chain} that "
                "reinstantiate it whole")
    return Realisation(how=how, lost=lost)
