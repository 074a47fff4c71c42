"""Kubernetes-native failure signals: ``monitoring.coreos.com/v1`` PrometheusRules.

Phase: emit.  Input: the :class:`Context`.  Output: the PrometheusRule as plain data (split
into parts of at most :data:`PART_BYTES` of rules each on a dense service, see :func:`build`),
and the per-step :class:`Realisation` on the ``kubernetes`` and ``tacker`` targets.

One rule group per service; one alert per step of every wiring's ladder.  Each alert
watches the wiring's target (container restarts, pods not Ready, i.e. missing from the
Service endpoints) and waits ``for`` the detection window plus the time budgets of the
steps before it, so step N fires only once steps 1..N-1 had their chance: an
Alertmanager route on ``xfactor_action`` drives the escalation.  The detection window
is the wiring's ``detect_after`` (spec §2.3, default 10s).  The labels carry the
wiring, the chain and the action.  A step that covers exactly one chain (``shutdown_chain``,
a ``reinstantiate`` of its whole chain: :func:`failurepolicy.covered_chain`) names that
chain in its ``xfactor_orders_chain`` annotation instead of listing the members; each
chain's orders are written once, as the labels of one ``xfactor_chain_info`` recording
rule in a second group (as in the FailurePolicy's ``spec.chains[]``), so the file grows
with wirings + chain members, not their product (issue 12).  With the ``tacker`` target the rules also carry the
labels of Tacker's Prometheus plugin (formats.md §4): ``receiver_type: tacker``,
``function_type: auto_heal`` for ``reinstantiate`` (with ``vnfc_info_id``) and
``vnffm`` otherwise, and ``vnf_instance_id`` from the input of that name.
Codes: none itself.  The package's emitter (:mod:`compiler.emitters.policies`) reports
``policy-missing-input`` (tacker without ``vnf_instance_id``) and turns the losses that
:func:`realise_tacker` records into ``unsupported`` warnings.
"""

from __future__ import annotations

import json
from typing import Any, Protocol, Sequence, TypeGuard

from ...diagnostics import Diagnostics

from ...model.xfactor import ResolvedWiring
from ..kubernetes.common import dns_label, workload_name
from .failurepolicy import covered_chain
from ...target_api import Context, Realisation
from .common import (
    camel,
    go_duration,
    step_args,
    step_budget,
)



class AlertLabeller(Protocol):
    """What :func:`rule` asks of a target (:class:`PolicyTarget.alert_labels`)."""

    def alert_labels(self, ctx: Context, rw: ResolvedWiring,
                     index: int) -> tuple[dict[str, str], dict[str, str]]: ...


def _labels_alerts(target: object) -> TypeGuard[AlertLabeller]:
    """Whether ``target`` adds to the alerts: the optional ``labels_alerts`` of
    :class:`compiler.plugins.Target`, which promises ``alert_labels``."""
    return bool(getattr(target, "labels_alerts", False))


API_VERSION = "monitoring.coreos.com/v1"
RESTART_WINDOW = "5m"
CHAIN_INFO = "xfactor_chain_info"  # the recording rule that carries a chain's orders


def alert_name(rw: ResolvedWiring, index: int) -> str:
    """``SmfToUpfStep2Reinstantiate``: unique per wiring and step."""
    return f"{camel(rw.wiring.name)}Step{index + 1}{camel(rw.steps[index].action)}"


def fire_after(rw: ResolvedWiring, index: int) -> float:
    """Seconds the target must stay broken before step ``index`` fires."""
    earlier = sum(step_budget(step_args(s)) for s in rw.steps[:index])
    return rw.wiring.detect_after + earlier


def _pod_regex(ctx: Context, node: str) -> str:
    # Pod names as the Kubernetes emitter's controllers make them: the workload is named
    # by that emitter's own rule (an MCIO name may rename it), so the two agree; a
    # StatefulSet's pods are <name>-<ordinal>, a Deployment's <name>-<rs hash>-<pod hash>.
    topo = ctx.topology
    name = workload_name(topo, node) if topo is not None and getattr(topo, "nodes", None) is not None \
        else dns_label(node)
    if ctx.stateful(node):
        return f"{name}-[0-9]+"
    return f"{name}-[a-z0-9]+-[a-z0-9]+"


def _matchers(ctx: Context, node: str, *extra: str) -> str:
    parts = []
    ns = ctx.node_namespaces.get(node, ctx.namespace)  # its VNF's (per-vnf), else the service's
    if ns:
        parts.append(f"namespace={json.dumps(ns)}")
    parts.append(f"pod=~{json.dumps(_pod_regex(ctx, node))}")
    parts.extend(extra)
    return "{" + ",".join(parts) + "}"


def target_expr(ctx: Context, node: str) -> str:
    """PromQL: the node's containers restart, or its pods are not Ready (kube-state-metrics).
    Made once per node and context: every step of every wiring to the node watches it."""
    made: dict[str, str] = ctx.made.setdefault("prometheus_target_expr", {})
    expr = made.get(node)
    if expr is None:
        expr = made[node] = _target_expr(ctx, node)
    return expr


def _target_expr(ctx: Context, node: str) -> str:
    restarts = f"increase(kube_pod_container_status_restarts_total{_matchers(ctx, node)}[{RESTART_WINDOW}]) > 0"
    unready = f'kube_pod_status_ready{_matchers(ctx, node, "condition=" + json.dumps("false"))} == 1'
    return f"({restarts}) or ({unready})"


def rule(ctx: Context, rw: ResolvedWiring, index: int,
         targets: Sequence[AlertLabeller] = ()) -> dict[str, Any]:
    """The alert of step ``index`` of ``rw``, with the labels and annotations each of
    ``targets`` adds (:meth:`PolicyTarget.alert_labels`: Tacker's Prometheus plugin routes
    alerts by its own labels)."""
    step = rw.steps[index]
    a = step_args(step)
    w = rw.wiring
    terminal = index == len(rw.steps) - 1
    labels = {
        "severity": "critical" if terminal else "warning",
        "xfactor_service": ctx.service,
        "xfactor_wiring": w.name,
        "xfactor_source": w.source,
        "xfactor_target": w.target,
        "xfactor_action": step.action,
        "xfactor_step": str(index + 1),
        "xfactor_terminal": "true" if terminal else "false",
    }
    if rw.chain is not None:
        labels["xfactor_chain"] = rw.chain
    annotations = {
        "summary": f"wiring {w.name} ({w.source} -> {w.target}) failed: step {index + 1} of "
        f"{len(rw.steps)} is {step.action}",
    }
    # the receivers as the FailurePolicy's scopes of the wiring's sides (docs/policies.md,
    # "sides are scopes"): a list of names per rule would be n²/2 names in a long chain
    for side, scope in ctx.propagate_scopes.get(w.name, {}).items():
        annotations[f"xfactor_propagate_{side}"] = scope
    covered = covered_chain(ctx, rw, step)
    if covered is not None:
        # the scope and both orders are the chain's: one xfactor_chain_info rule has them
        annotations["xfactor_orders_chain"] = covered
    elif a.scope:
        annotations["xfactor_scope"] = ",".join(a.scope)
    if a.shutdown_order and covered is None:
        annotations["xfactor_shutdown_order"] = ",".join(a.shutdown_order)
        annotations["xfactor_startup_order"] = ",".join(a.startup_order)
    for target in targets:
        more_labels, more_annotations = target.alert_labels(ctx, rw, index)
        labels.update(more_labels)
        annotations.update(more_annotations)
    return {
        "alert": alert_name(rw, index),
        "expr": target_expr(ctx, w.target),
        "for": go_duration(fire_after(rw, index)),
        "labels": labels,
        "annotations": annotations,
    }


#: Bytes of rules (compact JSON, as the API server receives them) one PrometheusRule holds
#: before the next part begins: client-side ``kubectl apply`` copies an object into an
#: annotation of at most 256 KiB (compiler.bounds), and 16 KiB are left for the metadata,
#: the group names and the annotation's own key.  A dense service (60 CNFs wired all to
#: all: 5,310 alerts, 3 MB) would otherwise be one object that no API server stores.
PART_BYTES = 240 * 1024


def _size(rules: list[dict[str, Any]]) -> int:
    """Bytes of ``rules`` in the budget: each rule's compact JSON and its separator.  One
    encoding of the list: ``[r1,r2]`` is two brackets and one comma more than the rules."""
    return len(json.dumps(rules, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) - 1


def _part_name(ctx: Context, part: int) -> str:
    if part == 1:
        return f"{ctx.service}-wirings"[:253]
    suffix = f"-{part}"
    return f"{ctx.service}-wirings"[:253 - len(suffix)] + suffix


def build(ctx: Context) -> list[dict[str, Any]]:
    """The PrometheusRules of the service: one, unless its rules pass :data:`PART_BYTES`.

    Then the rules are packed, in order, into ``<service>-wirings``, ``<service>-wirings-2``
    and so on: the chains' info rules first (the first part holds them as long as they
    fit), then each wiring's alerts, all of one wiring in one part (its escalation reads
    as one).  A wiring whose alerts alone pass the budget gets a part of its own, which
    the back end's object-size check then reports."""
    from . import chosen_targets

    # the chosen targets that label alerts (one that could not be loaded was reported
    # by the emitter already: it labels nothing)
    labellers = [t for t in chosen_targets(ctx, Diagnostics()) if _labels_alerts(t)]
    wirings = [[rule(ctx, rw, i, labellers) for i in range(len(rw.steps))] for rw in ctx.wirings]
    infos = [chain_info(ctx, name, members) for name, _, members in ctx.chains]
    # (group, rules) units packed into parts; group 0 = wirings, 1 = chains
    units = [(1, [r]) for r in infos] + [(0, rs) for rs in wirings if rs]
    parts: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = [([], [])]
    used = 0
    for group, rules in units:
        size = _size(rules)
        if used and used + size > PART_BYTES:
            parts.append(([], []))
            used = 0
        parts[-1][group].extend(rules)
        used += size
    return [_object(ctx, n, w, c) for n, (w, c) in enumerate(parts, start=1)]


def _object(ctx: Context, part: int, wiring_rules: list[dict[str, Any]],
            chain_rules: list[dict[str, Any]]) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "name": _part_name(ctx, part),
        "labels": {
            "app.kubernetes.io/managed-by": "xfc",
            "app.kubernetes.io/part-of": ctx.service,
        },
    }
    if ctx.namespace:
        metadata["namespace"] = ctx.namespace
    tail = "" if part == 1 else f".{part}"
    groups = []
    if part == 1 or wiring_rules:  # the first part always has its wirings group
        groups.append({"name": f"xfactor.{ctx.service}.wirings{tail}", "rules": wiring_rules})
    if chain_rules:
        groups.append({"name": f"xfactor.{ctx.service}.chains{tail}", "rules": chain_rules})
    return {
        "apiVersion": API_VERSION,
        "kind": "PrometheusRule",
        "metadata": metadata,
        "spec": {"groups": groups},
    }


def file_name(part: int) -> str:
    """``policies/prometheusrule.yaml``, then ``policies/prometheusrule-2.yaml``, ..."""
    return "policies/prometheusrule.yaml" if part == 1 else f"policies/prometheusrule-{part}.yaml"


def chain_info(ctx: Context, name: str, members: tuple[str, ...]) -> dict[str, Any]:
    """An info series (constant 1) whose labels are the chain's orders: what an alert's
    ``xfactor_orders_chain`` annotation refers to, queryable as
    ``xfactor_chain_info{xfactor_chain="..."}`` by whatever acts on the alert."""
    return {
        "record": CHAIN_INFO,
        "expr": "vector(1)",
        "labels": {
            "xfactor_service": ctx.service,
            "xfactor_chain": name,
            "xfactor_shutdown_order": ",".join(reversed(members)),
            "xfactor_startup_order": ",".join(members),
        },
    }


# --------------------------------------------------------------------------- explain


def realise_kubernetes(ctx: Context, rw: ResolvedWiring, index: int) -> Realisation:
    """What ``xfc operator`` does for the step (spec §6), read off the FailurePolicy, and
    the PrometheusRule alert that watches the same failure.  Lost: the members of a scope
    that the Kubernetes back end runs as no Deployment or StatefulSet (nothing to scale)."""
    step = rw.steps[index]
    a = step_args(step)
    w = rw.wiring
    where = f"FailurePolicy {ctx.service}, wiring {w.name}, steps[{index}]"
    if step.action == "reconnect":
        assert a.backoff is not None  # a reconnect's arguments are filled in (model.xfactor)
        wait = (go_duration(a.timeout) if a.timeout is not None
                else f"{a.attempts} x {go_duration(a.backoff)}")
        service = getattr(ctx.workloads.get(w.target), "service", None)
        via = f"Service {service}" if service else f"the Service of {w.target}"
        does = (f"{w.source} reconnects through {via} (no affinity); xfc operator waits "
                f"{wait} for a Ready Pod of {w.target}")
    elif step.action == "notify":
        assert a.via is not None  # a notify step's channel is filled in (model.xfactor)
        channel = {"http": f"a JSON POST to :{a.port}{a.path} on each Ready Pod",
                   "signal": f"the signal {a.signal} to each Pod's main process (pods/exec)"}.get(
            a.via, "a Kubernetes Event on each workload")
        does = (f"xfc operator sends the failure context to {', '.join(rw.recipients)} by "
                f"{channel}, then waits {go_duration(a.budget)}")
    else:
        scope = ctx.scope(step.startup_order)
        down = ", ".join(step.shutdown_order) or "-"
        if step.action == "reinstantiate":
            does = (f"xfc operator scales scope {scope} to 0 in the order {down}, each once the "
                    f"one before has no Pods, then back to the compiled replicas in the order "
                    f"{', '.join(step.startup_order) or '-'}, each once the one before is Ready, "
                    f"within {go_duration(a.budget)}")
        else:
            does = (f"xfc operator scales scope {scope} (chain {a.chain}) to 0 in the order "
                    f"{down} and leaves it down")
    how = (f"{does} ({where}); PrometheusRule alert {alert_name(rw, index)} fires when "
           f"{w.target} has been restarting or unready for {go_duration(fire_after(rw, index))}")
    missing = [n for n in step.startup_order if n not in ctx.workloads]
    if missing:
        return Realisation(how=how, lost=(
            f"{', '.join(missing)} {'runs' if len(missing) == 1 else 'run'} as no Kubernetes "
            "Deployment or StatefulSet of this service, so xfc operator cannot scale "
            f"{'it' if len(missing) == 1 else 'them'}"))
    return Realisation(how=how)


def realise_tacker(ctx: Context, rw: ResolvedWiring, index: int) -> Realisation:
    step = rw.steps[index]
    a = step_args(step)
    w = rw.wiring
    alert = alert_name(rw, index)
    if step.action == "reconnect":
        return Realisation(
            how=(
                f"the Kubernetes Service of {w.target} balances the reconnection (no "
                f"affinity); alert {alert} (function_type: vnffm) raises an FM alarm at "
                "the NFVO meanwhile"
            )
        )
    if step.action == "notify":
        assert a.via is not None  # a notify step's channel is filled in (model.xfactor)
        channel = {"http": f"HTTP {a.path} on port {a.port}", "signal": f"signal {a.signal}",
                   "event": "an event"}.get(a.via, "an event")
        return Realisation(
            how=f"alert {alert} (function_type: vnffm) raises an FM alarm at the NFVO",
            lost=(
                f"Tacker tells the NFVO, not the CNF: the notification by {channel} to "
                f"{', '.join(rw.recipients)} is not delivered"
            ),
        )
    if step.action == "reinstantiate":
        how = (
            f"alert {alert} (function_type: auto_heal) makes Tacker heal the failing pod "
            f"of {w.target} (vnfc_info_id {w.target}-<pod>): a new pod, then the old one deleted"
        )
        rest = [n for n in a.scope if n != w.target]
        if rest:
            return Realisation(
                how=how,
                lost=(
                    f"Tacker heals only the VNFC that raised the alert: the rest of the "
                    f"scope ({', '.join(rest)}) is not re-instantiated and the shutdown "
                    f"order ({', '.join(a.shutdown_order)}) and startup order "
                    f"({', '.join(a.startup_order)}) are lost"
                ),
            )
        return Realisation(how=how)
    return Realisation(
        how=f"alert {alert} (function_type: vnffm) raises a CRITICAL FM alarm at the NFVO",
        lost=(
            f"Tacker cannot shut a chain down from an alert: the NFVO must terminate "
            f"chain {a.chain} itself, in the order {', '.join(a.shutdown_order)}"
        ),
    )
