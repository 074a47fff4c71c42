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
way.  An input used any other way (inside ``concat``, read by ``get_property``, feeding
a flavour's inputs) is fixed without a probe.  Every other input is given a probe value
its type and constraints allow, at those places and in ``Topology.inputs``, all of them
in one topology, and the middle and back end run once on it
(:func:`compiler.pipeline.middle_end`, then the emitters: no loader, no resolve); the
objects are compared.  Each input's probe is its own where one is left (no two inputs
change the same value to the same value, as data or as text), so a leaf equal to a probe
value where it was equal to that input's value is that input's.  Inputs that cannot all
be given one of their own (two booleans both false, more inputs than ``valid_values``
left) are told apart by the reruns they are probed in (:func:`_coded`): each input
making one change gets its own set of reruns, all sets of one size, so that m such
inputs cost about two reruns more than log2(m), and a leaf is the input's whose set is
exactly the reruns it changed in.  When a change is nobody's probe, or a rerun fails or
writes other objects, the inputs are split in halves and each half probed again, down to
one input probed alone with its probe values in turn: any other difference then means
the input reaches the output through something a template cannot redo, and it is fixed.
So inputs that a probe sets apart cost one rerun in all, plus about two per halving for
each input to blame.  A network service reruns the same way from its NSD as resolve made
it (:attr:`Compilation.resolved`): the middle end composes its VNFs again without
loading or resolving the NSD, and resolves again only a VNFD whose inputs a probe
changed (an NSD input may set a VNFD input): the others are kept from the compile
(:attr:`Compilation.vnfds`).

Codes: none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from math import comb
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
    """The middle and back end on ``topo`` (no loader, no resolve of the entry)."""
    diags = Diagnostics(max_per_code=unit.diagnostics.max_per_code)
    other = Compilation(path=unit.path, options=unit.options, diagnostics=diags,
                        package=unit.package, topology=topo, vnfds=unit.vnfds)
    middle_end(other)
    if other.ok:
        back_end(other)
    return other


@dataclass(slots=True)
class _Input:
    """One input to probe: its resolved value, its definition, where resolve put it, the
    probe values :func:`probe_values` gives (tried in turn when it is probed alone) and
    the one it is given in a shared rerun."""

    name: str
    value: Any
    param: Any
    use: InputUse
    probes: list[Any]
    probe: Any = None


def _more_probes(value: Any, pdef: Any, many: int) -> Iterator[Any]:
    """Probe values for a shared rerun: the first of :func:`probe_values` (the one an input
    probed alone is given first), then up to ``many`` more of the same form, so that
    inputs holding one value each get one of their own, then the others."""
    first = probe_values(value, pdef)
    enum = [c.args for c in getattr(pdef, "constraints", ()) if c.operator == "valid_values"]
    if enum and isinstance(enum[0], list):
        yield from [v for v in enum[0] if v != value or type(v) is not type(value)]
    elif isinstance(value, bool):
        yield from first
    elif isinstance(value, int):
        yield from (value + k for k in range(1, many + 2))
        yield from (value - k for k in range(1, many + 2))
    elif first:  # a string
        yield first[0]
        yield from (f"{value}xp7q{k}" for k in range(1, many + 1))
        yield from first[1:]


class _Probing:
    """The reruns of one wiring (module docstring): ``reruns`` counts them."""

    def __init__(self, unit: Compilation, topo: Topology) -> None:
        self.unit, self.topo = unit, topo
        self.base = {(o.path, i): o.body for i, o in enumerate(_objects(unit))}
        self.wiring = InputWiring()
        self.reruns = 0

    def run(self, changes: list[tuple[_Input, Any]]) -> Compilation | None:
        topo: Topology | None = self.topo
        for inp, probe in changes:
            assert topo is not None
            topo = with_value(topo, inp.name, inp.use, inp.value, probe)
        if topo is None:
            return None
        self.reruns += 1
        return _rerun(self.unit, topo)

    def shared(self, group: list[_Input]) -> bool:
        """One rerun with every input of ``group`` at its own probe; True (and the leaves
        recorded) when every changed leaf is one input's probe value, else False and
        nothing recorded (the group is split)."""
        other = self.run([(i, i.probe) for i in group])
        if other is None or not other.ok:
            return False
        changed = {(o.path, i): o.body for i, o in enumerate(_objects(other))}
        if changed.keys() != self.base.keys():
            return False
        found: dict[tuple[str, Path], tuple[str, bool]] = {}
        for key, body in self.base.items():
            for path, old, new in _diff(body, changed[key]):
                if not path:
                    continue
                hit = next(((i.name, False) for i in group if type(new) is type(i.probe)
                            and new == i.probe and old == i.value
                            and type(old) is type(i.value)), None) or next(
                    ((i.name, True) for i in group if isinstance(new, str)
                     and new == _as_text(i.probe) and old == _as_text(i.value)), None)
                if hit is None:
                    return False
                found[(key[0], (key[1],) + path)] = hit
        self.wiring.leaves.update(found)
        return True

    def settle(self, group: list[_Input]) -> None:
        """Probe ``group``: together in one rerun, or, when that rerun cannot say which
        input did what, each half on its own, down to one input probed alone."""
        if len(group) == 1:
            self.alone(group[0])
        elif not self.shared(group):
            half = len(group) // 2
            self.settle(group[:half])
            self.settle(group[half:])

    def alone(self, inp: _Input) -> None:
        """One input, its probe values tried in turn until one compiles."""
        name, value, wiring = inp.name, inp.value, self.wiring
        for probe in inp.probes:
            if not _allowed(probe, inp.param):
                continue
            other = self.run([(inp, probe)])
            if other is not None and other.ok:
                break
        else:
            wiring.fixed[name] = "no probe value passed its constraints"
            return
        changed = {(o.path, i): o.body for i, o in enumerate(_objects(other))}
        if changed.keys() != self.base.keys():
            wiring.fixed[name] = "it changes which objects are written"
            return
        found: dict[tuple[str, Path], tuple[str, bool]] = {}
        for key, body in self.base.items():
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
                    return
        wiring.leaves.update(found)


def _rounds(inputs: list[_Input]) -> list[list[_Input]]:
    """The inputs in groups that can share a rerun: in each, every input has a probe of
    its own (no two change the same value to the same value, in data or as text), so
    a changed leaf tells which input it is.  Inputs that no probe sets apart (two
    boolean inputs, both false) fall into later groups."""
    out: list[list[_Input]] = []
    pending = inputs
    while pending:
        group: list[_Input] = []
        taken: set[tuple[str, str]] = set()
        later: list[_Input] = []
        for inp in pending:
            for probe in _more_probes(inp.value, inp.param, len(pending)):
                key = (_as_text(inp.value), _as_text(probe))
                if key not in taken and _allowed(probe, inp.param):
                    taken.add(key)
                    inp.probe = probe
                    group.append(inp)
                    break
            else:
                later.append(inp)
        assert group  # the first input always has a probe: probe_inputs kept only those
        out.append(group)
        pending = later
    return out


def _classes(inputs: list[_Input]) -> dict[tuple[str, str], list[_Input]]:
    """Each input given a probe value (its own where one is left, else the one fewest
    other inputs share), grouped by the change it makes (value and probe, as text)."""
    classes: dict[tuple[str, str], list[_Input]] = {}
    for inp in inputs:
        best: tuple[int, tuple[str, str], Any] | None = None
        for probe in _more_probes(inp.value, inp.param, len(inputs)):
            if not _allowed(probe, inp.param):
                continue
            key = (_as_text(inp.value), _as_text(probe))
            size = len(classes.get(key, ()))
            if best is None or size < best[0]:
                best = (size, key, probe)
            if size == 0:
                break
        assert best is not None  # probe_inputs keeps only inputs with an allowed probe
        inp.probe = best[2]
        classes.setdefault(best[1], []).append(inp)
    return classes


def _codes(most: int) -> list[tuple[int, ...]]:
    """``most`` distinct sets of reruns, all of one size (so that a leaf two inputs change
    together changes in a set of reruns no input has, and is caught): the fewest reruns
    that give that many."""
    runs = 1
    while comb(runs, max(1, runs // 2)) < most:
        runs += 1
    return list(combinations(range(runs), max(1, runs // 2)))[:most]


def _coded(probing: _Probing, classes: dict[tuple[str, str], list[_Input]]) -> bool:
    """Tell apart inputs that make the same change (two booleans both false) by the
    reruns they are probed in: each input of a class has its own set of reruns (all sets
    of one size), and a changed leaf is the input's whose set is exactly the reruns it
    changed in.  True (and the leaves recorded) when every leaf decodes; else nothing is
    recorded."""
    code: dict[str, tuple[int, ...]] = {}
    for members in classes.values():
        for inp, c in zip(members, _codes(max(map(len, classes.values())))):
            code[inp.name] = c
    runs = max(r for c in code.values() for r in c) + 1
    seen: dict[tuple[str, Path], list[tuple[int, frozenset[str], bool]]] = {}
    for r in range(runs):
        group = [i for members in classes.values() for i in members if r in code[i.name]]
        other = probing.run([(i, i.probe) for i in group])
        if other is None or not other.ok:
            return False
        changed = {(o.path, i): o.body for i, o in enumerate(_objects(other))}
        if changed.keys() != probing.base.keys():
            return False
        for key, body in probing.base.items():
            for path, old, new in _diff(body, changed[key]):
                if not path:
                    continue
                typed = frozenset(i.name for i in group if type(new) is type(i.probe)
                                  and new == i.probe and old == i.value
                                  and type(old) is type(i.value))
                text = frozenset(i.name for i in group if isinstance(new, str)
                                 and new == _as_text(i.probe) and old == _as_text(i.value))
                if not typed and not text:
                    return False
                seen.setdefault((key[0], (key[1],) + path), []).append(
                    (r, typed or text, not typed))
    found: dict[tuple[str, Path], tuple[str, bool]] = {}
    for leaf, hits in seen.items():
        rounds = tuple(r for r, _, _ in hits)
        names = frozenset.intersection(*(n for _, n, _ in hits))
        kinds = {k for _, _, k in hits}
        who = [n for n in names if code[n] == rounds]
        if len(who) != 1 or len(kinds) != 1:
            return False
        found[leaf] = (who[0], kinds.pop())
    probing.wiring.leaves.update(found)
    return True


def input_wiring(unit: Compilation) -> InputWiring:
    """Find the leaves each input reaches (module docstring)."""
    return probe_inputs(unit)[0]


def probe_inputs(unit: Compilation) -> tuple[InputWiring, int]:
    """:func:`input_wiring`, and how many times the middle and back end ran again."""
    from ..model import RuntimeRef

    assert unit.topology is not None
    # a network service reruns from its NSD as resolve made it (its VNFs composed again)
    topo = unit.resolved if unit.resolved is not None else unit.topology
    probing = _Probing(unit, topo)
    wiring = probing.wiring
    todo: list[_Input] = []
    for name, param in sorted(topo.inputs.items()):
        value = param.value
        if value is None or isinstance(value, RuntimeRef):
            continue
        probes = probe_values(value, param)
        if not probes:
            wiring.fixed[name] = f"a {param.type or type(value).__name__} input is not probed"
            continue
        use = topo.input_uses.get(name, InputUse(direct_only=True))  # never read: no site
        if not use.direct_only:
            wiring.fixed[name] = ("it reaches the descriptor through an expression or "
                                  "another template's property")
            continue
        if with_value(topo, name, use, value, value) is None or \
                not any(_allowed(p, param) for p in probes):
            wiring.fixed[name] = "no probe value passed its constraints"
            continue
        todo.append(_Input(name, value, param, use, probes))
    classes = _classes(todo)
    if len(classes) < len(todo) and _coded(probing, classes):
        return wiring, probing.reruns  # inputs making one change, told apart by their reruns
    for group in _rounds(todo):
        probing.settle(group)
    return wiring, probing.reruns
