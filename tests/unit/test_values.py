"""compiler.resolve.values: values checked against TOSCA types, at exact positions."""

from __future__ import annotations

import pytest

from compiler.diagnostics import Diagnostics, Span
from compiler.loader.yamlpos import load_yaml
from compiler.loader.package import Package, SourceFile
from compiler.model import RuntimeRef
from compiler.resolve.types import TypeRegistry
from compiler.resolve.values import validate_type, validate_value

TYPES = """tosca_definitions_version: tosca_simple_yaml_1_3
data_types:
  my.Port:
    derived_from: tosca.datatypes.Root
    properties:
      name: {type: string}
      number: {type: integer, constraints: [{in_range: [1, 65535]}]}
      protocol: {type: string, default: tcp, constraints: [{valid_values: [tcp, udp]}]}
      enabled: {type: boolean, default: false}
      tags: {type: list, required: false, entry_schema: {type: string, constraints: [{max_length: 3}]}}
  my.Small:
    derived_from: integer
    constraints: [{less_than: 10}]
  my.Ports:
    derived_from: tosca.datatypes.Root
    properties:
      ports: {type: map, entry_schema: my.Port, key_schema: {type: string, constraints: [{pattern: '[a-z]+'}]}}
node_types:
  my.N:
    derived_from: tosca.nodes.Root
    properties:
      mem: {type: scalar-unit.size, constraints: [{greater_or_equal: 1 GiB}]}
      small: {type: my.Small}
      ports: {type: my.Ports}
      when: {type: timestamp}
      v: {type: version}
      r: {type: range}
      ratio: {type: float}
"""

REG_DIAGS = Diagnostics()
_pkg = Package(root="t.yaml", entry="t.yaml", files=(SourceFile(
    name="t.yaml", display="t.yaml", data=load_yaml(TYPES, "t.yaml", REG_DIAGS)),))
REG = TypeRegistry.build(_pkg, REG_DIAGS, "tosca_simple_yaml_1_3")


def check(prop: str, text: str):
    """Validate the YAML value in ``text`` (written as 'v: <value>') against my.N.<prop>."""
    d = Diagnostics()
    doc = load_yaml(text, "v.yaml", d)
    pdef = REG.properties("node", "my.N")[prop]
    out = validate_value(doc["v"], pdef, REG, doc.value_span("v"), f"v.{prop}", d)
    return out, [(x.span.line, x.span.column, x.code) for x in d], d


def test_registry_is_clean() -> None:
    assert not REG_DIAGS.has_errors, REG_DIAGS.render_text()


def test_data_type_defaults_filled_and_false_kept() -> None:
    out, where, _ = check("ports", "v:\n  ports:\n    web: {name: http, number: 80}\n")
    assert where == []
    assert out["ports"]["web"] == {"name": "http", "number": 80, "protocol": "tcp", "enabled": False}


def test_nested_errors_are_positioned() -> None:
    text = (
        "v:\n"
        "  ports:\n"
        "    web: {name: 8080, number: 0, protocl: udp}\n"
        "    Bad: {name: x, number: 1, tags: [abcd]}\n"
        "    db: {number: 5432}\n"
    )
    _, where, d = check("ports", text)
    assert where == [
        (3, 17, "tosca-wrong-type"),  # name 8080 is an integer
        (3, 31, "tosca-constraint"),  # number 0 out of [1, 65535]
        (3, 34, "tosca-unknown-property"),  # protocl
        (4, 5, "tosca-constraint"),  # key Bad fails the key_schema pattern
        (4, 38, "tosca-constraint"),  # tag longer than 3
        (5, 9, "tosca-missing-property"),  # db has no name
    ]
    hint = next(x for x in d if x.code == "tosca-unknown-property").hint
    assert hint == "did you mean 'protocol'?"


@pytest.mark.parametrize(
    "prop, value, code",
    [
        ("mem", "512 MiB", "tosca-constraint"),
        ("mem", "2 GiB", None),
        ("mem", "2", "tosca-wrong-type"),
        ("small", "12", "tosca-constraint"),
        ("small", "true", "tosca-wrong-type"),  # a bool is not an integer
        ("small", "'7'", None),  # tosca-parser reads "7" as 7
        ("when", "2024-02-30", "tosca-wrong-type"),
        ("when", "2024-02-28T10:00:00Z", None),
        ("v", "1.2.3.beta-1", None),
        ("v", "1.x", "tosca-wrong-type"),
        ("r", "[1, UNBOUNDED]", None),
        ("r", "[5, 1]", "tosca-wrong-type"),
        ("ratio", "3", None),  # an integer is a float
        ("ratio", "'3.5'", "tosca-wrong-type"),
    ],
)
def test_primitives(prop: str, value: str, code: str | None) -> None:
    _, where, _ = check(prop, f"v: {value}\n")
    assert [c for _, _, c in where] == ([code] if code else [])
    if code:
        assert where[0][:2] == (1, 4)


def test_functions_and_runtime_refs_pass_untouched() -> None:
    fn, where, _ = check("mem", "v: {get_input: mem}\n")
    assert where == [] and fn == {"get_input": "mem"}
    d = Diagnostics()
    ref = RuntimeRef(function="get_attribute", args=("SELF", "x"))
    pdef = REG.properties("node", "my.N")["small"]
    assert validate_value(ref, pdef, REG, Span("x"), "", d) is ref and not list(d)


def test_boolean_strings_and_unknown_types() -> None:
    d = Diagnostics()
    assert validate_type("True", "boolean", REG, Span("x", 1, 1), "", d) is True
    assert validate_type("yes", "boolean", REG, Span("x", 1, 1), "", d) == "yes"
    assert validate_type(3, "no.such.Type", REG, Span("x", 2, 1), "", d) == 3
    assert [(x.span.line, x.code) for x in d] == [(1, "tosca-wrong-type"), (2, "tosca-unknown-type")]


def test_normative_port_spec() -> None:
    d = Diagnostics()
    doc = load_yaml("v: {protocol: sctp, source: 0, target_range: [1, 70000]}\n", "p.yaml", d)
    out = validate_type(doc["v"], "PortSpec", REG, doc.value_span("v"), "", d)
    assert [(x.span.column, x.code) for x in d] == [
        (15, "tosca-constraint"), (29, "tosca-constraint"), (46, "tosca-constraint")]
    assert out["protocol"] == "sctp"
