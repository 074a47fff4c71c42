"""A TOSCA 2.0 node template's ``count`` (§6.9.3, §14.1; compiler/loader/tosca2/count.py,
docs/tosca-2.md "Node template count"): a workload's count multiplies its replicas, one
rule per test; every count xfc cannot map is a positioned error naming the clause."""

from __future__ import annotations

from pathlib import Path

import yaml

import compiler
from compiler.pipeline import Options
from tests.unit.tosca2_support import HEAD, check, found, message

K8S = HEAD + "imports:\n  - profile: io.xfactor.kubernetes:1.0\n"


def _app(count: str, replicas: str = "", kind: str = "Microservice") -> str:
    return K8S + f"""service_template:
  inputs:
    n: {{ type: integer, default: 3 }}
    open: {{ type: integer, required: false }}
  node_templates:
    web:
      type: {kind}
      count: {count}
      properties:
        image: "nginx:1.25"
        ports: [ {{ name: http, port: 8080, protocol: TCP }} ]
{replicas}"""


def _objects(tmp_path: Path, text: str, **opts):
    p = tmp_path / "app.yaml"
    p.write_text(text)
    unit = compiler.compile(str(p), Options(targets=("kubernetes",), **opts))
    assert unit.ok, unit.diagnostics.render_text()
    return {f.path: yaml.safe_load(f.content) for f in unit.outputs
            if f.path.startswith("kubernetes/")}


def test_count_multiplies_a_workload_s_replicas(tmp_path):
    unit = check(tmp_path, _app("3", "        replicas: { min: 2, max: 4 }\n"))
    assert found(unit) == [], unit.diagnostics.render_text()
    assert dict(unit.topology.nodes["web"].properties["replicas"]) == {"min": 6, "max": 12}
    objs = _objects(tmp_path, _app("3", "        replicas: { min: 2, max: 4 }\n"))
    assert objs["kubernetes/deployment-web.yaml"]["spec"]["replicas"] == 6
    hpa = objs["kubernetes/horizontalpodautoscaler-web.yaml"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (6, 12)


def test_count_without_replicas_is_that_many_instances(tmp_path):
    unit = check(tmp_path, _app("4"))
    assert found(unit) == []
    assert dict(unit.topology.nodes["web"].properties["replicas"]) == {"min": 4, "max": 4}


def test_count_from_an_input_takes_the_input_s_value(tmp_path):
    unit = check(tmp_path, _app("{ $get_input: n }"))
    assert dict(unit.topology.nodes["web"].properties["replicas"]) == {"min": 3, "max": 3}
    given = check(tmp_path, _app("{ $get_input: n }"), inputs={"n": 5})
    assert dict(given.topology.nodes["web"].properties["replicas"]) == {"min": 5, "max": 5}


def test_count_one_leaves_the_node_as_written(tmp_path):
    unit = check(tmp_path, _app("1", "        replicas: { min: 2, max: 4 }\n"))
    assert found(unit) == []
    assert dict(unit.topology.nodes["web"].properties["replicas"]) == {"min": 2, "max": 4}


def test_count_on_a_node_that_is_one_object_is_an_error(tmp_path):
    # a backing service becomes one StatefulSet and Service; n of them would need names
    # and relationship fan-outs (§14.3) the file does not choose
    unit = check(tmp_path, _app("2", kind="Datastore"))
    assert found(unit) == [("tosca2-unsupported", 11, 14)]
    assert "§6.9.3, §14.1" in message(unit, "tosca2-unsupported")
    assert "Datastore" in message(unit, "tosca2-unsupported")


def test_count_zero_is_an_error(tmp_path):
    unit = check(tmp_path, _app("0"))
    assert found(unit) == [("tosca2-unsupported", 11, 14)]
    assert "count 0" in message(unit, "tosca2-unsupported")


def test_a_count_that_is_no_count_is_a_wrong_type(tmp_path):
    for bad in ("-2", "two", "true", "1.5"):
        unit = check(tmp_path, _app(bad))
        assert found(unit) == [("tosca-wrong-type", 11, 14)], bad


def test_a_count_unknown_when_compiling_is_an_error(tmp_path):
    unit = check(tmp_path, _app("{ $get_input: open }"))
    assert found(unit) == [("tosca2-unsupported", 11, 14)]
    assert "no value when xfc compiles" in message(unit, "tosca2-unsupported")


def test_a_count_key_in_a_tosca_1_3_file_is_still_unknown(tmp_path):
    p = tmp_path / "old.yaml"
    p.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template:\n"
                 "  node_templates:\n    a: { type: tosca.nodes.Compute, count: 2 }\n")
    unit = compiler.analyse(str(p))
    assert [(d.code, d.span.line) for d in unit.diagnostics
            if d.severity.name == "ERROR"] == [("tosca-unknown-field", 4)]


def test_a_refused_count_on_a_target_fails_with_its_error_not_a_crash(tmp_path):
    text = _app("2", kind="Datastore").replace("    web:\n", "    api:\n      type: Microservice\n"
                                               "      properties: { image: 'api:1' }\n"
                                               "      requirements: [ { uses: web } ]\n"
                                               "    web:\n")
    p = tmp_path / "app.yaml"
    p.write_text(text)
    unit = compiler.compile(str(p), Options(targets=("kubernetes",)))
    assert not unit.ok
    assert [d.code for d in unit.diagnostics if d.severity.name == "ERROR"] == \
        ["tosca2-unsupported"]
