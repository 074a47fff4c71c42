"""Relationships as function entities (issue 21 item 1): get_property / get_attribute
naming a relationship template, SELF inside a relationship, SOURCE/TARGET in a
relationship's properties and in its type's interface inputs, and the
[SOURCE|TARGET, capability, property] forms (TOSCA 1.3 §4.1, §4.4.2, §4.5.1)."""

from __future__ import annotations

from compiler.diagnostics import Severity
from compiler.model import RuntimeRef
from tests.unit.tosca_helpers import errors, run

BASE = """\
tosca_definitions_version: tosca_simple_yaml_1_3
relationship_types:
  shop.Uses:
    derived_from: tosca.relationships.ConnectsTo
    properties:
      port: { type: integer, default: 6379 }
      scheme: { type: string, default: redis }
      url: { type: string, required: false }
      owner: { type: string, required: false }
      note: { type: string, required: false }
    attributes:
      opened_at: { type: string }
    interfaces:
      Configure:
        type: tosca.interfaces.relationship.Configure
        inputs:
          cache_state: { get_attribute: [ TARGET, state ] }
          client: { get_property: [ SOURCE, component_version ] }
        operations:
          post_configure_source:
            inputs:
              listen: { get_property: [ TARGET, cache_endpoint, protocol ] }
node_types:
  shop.Front:
    derived_from: tosca.nodes.SoftwareComponent
    properties:
      cache_port: { type: integer, required: false }
      cache_stamp: { type: string, required: false }
    requirements:
      - cache:
          capability: tosca.capabilities.Endpoint
          relationship: shop.Uses
          occurrences: [0, 1]
  shop.Cache:
    derived_from: tosca.nodes.SoftwareComponent
    capabilities:
      cache_endpoint: { type: tosca.capabilities.Endpoint }
"""

NODES = """\
  node_templates:
    vm: { type: tosca.nodes.Compute }
    cache:
      type: shop.Cache
      properties: { component_version: "7.2" }
      capabilities:
        cache_endpoint: { properties: { port: 6380 } }
      requirements: [ { host: vm } ]
    front:
      type: shop.Front
      properties:
        component_version: "2.0"
        cache_port: { get_property: [ front_to_cache, port ] }
        cache_stamp: { get_attribute: [ front_to_cache, opened_at ] }
      requirements:
        - host: vm
        - cache: { node: cache, relationship: front_to_cache }
"""


def _topology(rel_template: str, nodes: str = NODES):
    return run(BASE + "topology_template:\n  relationship_templates:\n" + rel_template + nodes)


def _req(topo, node="front", name="cache"):
    return next(r for r in topo.nodes[node].requirements if r.name == name)


def test_get_property_names_a_relationship_template():
    topo, d = _topology("    front_to_cache: { type: shop.Uses, properties: { port: 6380 } }\n")
    assert errors(d) == []
    assert topo.nodes["front"].properties["cache_port"] == 6380


def test_get_attribute_names_a_relationship_template():
    topo, d = _topology("    front_to_cache: { type: shop.Uses }\n")
    assert errors(d) == []
    stamp = topo.nodes["front"].properties["cache_stamp"]
    assert isinstance(stamp, RuntimeRef)
    assert stamp.args == ("front_to_cache", "opened_at")


def test_get_attribute_on_a_relationship_template_checks_the_attribute():
    topo, d = run(BASE + """\
topology_template:
  relationship_templates:
    r: { type: shop.Uses }
  node_templates:
    front:
      type: shop.Front
      properties: { cache_stamp: { get_attribute: [ r, closed_at ] } }
""")
    msgs = [x.message for x in d if x.severity >= Severity.ERROR]
    assert msgs == ["relationship template 'r' has no attribute 'closed_at'"]


def test_self_in_a_relationship_template_is_the_relationship():
    topo, d = _topology("""\
    front_to_cache:
      type: shop.Uses
      properties:
        port: 6380
        url: { concat: [ { get_property: [ SELF, scheme ] }, "://cache:",
                         { get_property: [ SELF, port ] } ] }
""")
    assert errors(d) == []
    assert topo.relationships["front_to_cache"]["properties"]["url"] == "redis://cache:6380"
    assert _req(topo).properties["url"] == "redis://cache:6380"


def test_source_and_target_in_a_relationship_template():
    topo, d = _topology("""\
    front_to_cache:
      type: shop.Uses
      properties:
        owner: { get_property: [ SOURCE, component_version ] }
        note: { get_property: [ TARGET, component_version ] }
""")
    assert errors(d) == []
    props = topo.relationships["front_to_cache"]["properties"]
    assert (props["owner"], props["note"]) == ("2.0", "7.2")
    assert (_req(topo).properties["owner"], _req(topo).properties["note"]) == ("2.0", "7.2")


def test_target_capability_property_form():
    # [ TARGET, <capability>, <property> ] (TOSCA 1.3 §4.4.2.2)
    topo, d = _topology("""\
    front_to_cache:
      type: shop.Uses
      properties:
        port: { get_property: [ TARGET, cache_endpoint, port ] }
        url: { get_property: [ TARGET, cache_endpoint, protocol ] }
""")
    assert errors(d) == []
    assert _req(topo).properties["port"] == 6380
    assert _req(topo).properties["url"] == "tcp"
    assert topo.nodes["front"].properties["cache_port"] == 6380


def test_source_requirement_property_form():
    # [ SOURCE, <requirement>, <property> ]: the node the source's requirement targets
    topo, d = _topology("""\
    front_to_cache:
      type: shop.Uses
      properties:
        note: { get_property: [ SOURCE, cache, component_version ] }
""")
    assert errors(d) == []
    assert _req(topo).properties["note"] == "7.2"


def test_self_and_target_in_an_inline_relationship_assignment():
    topo, d = run(BASE + """\
topology_template:
  node_templates:
    cache: { type: shop.Cache, properties: { component_version: "7.2" } }
    front:
      type: shop.Front
      properties: { component_version: "2.0" }
      requirements:
        - cache:
            node: cache
            relationship:
              type: shop.Uses
              properties:
                owner: { get_property: [ TARGET, component_version ] }
                url: { concat: [ { get_property: [ SELF, scheme ] }, "://x" ] }
""")
    assert errors(d) == []
    assert dict(_req(topo).properties) == {"port": 6379, "scheme": "redis", "url": "redis://x",
                                           "owner": "7.2"}


def test_type_interface_inputs_use_source_and_target():
    topo, d = _topology("    front_to_cache: { type: shop.Uses }\n")
    assert errors(d) == []
    conf = _req(topo).interfaces["Configure"]
    assert conf["inputs"]["client"] == "2.0"
    ip = conf["inputs"]["cache_state"]
    assert isinstance(ip, RuntimeRef) and ip.node == "cache"
    assert conf["operations"]["post_configure_source"]["inputs"]["listen"] == "tcp"
    tpl = topo.relationships["front_to_cache"]["interfaces"]["Configure"]
    assert tpl["inputs"]["client"] == "2.0"


def test_relationship_self_reference_loop_is_a_cycle():
    topo, d = _topology("""\
    front_to_cache:
      type: shop.Uses
      properties:
        url: { get_property: [ SELF, owner ] }
        owner: { get_property: [ SELF, url ] }
""")
    assert "tosca-function-cycle" in {c for _, _, c in errors(d)}


def test_unknown_relationship_property_names_the_relationship():
    topo, d = _topology("""\
    front_to_cache:
      type: shop.Uses
      properties:
        url: { get_property: [ SELF, prot ] }
""")
    errs = [x for x in d if x.severity >= Severity.ERROR]
    assert [x.message for x in errs] == ["relationship template 'front_to_cache' has no "
                                         "property 'prot'"]
    assert "port" in errs[0].hint


def test_unused_template_with_source_is_a_warning_not_an_error():
    topo, d = run(BASE + """\
topology_template:
  relationship_templates:
    spare:
      type: shop.Uses
      properties: { owner: { get_property: [ SOURCE, component_version ] } }
  node_templates:
    cache: { type: shop.Cache }
""")
    assert errors(d) == []
    warns = [x.message for x in d if x.severity == Severity.WARNING]
    assert any("used by no requirement" in m and "SOURCE" in m for m in warns)
    assert "owner" not in topo.relationships["spare"]["properties"]


def test_source_outside_a_relationship_is_still_refused():
    topo, d = run(BASE + """\
topology_template:
  node_templates:
    cache: { type: shop.Cache, properties: { component_version: { get_property: [ SOURCE, x ] } } }
""")
    assert [c for _, _, c in errors(d)] == ["tosca-function"]
