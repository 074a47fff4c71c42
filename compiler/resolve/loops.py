"""Loops of ``get_attribute`` references, found before run time.

Phase: resolve.  Input: the node templates being resolved (their assigned attribute
values and their types' attribute defaults).  Output: ``tosca-function-cycle`` at a call
of every loop; nothing else.

Why: ``get_attribute`` is kept for run time (TOSCA 1.3 §4.5.1), so the evaluator only
checks that the node and attribute exist.  An attribute whose value is its own
``get_attribute`` (directly, or through other attributes) can never have a value; it
used to pass, and the back ends wrote the function's own text.  The references form a
graph of (node, attribute) pairs; a cycle in it is an error at the call that closes it.
The walk is iterative (a chain of thousands of attributes does not recurse) and each
pair is visited once.

Codes: tosca-function-cycle.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..diagnostics import Diagnostics, Span
from ..loader.yamlpos import PMap
from .typedefs import MISSING

Key = tuple[str, str]


def _calls(value: Any) -> Iterator[tuple[Any, Any]]:
    """(call mapping, its arguments) of every get_attribute inside ``value``."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if len(v) == 1 and "get_attribute" in v:
                yield v, v["get_attribute"]
                continue
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def check_attribute_loops(nodes: dict[str, Any], reg: Any, diags: Diagnostics) -> None:
    """Report each loop of get_attribute references among the nodes' attributes."""
    edges: dict[Key, list[tuple[Key, Span]]] = {}
    for n in nodes.values():
        if not n.type:
            continue
        raw: Any = n.raw.get("attributes") if isinstance(n.raw, dict) else None
        raw = raw if isinstance(raw, PMap) else {}
        for a, d in reg.attributes("node", n.type).items():
            if a in raw:
                value, where = raw[a], raw.value_span(a)
            elif d.default is not MISSING:
                value, where = d.default, d.default_span
            else:
                continue
            out = []
            for call, args in _calls(value):
                if not isinstance(args, list) or len(args) < 2 or not isinstance(args[1], str):
                    continue
                target = n.name if args[0] == "SELF" else args[0]
                if isinstance(target, str) and target in nodes:
                    span = call.key_span("get_attribute") if isinstance(call, PMap) else where
                    out.append(((target, args[1]), span))
            if out:
                edges[(n.name, a)] = out
    state: dict[Key, int] = {}  # 1 on the walk's path, 2 done
    for start in edges:
        if start in state:
            continue
        state[start] = 1
        path: list[tuple[Key, Iterator[tuple[Key, Span]]]] = [(start, iter(edges[start]))]
        while path:
            key, it = path[-1]
            step = next(it, None)
            if step is None:
                state[key] = 2
                path.pop()
                continue
            nxt, span = step
            seen = state.get(nxt)
            if seen == 1:
                loop = [k for k, _ in path][[k for k, _ in path].index(nxt):] + [nxt]
                shown = " -> ".join(f"{node}.{attr}" for node, attr in loop)
                diags.add("tosca-function-cycle",
                          f"attribute {key[1]!r} of {key[0]!r} depends on itself through "
                          f"get_attribute ({shown}): it can never have a value",
                          span, path=f'topology_template.node_templates["{key[0]}"]'
                                     f'.attributes["{key[1]}"]',
                          hint="give one attribute of the loop a value of its own")
            elif seen is None and nxt in edges:
                state[nxt] = 1
                path.append((nxt, iter(edges[nxt])))
