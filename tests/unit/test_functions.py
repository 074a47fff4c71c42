"""compiler.resolve.functions: intrinsic functions evaluated anywhere in a value."""

from __future__ import annotations

from compiler.model import RuntimeRef
from tests.unit.tosca_helpers import errors, run

HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"
TYPES = """
data_types:
  my.Pair:
    derived_from: tosca.datatypes.Root
    properties:
      left: { type: string }
      right: { type: string, default: R }
node_types:
  my.Node:
    derived_from: tosca.nodes.Root
    properties:
      a: { type: string, required: false }
      b: { type: string, required: false }
      items: { type: list, entry_schema: { type: string }, required: false }
      pair: { type: my.Pair, required: false }
      n: { type: integer, required: false }
    attributes:
      ip: { type: string }
    requirements:
      - host:
          capability: tosca.capabilities.Container
          relationship: tosca.relationships.HostedOn
          occurrences: [0, 1]
  my.Host:
    derived_from: tosca.nodes.Compute
    properties:
      zone: { type: string, default: z1 }
"""


def test_functions_inside_lists_maps_and_data_types():
    topo, d = run(HEAD + TYPES + """
topology_template:
  inputs:
    conf: { type: map, default: { ports: [ 80, 443 ], name: web } }
  node_templates:
    h: { type: my.Host }
    x:
      type: my.Node
      properties:
        a: { get_input: [ conf, name ] }
        n: { get_input: [ conf, ports, 1 ] }
        items: [ { concat: [ a, "-", { get_property: [ SELF, a ] } ] }, { get_property: [ HOST, zone ] } ]
        pair: { left: { join: [ [ p, q ], "," ] } }
        b: { token: [ "a.b.c", ".", 2 ] }
      requirements:
        - host: h
""")
    assert errors(d) == []
    p = topo.nodes["x"].properties
    assert p["a"] == "web" and p["n"] == 443
    assert p["items"] == ["a-web", "z1"]
    assert p["pair"] == {"left": "p,q", "right": "R"}  # data-type default after evaluation
    assert p["b"] == "c"


def test_get_attribute_is_a_runtime_ref_and_concat_over_it_too():
    topo, d = run(HEAD + TYPES + """
topology_template:
  node_templates:
    x:
      type: my.Node
      properties:
        a: { get_attribute: [ SELF, ip ] }
        b: { concat: [ "http://", { get_attribute: [ SELF, ip ] }, ":80" ] }
""")
    assert errors(d) == []
    a = topo.nodes["x"].properties["a"]
    assert a == RuntimeRef(function="get_attribute", args=("SELF", "ip"), node="x")
    b = topo.nodes["x"].properties["b"]
    assert isinstance(b, RuntimeRef) and b.function == "concat"


def test_positioned_errors_unknown_input_arity_and_attribute():
    _, d = run(HEAD + TYPES + """
topology_template:
  node_templates:
    x:
      type: my.Node
      properties:
        a: { get_input: nope }
        b: { token: [ "a.b" ] }
        items: [ { get_attribute: [ SELF, nope ] } ]
        n: { get_property: [ ghost, n ] }
""")
    assert errors(d) == [
        (35, 25, "tosca-unknown-input"),
        (36, 14, "tosca-function"),
        (37, 43, "tosca-function"),
        (38, 30, "tosca-unknown-template"),
    ]


def test_cycle_is_reported():
    _, d = run(HEAD + TYPES + """
topology_template:
  node_templates:
    x:
      type: my.Node
      properties:
        a: { get_property: [ y, a ] }
    y:
      type: my.Node
      properties:
        a: { get_property: [ x, a ] }
""")
    assert "tosca-function-cycle" in [c for _, _, c in errors(d)]


def test_nested_get_input_needs_1_3():
    _, d = run("tosca_definitions_version: tosca_simple_yaml_1_0\n" + TYPES + """
topology_template:
  inputs:
    conf: { type: map, default: { name: web } }
  node_templates:
    x:
      type: my.Node
      properties:
        a: { get_input: [ conf, name ] }
""")
    assert [c for _, _, c in errors(d)] == ["tosca-function"]


def test_requirement_and_capability_paths_and_target_in_relationships():
    topo, d = run(HEAD + TYPES + """
relationship_types:
  my.Link:
    derived_from: tosca.relationships.HostedOn
    properties:
      where: { type: string, required: false }
topology_template:
  node_templates:
    h:
      type: my.Host
      capabilities:
        host:
          properties: { num_cpus: 4 }
    x:
      type: my.Node
      properties:
        n: { get_property: [ SELF, host, num_cpus ] }
        a: { get_property: [ h, zone ] }
      requirements:
        - host:
            node: h
            relationship:
              type: my.Link
              properties:
                where: { concat: [ { get_property: [ TARGET, zone ] }, "/", { get_property: [ SOURCE, a ] } ] }
""")
    assert errors(d) == []
    x = topo.nodes["x"]
    assert x.properties["n"] == 4  # through the requirement 'host' to h's capability 'host'
    assert x.requirements[0].properties == {"where": "z1/z1"}
