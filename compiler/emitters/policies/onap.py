"""ONAP: control-loop operational policies (``onap.policies.controlloop.operational.common.Drools``).

Phase: emit.  Input: the :class:`Context`.  Output: one ``tosca_simple_yaml_1_1_0``
document per chain (plus one for the wirings outside any chain), holding one Drools
operational policy per wiring whose ladder has something ONAP can run.  The ladder maps
to operations chained by their ``success``/``failure*`` transitions (formats.md §2):

* ``reconnect`` -> no operation (ONAP has none; the Kubernetes Service of the target
  balances the reconnection, attempts/backoff are not enforced: a warning);
* ``notify`` -> APPC ``ConfigModify`` on the VNF, the channel and receivers in the payload;
* ``reinstantiate`` -> APPC ``Restart`` of the VNF when the scope is every workload of the
  service, else SO ``VF Module Delete`` in the shutdown order then ``VF Module Create`` in
  the startup order (one VF module per workload, named by ``modelName``);
* ``shutdown_chain`` -> SO ``VF Module Delete`` of every member, in the shutdown order.

An operation's success moves to the next operation of its step, and the last one to
``final_success``; any failure escalates to the first operation of the next step, and
from the last step to the matching ``final_failure*``.  A guard denial ends the loop
(``final_failure_guard``).  Timeouts are the step's ``timeout`` (or its default budget)
in whole seconds; ``retries`` is 0 (no action but ``reconnect`` takes attempts).
:func:`check_operational_policy` checks what the JSON Schema cannot (references between
operations, the overall timeout); a policy it rejects is a bug in xfc, for which the
package's emitter raises InternalError.

Codes: none itself; the losses :func:`realise` records become ``policy-not-expressible``
warnings in the package's emitter (:mod:`compiler.emitters.policies`).
"""

from __future__ import annotations

from typing import Any

from ...model.xfactor import ResolvedWiring
from ...names import identifier
from .common import Context, Realisation, StepArgs, dns1123, go_duration, step_args, step_budget, whole_seconds

POLICY_TYPE = "onap.policies.controlloop.operational.common.Drools"
TOSCA_VERSION = "tosca_simple_yaml_1_1_0"
CONTROLLER = "usecases"
FINALS = (
    "final_success",
    "final_failure",
    "final_failure_timeout",
    "final_failure_retries",
    "final_failure_exception",
    "final_failure_guard",
)
TARGET_TYPES = ("VNF", "VM", "VFMODULE", "PNF")
_FAILURES = ("failure", "failure_timeout", "failure_retries", "failure_exception")


def _ident(text: str) -> str:
    return identifier(text)


def policy_name(ctx: Context, rw: ResolvedWiring) -> str:
    """The ONAP policy name (and id) of one wiring's operational policy."""
    return f"operational.{_ident(ctx.service)}.{_ident(rw.wiring.name)}"


def _vf_module(node: str) -> dict[str, Any]:
    return {"targetType": "VFMODULE", "entityIds": {"modelName": node}}


def _step_operations(ctx: Context, rw: ResolvedWiring, index: int, a: StepArgs) -> list[dict[str, Any]]:
    """The operations of one step, without their transitions."""
    w = rw.wiring
    timeout = whole_seconds(step_budget(a))
    base = f"{_ident(w.name)}.step{index + 1}.{a.action}"
    ops: list[dict[str, Any]] = []

    def op(suffix: str, actor: str, operation: str, target: dict, description: str,
           payload: dict[str, str] | None = None) -> None:
        body: dict[str, Any] = {"actor": actor, "operation": operation, "target": target}
        if payload:
            body["payload"] = payload
        ops.append({"id": f"{base}{suffix}", "description": description, "operation": body,
                    "timeout": timeout, "retries": 0})

    if a.action == "notify":
        payload = {
            "xfactor-wiring": w.name,
            "xfactor-source": w.source,
            "xfactor-target": w.target,
            "xfactor-via": a.via,
            "xfactor-receivers": ",".join(rw.propagate_to or (w.source,)),
        }
        for key in ("path", "port", "signal"):
            value = getattr(a, key)
            if value is not None:
                payload[f"xfactor-{key}"] = str(value)
        op("", "APPC", "ConfigModify", {"targetType": "VNF"},
           f"Tell {', '.join(rw.propagate_to or (w.source,))} that wiring {w.name} failed", payload)
    elif a.action == "reinstantiate":
        if set(a.scope) >= set(ctx.xmodel.workloads) and ctx.xmodel.workloads:
            op("", "APPC", "Restart", {"targetType": "VNF"},
               f"Restart the whole service (scope {', '.join(a.scope)})")
        else:
            for node in a.shutdown_order:
                op(f".delete.{_ident(node)}", "SO", "VF Module Delete", _vf_module(node),
                   f"Shut {node} down (reinstantiate, shutdown order)")
            for node in a.startup_order:
                op(f".create.{_ident(node)}", "SO", "VF Module Create", _vf_module(node),
                   f"Start {node} again (reinstantiate, startup order)")
    elif a.action == "shutdown_chain":
        for node in a.shutdown_order:
            op(f".delete.{_ident(node)}", "SO", "VF Module Delete", _vf_module(node),
               f"Shut {node} down (chain {a.chain}, shutdown order)")
    return ops


def policy(ctx: Context, rw: ResolvedWiring) -> dict[str, Any] | None:
    """The Drools operational policy of one wiring, or None when no step maps to ONAP."""
    groups = [
        _step_operations(ctx, rw, i, step_args(s)) for i, s in enumerate(rw.steps)
    ]
    groups = [g for g in groups if g]
    if not groups:
        return None
    operations: list[dict[str, Any]] = []
    for gi, group in enumerate(groups):
        nxt = groups[gi + 1][0]["id"] if gi + 1 < len(groups) else None
        for k, op in enumerate(group):
            op["success"] = group[k + 1]["id"] if k + 1 < len(group) else "final_success"
            for field in _FAILURES:
                op[field] = nxt or f"final_{field}"
            op["failure_guard"] = "final_failure_guard"
            operations.append(op)
    name = policy_name(ctx, rw)
    return {
        name: {
            "type": POLICY_TYPE,
            "type_version": "1.0.0",
            "version": "1.0.0",
            "name": name,
            "metadata": {"policy-id": name},
            "properties": {
                "id": f"ControlLoop-{_ident(ctx.service)}-{_ident(rw.wiring.name)}",
                "timeout": sum(op["timeout"] for op in operations),
                "abatement": False,
                "trigger": operations[0]["id"],
                "operations": operations,
                "controllerName": CONTROLLER,
            },
        }
    }


def build(ctx: Context) -> dict[str, dict[str, Any]]:
    """File stem -> document: one per chain, ``unchained`` for wirings in no chain."""
    by_chain: dict[str | None, list[dict[str, Any]]] = {}
    for rw in ctx.wirings:
        p = policy(ctx, rw)
        if p is not None:
            by_chain.setdefault(rw.chain, []).append(p)
    out: dict[str, dict[str, Any]] = {}
    for chain in sorted(by_chain, key=lambda c: (c is None, c or "")):
        stem = dns1123(chain, fallback="chain") if chain is not None else "unchained"
        while stem in out:
            stem += "-x"
        out[stem] = {
            "tosca_definitions_version": TOSCA_VERSION,
            "topology_template": {"policies": by_chain[chain]},
        }
    return out


def check_operational_policy(doc: Any) -> list[str]:
    """What the type's JSON Schema cannot say: every transition names an operation of
    the same policy or a final state, ids are unique, no operation loops to itself, and
    the overall timeout covers the operations' timeouts (the type's description)."""
    problems: list[str] = []
    policies = ((doc or {}).get("topology_template") or {}).get("policies") or []
    for entry in policies:
        for pname, pol in (entry or {}).items():
            props = (pol or {}).get("properties") or {}
            ops = props.get("operations") or []
            ids = [o.get("id") for o in ops]
            if len(set(ids)) != len(ids):
                problems.append(f"{pname}: duplicate operation ids")
            if props.get("trigger") not in ids:
                problems.append(f"{pname}: trigger {props.get('trigger')!r} names no operation")
            for o in ops:
                for field in ("success", "failure_guard", *_FAILURES):
                    dest = o.get(field)
                    if dest is None:
                        continue
                    if dest not in ids and dest not in FINALS:
                        problems.append(f"{pname}: {o.get('id')}.{field} -> {dest!r} names no operation")
                    if dest == o.get("id"):
                        problems.append(f"{pname}: {o.get('id')}.{field} loops to itself")
            total = sum(o.get("timeout", 0) for o in ops if isinstance(o.get("timeout"), int))
            if isinstance(props.get("timeout"), int) and props["timeout"] < total:
                problems.append(f"{pname}: timeout {props['timeout']} < the operations' {total}")
    return problems


# --------------------------------------------------------------------------- explain


def realise(ctx: Context, rw: ResolvedWiring, index: int) -> Realisation:
    step = rw.steps[index]
    a = step_args(step)
    w = rw.wiring
    ops = _step_operations(ctx, rw, index, a)
    if step.action == "reconnect":
        only = len(rw.steps) == 1
        return Realisation(
            how=(
                f"no operation: the Kubernetes Service of {w.target} in the deployed chart "
                "balances the reconnection"
                + ("; no operational policy is written for this wiring" if only else
                   "; the control loop starts at the next step")
            ),
            lost=(
                f"ONAP has no reconnect operation: attempts={a.attempts} and backoff="
                f"{go_duration(a.backoff)} are not enforced by ONAP"
            ),
        )
    listing = "; ".join(
        f"{o['operation']['actor']} {o['operation']['operation']}"
        + (f" {o['operation']['target']['entityIds']['modelName']}"
           if "entityIds" in o["operation"]["target"] else " (VNF)")
        for o in ops
    )
    how = f"operations {listing}, each with timeout {ops[0]['timeout']} s"
    if step.action == "notify":
        return Realisation(
            how=how + "; ONAP targets the whole VNF, so the payload names the receivers "
            f"({', '.join(rw.propagate_to or (w.source,))}) and the channel ({a.via})"
        )
    return Realisation(how=how)
