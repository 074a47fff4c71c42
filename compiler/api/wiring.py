"""Which output leaves each topology input reaches unchanged (for the Helm bundler).

Phase: api.  Input: a clean :class:`Compilation`.  Output: an
:class:`~compiler.bundlers.InputWiring`: ``leaves`` (file, object index and path ->
the input and whether the leaf holds its string form) and ``fixed`` (the inputs a
template cannot reproduce, each with why).  The Helm bundler turns each leaf into
``.Values.inputs.<name>`` and pins every fixed input with ``const`` in
``values.schema.json``.

How.  Resolve records where it put each input's value
(:attr:`~compiler.model.Topology.input_uses`): the node properties (or the places inside
one) whose value is exactly ``get_input: NAME``, and whether the input is used any other
way.  For an input used only there, its value is changed to a probe value its type and
constraints allow at those places and in ``Topology.inputs``, the middle and back end
run again on that topology (:func:`compiler.pipeline.middle_end`, then the emitters: no
loader, no resolve), and the objects are compared: a leaf equal to the probe value where
it was equal to the input's value is the input's; any other difference means the input
reaches the output through something a template cannot redo, and it is fixed.  An input
used any other way (inside ``concat``, read by ``get_property``, feeding a flavour's
inputs) is fixed without a probe.  A network service (an NSD whose VNFs are composed
from their own descriptors) is still probed by compiling it again.

Codes: none.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterator

from ..bundlers import OPERATOR_DIR, InputWiring, K8sObject, k8s_objects
from ..diagnostics import Diagnostics
from ..emitters.kubernetes.common import compact_json, plain
from ..model import InputUse, Topology
from ..pipeline import Compilation, back_end, middle_end
from ..yamlout import same

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


def _allowed(probe: Any, param: Any) -> bool:
    """Whether ``probe`` meets the input's own constraints (as resolve would judge it)."""
    from ..resolve.constraints import violation

    return all(violation(c, probe, param.type or "string") is None
               for c in getattr(param, "constraints", ()))


def _at(value: Any, path: Path) -> Any:
    for p in path:
        value = value[p]
    return value


def _put(value: Any, path: Path, new: Any) -> Any:
    """A plain copy of ``value`` with ``new`` at ``path``."""
    from ..model.frozen import thaw

    if not path:
        return new
    out = thaw(value)
    inner = out
    for p in path[:-1]:
        inner = inner[p]
    inner[path[-1]] = new
    return out


def with_value(topo: Topology, name: str, use: InputUse, value: Any, probe: Any
               ) -> Topology | None:
    """``topo`` with input ``name`` worth ``probe`` at every site resolve recorded and in
    ``Topology.inputs``; None when a site does not hold the input's value as resolved
    (a validation turned it into something else)."""
    nodes = dict(topo.nodes)
    for node, prop, *inner in use.sites:
        n = nodes.get(node)
        if n is None or prop not in n.properties:
            return None
        try:
            if not same(_at(n.properties[prop], tuple(inner)), value):
                return None
        except (KeyError, IndexError, TypeError):
            return None
        props = dict(n.properties)
        props[prop] = _put(props[prop], tuple(inner), probe)
        nodes[node] = replace(n, properties=props)
    inputs = dict(topo.inputs)
    inputs[name] = replace(inputs[name], value=probe)
    return replace(topo, nodes=nodes, inputs=inputs)


def _rerun(unit: Compilation, topo: Topology) -> Compilation:
    """The middle and back end on ``topo`` (no loader, no resolve)."""
    diags = Diagnostics(max_per_code=unit.diagnostics.max_per_code)
    other = Compilation(path=unit.path, options=unit.options, diagnostics=diags,
                        package=unit.package, topology=topo)
    middle_end(other)
    if other.ok:
        back_end(other)
    return other


def _recompile(unit: Compilation, name: str, probe: Any) -> Compilation:
    """A whole compilation with input ``name`` given as ``probe`` (network services)."""
    from . import CompileRequest, compile

    given = dict(unit.options.inputs or {})
    return compile(CompileRequest(
        path=unit.path, options=replace(unit.options, inputs={**given, name: probe}))).unit


def input_wiring(unit: Compilation) -> InputWiring:
    """Find the leaves each input reaches (module docstring)."""
    from ..model import RuntimeRef
    from ..ns import is_service

    assert unit.topology is not None
    topo = unit.topology
    service = is_service(topo, unit.options)
    defs = dict(topo.inputs)
    wiring = InputWiring()
    base = {(o.path, i): o.body for i, o in enumerate(_objects(unit))}
    for name, param in sorted(topo.inputs.items()):
        value = param.value
        if value is None or isinstance(value, RuntimeRef):
            continue
        probes = probe_values(value, defs.get(name))
        if not probes:
            wiring.fixed[name] = f"a {param.type or type(value).__name__} input is not probed"
            continue
        use = topo.input_uses.get(name, InputUse(direct_only=True))  # never read: no site
        if not service and not use.direct_only:
            wiring.fixed[name] = ("it reaches the descriptor through an expression or "
                                  "another template's property")
            continue
        for probe in probes:
            if service:
                other = _recompile(unit, name, probe)
            else:
                changed_topo = with_value(topo, name, use, value, probe) \
                    if _allowed(probe, param) else None
                if changed_topo is None:
                    continue
                other = _rerun(unit, changed_topo)
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
