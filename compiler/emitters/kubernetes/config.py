"""Configuration: topology inputs and configurable properties as ConfigMaps.

Phase: emit.
Input: the topology's inputs (values after ``--inputs`` / ``--set`` and defaults) and the
``configurable_properties`` of SOL001 VDUs.
Output: a ConfigMap ``<part-of>-inputs`` (one key per input with a value), and a
ConfigMap ``<vdu>-config`` per VDU with configurable properties, which the workload reads
through ``envFrom``.  Values that are not strings are written as compact JSON; keys are
made valid ConfigMap keys (``[-._a-zA-Z0-9]+``).

Codes: none.
"""

from __future__ import annotations

import re
from typing import Any

from .common import Ctx, compact_json, dns_label, plain
from .workloads import Workload

_KEY = re.compile(r"[^-._a-zA-Z0-9]+")


def _value(v: Any) -> str:
    if isinstance(v, str):
        return v
    return compact_json(plain(v))


def _key(k: str) -> str:
    return _KEY.sub("_", str(k)) or "_"


def emit_inputs(ctx: Ctx) -> None:
    data = {
        _key(name): _value(p.value)
        for name, p in sorted(ctx.topology.inputs.items())
        if p.value is not None
    }
    if not data:
        return
    name = dns_label(f"{ctx.part_of}-inputs")
    ctx.add(
        "ConfigMap",
        name,
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": ctx.metadata(name, template="topology_template.inputs", span=ctx.topology.span),
            "data": data,
        },
    )


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, dict) and value:
        for k, v in sorted(value.items()):
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    elif value is not None:
        out[_key(prefix)] = _value(value)


def emit_configurable(ctx: Ctx, w: Workload) -> None:
    props = w.node.properties.get("configurable_properties")
    if not isinstance(props, dict) or not props:
        return
    data: dict[str, str] = {}
    _flatten("", props, data)
    if not data:
        return
    name = dns_label(f"{w.name}-config")
    ctx.add(
        "ConfigMap",
        name,
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": ctx.metadata(
                name, template=w.node.name, span=ctx.node_span(w.node, "configurable_properties")
            ),
            "data": data,
        },
    )
    w.env_from.append({"configMapRef": {"name": name}})
