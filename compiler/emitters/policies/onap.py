"""ONAP: control-loop operational policies (``onap.policies.controlloop.operational.common.Drools``).

Phase: emit.  Input: the :class:`Context`.  Output: one ``tosca_simple_yaml_1_1_0``
document per chain (plus one for the wirings outside any chain), holding one Drools
operational policy per wiring whose own steps have something ONAP can run, then the
chain's shared policies (below).  The ladder maps
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

Chain-wide steps are shared, not copied (docs/policies.md, "Shared chain policies"): the
longest run of chain-wide steps (``shutdown_chain``, ``reinstantiate`` whose scope is the
wiring's whole chain) that ends a ladder is written once per chain as its own policy,
``operational.<service>.chain.<chain>.<steps>``, and every wiring whose ladder ends that
way names it instead of listing the members again.  So the output grows with wirings +
chain members, not with their product.  ONAP cannot start one control loop from another:
when a wiring has steps of its own before the shared ones, the hand-off is a
``unsupported`` warning at the first shared step.

Codes: none itself; the losses :func:`realise` records become ``unsupported``
warnings in the package's emitter (:mod:`compiler.emitters.policies`).
"""

from __future__ import annotations

import functools
from typing import Any

from ...model.xfactor import ResolvedWiring
from ...names import dns_label, identifier
from ...target_api import Context, Realisation
from .common import StepArgs, go_duration, step_args, step_budget, whole_seconds

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


@functools.lru_cache(maxsize=4096)  # bounded, thread-safe: a name recurs in every id of its policy
def _ident(text: str) -> str:
    return identifier(text)


def _per_wiring(ctx: Context, what: str) -> dict[str, Any]:
    """What this module made of each wiring in this context (the target's check and its
    documents ask for the same policies): wiring name -> value."""
    made: dict[str, Any] = ctx.made.setdefault(f"onap.{what}", {})
    return made


def policy_name(ctx: Context, rw: ResolvedWiring) -> str:
    """The ONAP policy name (and id) of one wiring's operational policy."""
    return f"operational.{_ident(ctx.service)}.{_ident(rw.wiring.name)}"


def _vf_module(node: str) -> dict[str, Any]:
    return {"targetType": "VFMODULE", "entityIds": {"modelName": node}}


def _whole_service(ctx: Context, a: StepArgs) -> bool:
    return bool(ctx.xmodel.workloads) and set(a.scope) >= set(ctx.xmodel.workloads)


def _chain_wide(ctx: Context, rw: ResolvedWiring, a: StepArgs) -> bool:
    """A step whose operations list a whole chain: the same for every wiring of it."""
    if a.action == "shutdown_chain":
        return True
    if a.action != "reinstantiate" or rw.chain is None or _whole_service(ctx, a):
        return False  # the whole service is one APPC Restart: nothing to share
    chain = ctx.xmodel.chains.get(rw.chain)
    return chain is not None and set(a.scope) == set(chain.members)


def shared_from(ctx: Context, rw: ResolvedWiring) -> int:
    """Index of the first step of the ladder's shared tail (``len(rw.steps)``: none)."""
    made = _per_wiring(ctx, "shared_from")
    start = made.get(rw.wiring.name)
    if start is None:
        start = made[rw.wiring.name] = _shared_from(ctx, rw)
    return start


def _shared_from(ctx: Context, rw: ResolvedWiring) -> int:
    start = len(rw.steps)
    while start > 0 and _chain_wide(ctx, rw, step_args(rw.steps[start - 1])):
        start -= 1
    return start


def _token(rw: ResolvedWiring, a: StepArgs) -> str:
    seconds = whole_seconds(step_budget(a))
    if a.action == "shutdown_chain" and a.chain != rw.chain:
        return f"{a.action}-{_ident(a.chain or 'none')}-{seconds}s"
    return f"{a.action}-{seconds}s"


def shared_name(ctx: Context, rw: ResolvedWiring) -> str | None:
    """The shared policy that runs the ladder's chain-wide tail, or None without one.  The
    name is made of what decides its operations (chain, actions, budgets), so every wiring
    with the same tail names the same policy."""
    start = shared_from(ctx, rw)
    if start == len(rw.steps):
        return None
    tokens = ".".join(_token(rw, step_args(s)) for s in rw.steps[start:])
    return f"operational.{_ident(ctx.service)}.chain.{_ident(rw.chain or 'none')}.{tokens}"


def _step_operations(ctx: Context, rw: ResolvedWiring, index: int, a: StepArgs,
                     prefix: str | None = None) -> list[dict[str, Any]]:
    """The operations of one step, without their transitions; ``prefix`` replaces the
    wiring's name in the ids (a shared chain policy)."""
    w = rw.wiring
    timeout = whole_seconds(step_budget(a))
    base = f"{prefix or _ident(w.name)}.step{index + 1}.{a.action}"
    ops: list[dict[str, Any]] = []

    def op(suffix: str, actor: str, operation: str, target: dict[str, Any], description: str,
           payload: dict[str, str] | None = None) -> None:
        body: dict[str, Any] = {"actor": actor, "operation": operation, "target": target}
        if payload:
            body["payload"] = payload
        ops.append({"id": f"{base}{suffix}", "description": description, "operation": body,
                    "timeout": timeout, "retries": 0})

    if a.action == "notify":
        assert a.via is not None  # a notify step's channel is filled in (model.xfactor)
        payload = {
            "xfactor-wiring": w.name,
            "xfactor-source": w.source,
            "xfactor-target": w.target,
            "xfactor-via": a.via,
            "xfactor-receivers": ",".join(rw.recipients),
        }
        for key in ("path", "port", "signal"):
            value = getattr(a, key)
            if value is not None:
                payload[f"xfactor-{key}"] = str(value)
        op("", "APPC", "ConfigModify", {"targetType": "VNF"},
           f"Tell {', '.join(rw.recipients)} that wiring {w.name} failed", payload)
    elif a.action == "reinstantiate":
        if _whole_service(ctx, a):
            # the scope is every workload: naming them would copy the service per wiring
            op("", "APPC", "Restart", {"targetType": "VNF"},
               "Restart the whole service (the scope is every workload)")
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


def _policy(ctx: Context, name: str, loop_id: str,
            groups: list[list[dict[str, Any]]]) -> dict[str, Any] | None:
    """One Drools policy from its steps' operations, with the transitions set."""
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
    return {
        name: {
            "type": POLICY_TYPE,
            "type_version": "1.0.0",
            "version": "1.0.0",
            "name": name,
            "metadata": {"policy-id": name},
            "properties": {
                "id": loop_id,
                "timeout": sum(op["timeout"] for op in operations),
                "abatement": False,
                "trigger": operations[0]["id"],
                "operations": operations,
                "controllerName": CONTROLLER,
            },
        }
    }


def loop_id(policy: str) -> str:
    """The control loop name (``closedLoopControlName`` of the events) of a policy."""
    return "ControlLoop-" + policy.removeprefix("operational.").replace(".", "-")


def policy(ctx: Context, rw: ResolvedWiring) -> dict[str, Any] | None:
    """The Drools operational policy of one wiring's own steps (those before its shared
    chain tail), or None when none of them maps to ONAP.  Made once per context (the
    caller must not change it)."""
    made = _per_wiring(ctx, "policy")
    if rw.wiring.name not in made:
        made[rw.wiring.name] = _own_policy(ctx, rw)
    return made[rw.wiring.name]  # type: ignore[no-any-return]


def _own_policy(ctx: Context, rw: ResolvedWiring) -> dict[str, Any] | None:
    own = shared_from(ctx, rw)
    groups = [_step_operations(ctx, rw, i, step_args(s)) for i, s in enumerate(rw.steps[:own])]
    return _policy(ctx, policy_name(ctx, rw),
                   f"ControlLoop-{_ident(ctx.service)}-{_ident(rw.wiring.name)}", groups)


def shared_policy(ctx: Context, rw: ResolvedWiring) -> dict[str, Any] | None:
    """The shared policy of the wiring's chain-wide tail (the same for every wiring that
    names it), or None."""
    name = shared_name(ctx, rw)
    if name is None:
        return None
    start = shared_from(ctx, rw)
    prefix = name.removeprefix(f"operational.{_ident(ctx.service)}.")
    groups = [_step_operations(ctx, rw, k, step_args(s), prefix=prefix)
              for k, s in enumerate(rw.steps[start:])]
    return _policy(ctx, name, loop_id(name), groups)


def build(ctx: Context) -> dict[str, dict[str, Any]]:
    """File stem -> document: one per chain, ``unchained`` for wirings in no chain.  A
    chain's document holds its wirings' policies and, once each, the shared policies
    they name."""
    by_chain: dict[str | None, list[dict[str, Any]]] = {}
    shared: dict[str | None, dict[str, dict[str, Any]]] = {}  # chain -> name -> policy
    for rw in ctx.wirings:
        p = policy(ctx, rw)
        if p is not None:
            by_chain.setdefault(rw.chain, []).append(p)
        name = shared_name(ctx, rw)
        if name is not None and name not in shared.get(rw.chain, {}):
            sp = shared_policy(ctx, rw)
            if sp is not None:
                shared.setdefault(rw.chain, {})[name] = sp
    out: dict[str, dict[str, Any]] = {}
    for chain in sorted(by_chain.keys() | shared.keys(), key=lambda c: (c is None, c or "")):
        stem = dns_label(chain, fallback="chain") if chain is not None else "unchained"
        while stem in out:
            stem += "-x"
        # the wirings' policies, then the shared ones they name, by name
        policies = by_chain.get(chain, []) + [sp for _, sp in sorted(shared.get(chain, {}).items())]
        out[stem] = {
            "tosca_definitions_version": TOSCA_VERSION,
            "topology_template": {"policies": policies},
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
    start = shared_from(ctx, rw)
    shared = shared_name(ctx, rw) if index >= start else None
    if shared is not None:
        prefix = shared.removeprefix(f"operational.{_ident(ctx.service)}.")
        ops = _step_operations(ctx, rw, index - start, a, prefix=prefix)
    else:
        ops = _step_operations(ctx, rw, index, a)
    if step.action == "reconnect":
        assert a.backoff is not None  # a reconnect's arguments are filled in (model.xfactor)
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
    if shared is not None:
        how += f", in {shared}, shared by the wirings of chain {rw.chain} that end this way"
        own = any(_step_operations(ctx, rw, i, step_args(s))
                  for i, s in enumerate(rw.steps[:start]))
        if index == start and own:
            return Realisation(how=how, lost=(
                "ONAP cannot start one control loop from another: when this wiring's loop "
                f"ends in final_failure, its event source must raise {loop_id(shared)}"))
        return Realisation(how=how)
    if step.action == "notify":
        return Realisation(
            how=how + "; ONAP targets the whole VNF, so the payload names the receivers "
            f"({', '.join(rw.recipients)}) and the channel ({a.via})"
        )
    return Realisation(how=how)
