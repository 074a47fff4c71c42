"""Which output leaves each topology input reaches unchanged (for the Helm bundler).

Phase: api.  Input: a clean :class:`Compilation`.  Output: an
:class:`~compiler.bundlers.InputWiring`: ``leaves`` (file, object index and path ->
the input and whether the leaf holds its string form) and ``fixed`` (the inputs a
template cannot reproduce, each with why).  The Helm bundler turns each leaf into
``.Values.inputs.<name>`` and pins every fixed input with ``const`` in
``values.schema.json``.

How.  Each input is changed to a probe value its type and constraints allow, the
compilation is run again, and the objects are compared: a leaf equal to the probe value
where it was equal to the input's value is the input's; any other difference means the
input reaches the output through an expression, and it is fixed.

Codes: none.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterator

from ..bundlers import OPERATOR_DIR, InputWiring, K8sObject, k8s_objects
from ..emitters.kubernetes.common import compact_json, plain
from ..pipeline import Compilation

Path = tuple[Any, ...]


def _diff(a: Any, b: Any, path: Path = ()) -> Iterator[tuple[Path, Any, Any]]:
    """Leaves where ``a`` and ``b`` differ; a change of shape is reported at its root."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for k in a:
            yield from _diff(a[k], b[k], path + (k,))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from _diff(x, y, path + (i,))
    elif type(a) is not type(b) or a != b:
        yield path, a, b


def _as_text(v: Any) -> str:
    return v if isinstance(v, str) else compact_json(plain(v))


def probe_values(value: Any, pdef: Any) -> list[Any]:
    """Values other than ``value`` that the input's type and constraints allow."""
    enum = [c.args for c in getattr(pdef, "constraints", ()) if c.operator == "valid_values"]
    if enum and isinstance(enum[0], list):
        return [v for v in enum[0] if v != value or type(v) is not type(value)][:2]
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, value - 1, value + 2]
    # A float is not probed: Helm reads values as float64 and writes 1.0 back as 1, so a
    # template cannot reproduce what the compiler writes for it; it is pinned instead.
    if isinstance(value, str) and getattr(pdef, "type", "string") in (None, "string"):
        return [value + "xp7", "xfcprobe7" + value, "xfcprobe7"]
    return []


def _objects(unit: Compilation) -> list[K8sObject]:
    return k8s_objects(f for f in unit.outputs if not f.path.startswith(OPERATOR_DIR))


def input_wiring(unit: Compilation) -> InputWiring:
    """Find the leaves each input reaches (module docstring)."""
    from ..model import RuntimeRef

    from . import CompileRequest, compile

    assert unit.topology is not None
    defs = dict(unit.topology.inputs)
    wiring = InputWiring()
    base = {(o.path, i): o.body for i, o in enumerate(_objects(unit))}
    given = dict(unit.options.inputs or {})
    for name, param in sorted(unit.topology.inputs.items()):
        value = param.value
        if value is None or isinstance(value, RuntimeRef):
            continue
        probes = probe_values(value, defs.get(name))
        if not probes:
            wiring.fixed[name] = f"a {param.type or type(value).__name__} input is not probed"
            continue
        for probe in probes:
            other = compile(CompileRequest(
                path=unit.path, options=replace(unit.options, inputs={**given, name: probe}))).unit
            if other.ok:
                break
        else:
            wiring.fixed[name] = "no probe value passed its constraints"
            continue
        changed = {(o.path, i): o.body for i, o in enumerate(_objects(other))}
        if changed.keys() != base.keys():
            wiring.fixed[name] = "it changes which objects are written"
            continue
        found: dict[tuple[str, Path], tuple[str, bool]] = {}
        for key, body in base.items():
            for path, old, new in _diff(body, changed[key]):
                if not path:
                    continue
                if type(new) is type(probe) and new == probe and old == value \
                        and type(old) is type(value):
                    found[(key[0], (key[1],) + path)] = (name, False)
                elif isinstance(new, str) and new == _as_text(probe) and old == _as_text(value):
                    found[(key[0], (key[1],) + path)] = (name, True)
                else:
                    wiring.fixed[name] = (f"it reaches {key[0]} at "
                                          f"{'.'.join(map(str, path))} through an expression")
                    break
            if name in wiring.fixed:
                break
        if name not in wiring.fixed:
            wiring.leaves.update(found)
    return wiring
