"""The portable failure-policy document: one ``xfactor.io/v1alpha1`` FailurePolicy.

Phase: emit.  Input: the :class:`Context` (the plan's resolved wirings and chains).
Output: the FailurePolicy as plain data (spec §5) and the text of its
CustomResourceDefinition (``compiler/schemas/failurepolicy-crd.yaml``, shipped as
package data).  Every step's arguments are resolved (defaults filled in, durations as
Go-style strings), ``reinstantiate`` and ``shutdown_chain`` steps carry their resolved
``shutdown_order`` and ``startup_order``, and ``propagate`` is resolved to node names.
Emits no diagnostics: everything the ladder says is expressible here.
"""

from __future__ import annotations

from typing import Any

from ...resources import schemas_dir
from ...model.xfactor import ResolvedStep, ResolvedWiring
from .common import ORDERED_ACTIONS, Context, go_duration, step_args

API_VERSION = "xfactor.io/v1alpha1"
KIND = "FailurePolicy"
CRD_FILE = "failurepolicy-crd.yaml"
JSON_SCHEMA_FILE = "failurepolicy.schema.json"


def crd_text() -> str:
    """The CRD as shipped (a hand-written, reviewed file, emitted byte for byte)."""
    return (schemas_dir() / CRD_FILE).read_text(encoding="utf-8")


def covered_chain(ctx: Context, rw: ResolvedWiring, step: ResolvedStep) -> str | None:
    """The chain that a ``reinstantiate``/``shutdown_chain`` step covers exactly (its
    scope and orders are the chain's), or None.  The PrometheusRule names such a chain
    instead of listing its members; the FailurePolicy keeps every step's resolved orders,
    as spec §5 requires."""
    a = step_args(step)
    if a.action == "shutdown_chain":
        return a.chain
    if a.action == "reinstantiate" and rw.chain is not None:
        members = ctx.plan.chains.get(rw.chain)
        if members and tuple(a.startup_order) == tuple(members) and tuple(a.scope) == tuple(members):
            return rw.chain
    return None


def step_document(step: ResolvedStep, rw: ResolvedWiring) -> dict[str, Any]:
    """One escalation step, every argument resolved (spec §3.1 defaults, §3.2 orders)."""
    a = step_args(step)
    doc: dict[str, Any] = {"action": a.action}
    if a.action == "reconnect":
        doc["attempts"] = a.attempts
        doc["backoff"] = go_duration(a.backoff)
    elif a.action == "notify":
        doc["via"] = a.via
        for key in ("path", "port", "signal"):
            value = getattr(a, key)
            if value is not None:
                doc[key] = value
    elif a.action == "shutdown_chain":
        if a.chain is not None:
            doc["chain"] = a.chain
    elif a.action == "reinstantiate":
        doc["scope"] = list(a.scope)
    if a.timeout is not None:
        doc["timeout"] = go_duration(a.timeout)
    if a.action in ORDERED_ACTIONS:
        doc["shutdown_order"] = list(a.shutdown_order)
        doc["startup_order"] = list(a.startup_order)
    return doc


def wiring_document(rw: ResolvedWiring) -> dict[str, Any]:
    w = rw.wiring
    doc: dict[str, Any] = {
        "name": w.name,
        "source": w.source,
        "target": w.target,
        "stickiness": w.stickiness,
        "propagate": w.propagate,
        "propagate_to": list(rw.propagate_to),
        "escalation": [step_document(s, rw) for s in rw.steps],
    }
    if rw.chain is not None:
        doc["chain"] = rw.chain
    return doc


def build(ctx: Context) -> dict[str, Any]:
    """The FailurePolicy object for the whole service (one per topology)."""
    metadata: dict[str, Any] = {
        "name": ctx.service,
        "labels": {
            "app.kubernetes.io/managed-by": "xfc",
            "app.kubernetes.io/part-of": ctx.service,
        },
    }
    if ctx.namespace:
        metadata["namespace"] = ctx.namespace
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": metadata,
        "spec": {
            "chains": [
                {"name": name, "fragile": fragile, "members": list(members)}
                for name, fragile, members in ctx.chains
            ],
            "wirings": [wiring_document(rw) for rw in ctx.wirings],
        },
    }
