"""compiler.resolve.inputs: declared, given (--inputs/--set), typed, constraint-checked."""

from __future__ import annotations

from compiler.diagnostics import Severity
from compiler.model import RuntimeRef
from tests.unit.tosca_helpers import errors, run

T = """tosca_definitions_version: tosca_simple_yaml_1_3
topology_template:
  inputs:
    replicas:
      type: integer
      default: 1
      constraints: [ { in_range: [ 1, 5 ] } ]
    name:
      type: string
    mem:
      type: scalar-unit.size
      default: 1 GB
  node_templates:
    s:
      type: tosca.nodes.Compute
      capabilities:
        host:
          properties:
            num_cpus: { get_input: replicas }
            mem_size: { get_input: mem }
"""


def test_defaults_and_set_strings_are_typed():
    topo, d = run(T, inputs={"replicas": "3", "name": "web"})
    assert errors(d) == []
    assert topo.inputs["replicas"].value == 3
    assert topo.inputs["name"].value == "web"
    assert topo.nodes["s"].capabilities["host"].properties["num_cpus"] == 3


def test_constraint_and_type_errors_of_given_values():
    _, d = run(T, inputs={"replicas": "9", "name": "web"})
    assert [c for *_, c in errors(d)] == ["tosca-constraint"]
    _, d = run(T, inputs={"replicas": "many", "name": "web"})
    assert [c for *_, c in errors(d)] == ["tosca-wrong-type"]


def test_missing_input_is_a_warning_and_a_runtime_value():
    topo, d = run(T)
    assert errors(d) == []
    (w,) = [x for x in d if x.code == "tosca-missing-input"]
    assert w.severity == Severity.WARNING and (w.span.line, w.span.column) == (8, 5)
    assert topo.inputs["name"].value == RuntimeRef(function="get_input", args=("name",))


def test_unknown_given_input_is_an_error_with_hint():
    _, d = run(T, inputs={"replica": "2", "name": "x"})
    (e,) = [x for x in d if x.severity == Severity.ERROR]
    assert e.code == "tosca-unknown-input" and "replicas" in e.hint
