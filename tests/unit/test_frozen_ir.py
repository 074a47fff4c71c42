"""The IR is deep-immutable: frozen mappings and sequences all the way down, with the
positions of nested values (compiler/model/frozen.py)."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from pathlib import Path

import pytest

import compiler
from compiler.diagnostics import Span
from compiler.model import NodeTemplate
from compiler.model.frozen import FrozenList, FrozenMap, freeze, thaw

REPO = Path(__file__).resolve().parents[2]
SLICE = REPO / "samples/5g-core-slice/slice.yaml"


@pytest.fixture(scope="module")
def unit():
    result = compiler.compile(str(SLICE))
    assert result.ok
    return result


def test_node_properties_refuse_every_mutation(unit):
    node = unit.topology.nodes["upf"]
    with pytest.raises(TypeError):
        node.properties["x"] = 1
    with pytest.raises(TypeError):
        del node.properties["ports"]
    with pytest.raises(TypeError):
        node.properties.update(x=1)
    with pytest.raises(TypeError):
        node.properties.setdefault("x", 1)
    with pytest.raises(TypeError):
        node.properties["resources"]["cpu"] = "8"  # nested mapping
    with pytest.raises(TypeError):
        node.properties["ports"].append({"port": 1})  # nested sequence
    with pytest.raises(TypeError):
        node.properties["ports"][0]["port"] = 1  # a mapping inside a sequence
    with pytest.raises(TypeError):
        node.property_spans["x"] = Span("f")


def test_every_ir_mapping_is_frozen(unit):
    topo, xmodel, plan = unit.topology, unit.xmodel, unit.plan
    for mapping in (topo.nodes, topo.inputs, topo.policies, topo.groups, topo.metadata,
                    xmodel.processes, xmodel.wirings, xmodel.chains, xmodel.backing,
                    plan.wirings, plan.chains, plan.nodes, plan.links):
        assert isinstance(mapping, FrozenMap)
        with pytest.raises(TypeError):
            mapping["x"] = None  # type: ignore[index]
    # the graph is data on the plan: frozen nodes, tuples of frozen edges
    assert plan.nodes and plan.links
    for gn in plan.nodes.values():
        with pytest.raises(dataclasses.FrozenInstanceError):
            gn.kind = "other"  # type: ignore[misc]
    assert all(type(es) is tuple for es in plan.links.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.edges = ()  # type: ignore[misc]
    for rw in plan.wirings.values():
        for step in rw.steps:
            # typed arguments (spec §3.1), frozen dataclasses: no attribute can be set
            assert dataclasses.is_dataclass(step.args) and step.args.__dataclass_params__.frozen
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(step.args, dataclasses.fields(step.args)[0].name, None)
            for value in step.args.as_dict().values():
                assert isinstance(value, (str, int, float, tuple)), value

    def walk(value, where):
        if isinstance(value, dict):
            assert isinstance(value, FrozenMap), where
            for k, v in value.items():
                walk(v, f"{where}.{k}")
        elif isinstance(value, list):
            assert isinstance(value, FrozenList), where
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    for node in topo.nodes.values():
        walk(node.properties, f"{node.name}.properties")
        for cap in node.capabilities.values():
            walk(cap.properties, f"{node.name}.capabilities.{cap.name}")
        for req in node.requirements:
            walk(req.properties, f"{node.name}.requirements.{req.name}")


def test_nested_property_values_keep_their_positions(unit):
    node = unit.topology.nodes["upf"]
    lines = SLICE.read_text().splitlines()
    resources = node.properties["resources"]
    span = resources.value_span("cpu")
    assert span.file.endswith("slice.yaml") and span.line > node.span.line
    assert str(resources["cpu"]) in lines[span.line - 1]
    ports = node.properties["ports"]
    assert ports.item_span(0).line >= ports.span.line > 0


def test_a_builder_cannot_change_a_node_after_construction():
    props = {"a": {"b": [1, 2]}}
    node = NodeTemplate(name="n", type="t", types=("t",), properties=props)
    props["a"]["b"].append(3)
    props["c"] = 1
    assert node.properties == {"a": {"b": [1, 2]}}


def test_copies_are_mutable_and_plain_and_pickles_keep_positions(unit):
    node = unit.topology.nodes["upf"]
    res = copy.deepcopy(node.properties["resources"])
    assert type(res) is dict
    res["cpu"] = "9"  # a back end edits its own copy
    assert node.properties["resources"]["cpu"] != "9"
    back = pickle.loads(pickle.dumps(node))
    assert back == node
    assert back.properties["resources"].value_span("cpu") == \
        node.properties["resources"].value_span("cpu")
    assert json.loads(json.dumps(node.properties)) == thaw(node.properties)
    assert hash(node) == hash(back)


def test_freeze_and_thaw():
    frozen = freeze({"a": [1, {"b": (2, [3])}]})
    assert frozen == {"a": [1, {"b": (2, [3])}]}
    assert isinstance(frozen["a"][1]["b"][1], FrozenList)
    assert thaw(frozen) == {"a": [1, {"b": (2, [3])}]} and type(thaw(frozen)["a"]) is list
    with pytest.raises(TypeError):
        frozen["a"] += [2]
    with pytest.raises(TypeError):
        frozen["a"].sort()


def test_policy_property_values_keep_their_positions(unit):
    lines = SLICE.read_text().splitlines()
    ladders = [(p, p.properties["on_failure"]) for p in unit.topology.policies.values()
               if isinstance(p.properties.get("on_failure"), list)]
    assert ladders
    for policy, ladder in ladders:
        for i, step in enumerate(ladder):
            span = ladder.item_span(i)
            assert span.line > policy.span.line
            assert str(step).split("(")[0] in lines[span.line - 1], (policy.name, i)
