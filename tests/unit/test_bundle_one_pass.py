"""A bundle costs one front-end pass (issue 25, item 2; issue 26, item 4): the bundlers
get a BundleInput built once by the API, the other flavours are resolved once each from
the package loaded once, and the Helm values' wiring comes from resolve's records (which
node properties hold each input's value), checked by running the middle and back end
again, once for all inputs, never the loader or the resolver (a network service's VNFDs
aside: the rerun composes them again).  The wiring is held equal to what compiling the
descriptor again with each input changed finds (the way it was found before)."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

import compiler
import compiler.loader
import compiler.resolve
from compiler import api
from compiler.api import wiring
from compiler.pipeline import Options
from tests.unit.bundle_support import FIXTURES, SAMPLES, compiled

SLICE = "samples/5g-core-slice/slice.yaml"
NS = "samples/5g-core-slice-ns/nsd.yaml"
NS_INPUTS = "tests/fixtures/ns/inputs/nsd.yaml"  # an NSD input sets a VNFD's input
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


@pytest.mark.parametrize("target", [None, "onap"])
def test_the_ns_sample_in_every_format_costs_one_front_end_pass(passes, target):
    """A network service: the loads and resolves of one compile (the NSD, then each
    VNFD it composes), and no more for the bundle."""
    api.compile(api.CompileRequest(path=NS))
    one = dict(passes)
    assert one["load"] == 1 and one["resolve"] > 1  # the NSD and its VNFDs
    passes.update(load=0, resolve=0)
    result = api.bundle(api.BundleRequest(path=NS, formats=FORMATS,
                                          settings=api.settings(target=target)))
    assert result.ok, result.problem
    assert {f.path.split("/", 1)[0] for f in result.files} >= {"helm", "kustomize"}
    assert passes == one


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


def test_a_network_service_is_probed_without_a_front_end(passes):
    """The NSD's input reaches a VNFD input (substitution property mapping) and from it a
    CPU request in another form: the rerun of the middle end composes the VNFs again
    from the NSD as resolve made it (no load, no resolve of the NSD), resolving again
    only the VNFD whose input the probe changed (the other two VNF nodes' are kept from
    the compile), and finds what recompiling finds."""
    unit = compiled(NS_INPUTS)
    assert unit.resolved is not None and unit.resolved is not unit.topology
    before = dict(passes)
    got, reruns = wiring.probe_inputs(unit)
    assert reruns == 1
    assert passes == {"load": before["load"], "resolve": before["resolve"] + 1}
    assert "front_cpu" in got.fixed and "resources.limits.cpu" in got.fixed["front_cpu"]
    want = _by_recompiling(unit)
    assert got.leaves == want.leaves and sorted(got.fixed) == sorted(want.fixed)


def _many(tmp_path, n: int, *, root: bool = False, levels: bool = False) -> str:
    """A topology of ``n`` CNFs, each with an image and a port input of its own, all
    holding the same value (and a run_as_root input, which the Kubernetes back end writes
    negated: runAsNonRoot; and a log level out of three valid values, all ``info``)."""
    inputs, nodes = [], []
    for k in range(n):
        inputs += [f"    image{k}: {{ type: string, default: registry.example.net/web:1.0.0 }}",
                   f"    port{k}: {{ type: integer, default: 8080, "
                   f"constraints: [ {{ in_range: [ 1024, 65535 ] }} ] }}"]
        nodes += [f"    web{k}:", "      type: xfactor.nodes.CNF", "      properties:",
                  f"        image: {{ get_input: image{k} }}",
                  f"        ports: [ {{ name: http, port: {{ get_input: port{k} }}, protocol: TCP }} ]"]
        if root:
            inputs.append(f"    root{k}: {{ type: boolean, default: false }}")
            nodes.append(f"        run_as_root: {{ get_input: root{k} }}")
        if levels:
            inputs.append(f"    level{k}: {{ type: string, default: info, "
                          f"constraints: [ {{ valid_values: [ info, debug, warn ] }} ] }}")
            nodes.append(f"        env: {{ LEVEL: {{ get_input: level{k} }} }}")
    path = tmp_path / f"many-{n}-{root}-{levels}.yaml"
    path.write_text("\n".join([
        "tosca_definitions_version: tosca_simple_yaml_1_3",
        "metadata: { template_name: many }", "imports: [ xfactor/1.0/profile.yaml ]",
        "topology_template:", "  inputs:", *inputs, "  node_templates:", *nodes, ""]))
    return str(path)


@pytest.mark.parametrize("n", [2, 12])
def test_the_helm_probe_reruns_once_whatever_the_number_of_inputs(tmp_path, passes, n):
    unit = compiled(_many(tmp_path, n))
    before = dict(passes)
    got, reruns = wiring.probe_inputs(unit)
    assert reruns == 1 and passes == before  # no load, no resolve: one middle+back rerun
    assert not got.fixed
    assert {name for name, _ in got.leaves.values()} == \
        {f"{kind}{k}" for kind in ("image", "port") for k in range(n)}
    if n == 2:  # the whole compiler again per input finds the same
        want = _by_recompiling(unit)
        assert got.leaves == want.leaves and not want.fixed


@pytest.mark.parametrize("n, reruns", [(4, 2), (24, 6)])
def test_inputs_making_one_change_are_told_apart_by_their_reruns(tmp_path, n, reruns):
    """Levels have two other values: n level inputs all ``info`` make two changes,
    n/2 inputs each; every input of a change gets its own set of reruns, so the cost
    grows with the logarithm of n/2 (4 -> 2, 24 -> 6), not with n."""
    unit = compiled(_many(tmp_path, n, levels=True))
    got, count = wiring.probe_inputs(unit)
    assert count == reruns and not got.fixed
    by_input: dict[str, list] = {}
    for (file, path), (name, as_text) in got.leaves.items():
        by_input.setdefault(name, []).append((file, path[1:], as_text))
    for k in range(n):  # each level reaches its own workload's environment, nobody else's,
        # and its own key of the inputs' ConfigMap
        where = {(file, path) for file, path, _ in by_input[f"level{k}"]}
        assert ("kubernetes/configmap-many-inputs.yaml", ("data", f"level{k}")) in where
        assert {file for file, _ in where} == {"kubernetes/configmap-many-inputs.yaml",
                                               f"kubernetes/deployment-web{k}.yaml"}
    if n == 4:
        want = _by_recompiling(unit)
        assert got.leaves == want.leaves and not want.fixed


def test_the_sets_of_reruns_are_distinct_and_of_one_size():
    for most in (1, 2, 3, 7, 20, 100):
        codes = wiring._codes(most)
        assert len(set(codes)) == most and len({len(c) for c in codes}) == 1
        assert all(c for c in codes)  # every input is probed at least once


def test_an_input_reaching_the_output_transformed_is_found_by_splitting(tmp_path):
    """run_as_root=false is written runAsNonRoot: true: the shared rerun cannot say
    whose change that is, so the inputs are split until each such input is probed alone;
    the others keep their leaves, as recompiling per input finds."""
    unit = compiled(_many(tmp_path, 2, root=True))
    got, reruns = wiring.probe_inputs(unit)
    want = _by_recompiling(unit)
    assert sorted(got.fixed) == sorted(want.fixed) == ["root0", "root1"]
    assert "runAsNonRoot" in got.fixed["root0"]
    assert got.leaves == want.leaves
    assert {name for name, _ in got.leaves.values()} == {"image0", "image1", "port0", "port1"}
    assert reruns < 2 * len(unit.topology.inputs)


def test_an_input_inside_an_expression_is_fixed_without_a_probe(passes):
    unit = compiled(FIXTURES / "braces.yaml")
    use = unit.topology.input_uses["region"]
    assert not use.direct_only  # concat: [zone-, region]
    before = dict(passes)
    got = wiring.input_wiring(unit)
    assert "region" in got.fixed and passes == before


#: the bundler modules that read a finished package as its consumer would (issue 25)
GATES = {"gates.py", "tacker_gate.py", "_tacker_child.py"}


def test_no_bundler_parses_what_xfc_wrote():
    """Bundlers get the emitted objects as data (BundleInput) and build every file from
    data: none imports a YAML parser or reads JSON text back (``json.loads`` only of a
    ``json.dumps`` of its own data, a private copy), the gates aside."""
    folder = Path(compiler.__file__).parent / "bundlers"
    checked = []
    for path in sorted(folder.glob("*.py")):
        if path.name in GATES:
            continue
        checked.append(path.name)
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n == "yaml" or n.startswith("yaml.") for n in names), path.name
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("loads", "load", "safe_load"):
                arg = node.args[0] if node.args else None
                copy = isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) \
                    and arg.func.attr == "dumps"
                assert copy, f"{path.name}:{node.lineno} parses text"
    assert {"helm.py", "kustomize.py", "ns_layout.py", "csar.py"} <= set(checked)
