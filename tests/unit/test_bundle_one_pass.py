"""A bundle costs one front-end pass per flavour (issue 25, item 2): the bundlers get a
BundleInput built once by the API, the other flavours are compiled once each as
variants, and the Helm values' wiring comes from resolve's records (which node
properties hold each input's value), checked by running the middle and back end again,
never the loader or the resolver.  The second test holds that wiring equal to what
compiling the descriptor again with each input changed finds (the way it was found
before)."""

from __future__ import annotations

from dataclasses import replace

import pytest

import compiler
import compiler.loader
import compiler.resolve
from compiler import api
from compiler.api import wiring
from compiler.pipeline import Options
from tests.unit.bundle_support import FIXTURES, SAMPLES, compiled

SLICE = "samples/5g-core-slice/slice.yaml"
TWO = str(FIXTURES / "two-flavours" / "top.yaml")
FORMATS = ("helm", "kustomize", "csar", "onap-helm", "osm")


@pytest.fixture
def passes(monkeypatch):
    """How often the loader and the resolver ran."""
    counts = {"load": 0, "resolve": 0}
    real_load, real_resolve = compiler.loader.load, compiler.resolve.resolve

    def load(*a, **kw):
        counts["load"] += 1
        return real_load(*a, **kw)

    def resolve(*a, **kw):
        counts["resolve"] += 1
        return real_resolve(*a, **kw)

    monkeypatch.setattr(compiler.loader, "load", load)
    monkeypatch.setattr(compiler.resolve, "resolve", resolve)
    return counts


@pytest.mark.parametrize("target", [None, "onap"])
def test_the_5g_slice_in_every_format_costs_one_front_end_pass(passes, target):
    result = api.bundle(api.BundleRequest(path=SLICE, formats=FORMATS,
                                          settings=api.settings(target=target)))
    assert result.ok, result.problem
    assert {f.path.split("/", 1)[0] for f in result.files} >= {"helm", "kustomize"}
    assert passes == {"load": 1, "resolve": 1}


def test_several_flavours_cost_one_pass_each(passes):
    result = api.bundle(api.BundleRequest(path=TWO, formats=FORMATS))
    assert result.ok, result.problem
    flavours = result.unit.topology.flavours
    assert len(flavours) == 2
    assert any(f.path.startswith(f"kustomize/overlays/{flavours[1]}/") for f in result.files)
    assert passes == {"load": 1, "resolve": 2}  # one load; resolve picks each flavour


def _by_recompiling(unit: compiler.Compilation) -> wiring.InputWiring:
    """The wiring as found before the records: the whole compiler again per probe."""
    from compiler.model import RuntimeRef

    found = wiring.InputWiring()
    base = {(o.path, i): o.body for i, o in enumerate(wiring._objects(unit))}
    for name, param in sorted(unit.topology.inputs.items()):
        value = param.value
        if value is None or isinstance(value, RuntimeRef):
            continue
        probes = wiring.probe_values(value, param)
        if not probes:
            found.fixed[name] = "not probed"
            continue
        for probe in probes:
            other = compiler.compile(unit.path, replace(
                unit.options, inputs={**dict(unit.options.inputs or {}), name: probe}))
            if other.ok:
                break
        else:
            found.fixed[name] = "no probe"
            continue
        changed = {(o.path, i): o.body for i, o in enumerate(wiring._objects(other))}
        if changed.keys() != base.keys():
            found.fixed[name] = "objects"
            continue
        leaves = {}
        for key, body in base.items():
            for path, old, new in wiring._diff(body, changed[key]):
                if path and type(new) is type(probe) and new == probe and old == value:
                    leaves[(key[0], (key[1],) + path)] = (name, False)
                elif path and isinstance(new, str) and new == wiring._as_text(probe) \
                        and old == wiring._as_text(value):
                    leaves[(key[0], (key[1],) + path)] = (name, True)
                elif path:
                    found.fixed[name] = "expression"
        if name not in found.fixed:
            found.leaves.update(leaves)
    return found


@pytest.mark.parametrize("sample", SAMPLES + [str(FIXTURES / "braces.yaml"),
                                              str(FIXTURES / "typed-inputs.yaml"),
                                              str(FIXTURES / "image-input.yaml"), TWO])
def test_the_records_find_what_recompiling_finds(sample):
    unit = compiled(sample)
    got = wiring.input_wiring(unit)
    want = _by_recompiling(unit)
    assert got.leaves == want.leaves
    assert sorted(got.fixed) == sorted(want.fixed)


def test_an_input_inside_an_expression_is_fixed_without_a_probe(passes):
    unit = compiled(FIXTURES / "braces.yaml")
    use = unit.topology.input_uses["region"]
    assert not use.direct_only  # concat: [zone-, region]
    before = dict(passes)
    got = wiring.input_wiring(unit)
    assert "region" in got.fixed and passes == before
