"""TOSCA 2.0 at load: boolean functions in values (§10.2.2, compiler/loader/tosca2/conditions.py),
a requirement assignment's node_filter (§8.7.1, §8.8, selection.py), a <tosca_path> over
RELATIONSHIP (§10.2.1.2, §10.3, paths.py), and entity paths naming service_template
(§6.9), one test per rule."""

from __future__ import annotations

import pytest

from compiler.limits import Limits
from tests.unit.tosca2_support import HEAD, check, codes, found, message

K8S = "imports:\n  - profile: io.xfactor.kubernetes:1.0\n"
STORES = """service_template:
  node_templates:
    db:
      type: Datastore
      properties: { kind: database, locator: "postgres://db", expiry: false }
    cache:
      type: Datastore
      properties: { kind: cache, locator: "redis://cache", expiry: true }
"""


def _app(tmp_path, requirement: str, env: str = "", more: str = ""):
    return _app_with(tmp_path, requirement, f"        env:\n{env}" if env else "", more)


def _targets(unit, node: str = "app") -> list[str | None]:
    return [r.node for r in unit.topology.nodes[node].requirements]


# §10.2.2 boolean functions in a value: evaluated at load -------------------------------------
@pytest.mark.parametrize("expr,value", [
    ("{ $not: [ false ] }", True),
    ("{ $and: [ true, { $not: [ false ] } ] }", True),
    ("{ $or: [ false, false ] }", False),
    ("{ $xor: [ true, false ] }", True),
    ("{ $equal: [ 3, 3.0 ] }", True),
    ("{ $greater_than: [ { $sum: [ 1, 2 ] }, 2 ] }", True),
    ("{ $less_or_equal: [ abc, abd ] }", True),
    ("{ $valid_values: [ b, [ a, b ] ] }", True),
    ("{ $matches: [ ab12, '[a-z]+[0-9]+' ] }", True),
    ("{ $has_prefix: [ foobar, foo ] }", True),
    ("{ $has_suffix: [ [ 1, 2, 3 ], [ 2, 3 ] ] }", True),
    ("{ $contains: [ foobar, oba ] }", True),
    ("{ $has_key: [ { a: 1 }, b ] }", False),
    ("{ $has_entry: [ [ 1, 2 ], 2 ] }", True),
    ("{ $equal: [ { $length: [ abc ] }, 3 ] }", True),
    # the string functions have their value at load too (compiler/loader/tosca2/strings.py)
    ("{ $equal: [ { $concat: [ a, b ] }, ab ] }", True),
    ("{ $equal: [ { $concat: [ [ 1 ], [ 2 ] ] }, [ 1, 2 ] ] }", True),
    ("{ $has_prefix: [ { $token: [ 'a:b', ':', 1 ] }, b ] }", True),
])
def test_boolean_functions_on_literals_have_their_value(tmp_path, expr, value):
    unit = check(tmp_path, HEAD + K8S + f"""service_template:
  node_templates:
    a:
      type: Microservice
      properties:
        image: a
        run_as_root: {expr}
""")
    assert codes(unit) == [], unit.diagnostics.render_text()
    assert unit.topology.nodes["a"].properties["run_as_root"] is value


@pytest.mark.parametrize("expr,code,col,words", [
    ("{ $not: [ true, false ] }", "tosca-function", 24, "$not takes one argument"),
    ("{ $and: [ true ] }", "tosca-function", 24, "two or more"),
    ("{ $equal: [ 1, '1' ] }", "tosca-function", 24, "different types"),
    ("{ $and: [ true, 3 ] }", "tosca-function", 38, "must be a boolean"),
    ("{ $greater_than: [ 2 GB, 1 GB ] }", "tosca2-unsupported", 24, "does not convert units"),
    ("{ $not: [ { $get_input: flag } ] }", "tosca2-unsupported", 34, "$get_input"),
])
def test_boolean_functions_without_a_value_at_load_are_positioned_errors(tmp_path, expr, code,
                                                                         col, words):
    unit = check(tmp_path, HEAD + K8S + f"""service_template:
  inputs:
    flag: {{ type: boolean, default: true }}
  node_templates:
    a:
      type: Microservice
      properties:
        image: a
        run_as_root: {expr}
""")
    assert found(unit) == [(code, 12, col)]
    assert words in message(unit, code)


# §8.7.1, §8.8 requirement node_filter ----------------------------------------------------------
KIND_IS_DB = "$equal: [ { $get_property: [ SELF, TARGET, kind ] }, database ]"


def test_node_filter_selects_the_one_matching_template(tmp_path):
    unit = _app(tmp_path, f"        - uses:\n            node_filter: {{ {KIND_IS_DB} }}\n")
    assert codes(unit) == []
    assert _targets(unit) == ["db"]


def test_node_filter_with_boolean_logic_and_a_capability_type(tmp_path):
    unit = _app(tmp_path, "        - uses:\n            capability: xfactor.capabilities."
                "BackingService\n            node_filter:\n              $and:\n"
                "                - { $has_prefix: [ { $get_property: [ SELF, TARGET, locator ] }, "
                "'redis:' ] }\n"
                "                - { $get_property: [ SELF, TARGET, expiry ] }\n")
    assert codes(unit) == []
    assert _targets(unit) == ["cache"]


def test_node_filter_matching_no_template_is_an_error(tmp_path):
    unit = _app(tmp_path, "        - uses:\n            node_filter: { $equal: [ { $get_property: "
                "[ SELF, TARGET, kind ] }, queue ] }\n")
    assert found(unit) == [("tosca-requirement", 19, 13)]
    assert "no node template passes the node_filter" in message(unit, "tosca-requirement")


def test_node_filter_matching_several_templates_is_an_error(tmp_path):
    unit = _app(tmp_path, "        - uses:\n            node_filter: { $valid_values: [ "
                "{ $get_property: [ SELF, TARGET, kind ] }, [ database, cache ] ] }\n")
    assert found(unit) == [("tosca-requirement", 19, 13)]
    assert "2 node templates pass" in message(unit, "tosca-requirement")
    assert "db, cache" in message(unit, "tosca-requirement")


def test_a_tosca_1_3_node_filter_is_named_as_such(tmp_path):
    unit = _app(tmp_path, "        - uses:\n            node_filter:\n              properties:\n"
                "                - kind: { equal: database }\n")
    assert found(unit) == [("tosca-wrong-type", 20, 15)]
    assert "not TOSCA 1.3's lists" in message(unit, "tosca-wrong-type")


def test_a_named_target_must_pass_the_node_filter(tmp_path):
    ok = _app(tmp_path, f"        - uses:\n            node: db\n            node_filter: "
              f"{{ {KIND_IS_DB} }}\n")
    assert codes(ok) == [] and _targets(ok) == ["db"]
    bad = _app(tmp_path, f"        - uses:\n            node: cache\n            node_filter: "
               f"{{ {KIND_IS_DB} }}\n")
    assert found(bad) == [("tosca-requirement", 20, 13)]
    assert "'cache', which does not pass" in message(bad, "tosca-requirement")


def test_a_node_type_narrows_the_candidates_to_its_templates(tmp_path):
    more = "    other:\n      type: xfactor.nodes.BackingService\n" \
           "      properties: { kind: database, locator: 'x://other' }\n"
    both = _app(tmp_path, f"        - uses:\n            node_filter: {{ {KIND_IS_DB} }}\n",
                more=more)
    assert codes(both) == ["tosca-requirement"]
    one = _app(tmp_path, f"        - uses:\n            node: Datastore\n            node_filter: "
               f"{{ {KIND_IS_DB} }}\n", more=more)
    assert codes(one) == [] and _targets(one) == ["db"]


def test_node_filter_reads_a_named_capability_of_the_candidate(tmp_path):
    text = HEAD + K8S + """service_template:
  node_templates:
    db:
      type: Datastore
      properties: { kind: database, locator: "x://db" }
      capabilities:
        service: { properties: { } }
    app:
      type: Microservice
      properties: { image: a, process: { state: stateless } }
      requirements:
        - uses:
            node_filter:
              $has_key: [ { $get_property: [ SELF, TARGET, CAPABILITY, service, nope ] }, x ]
"""
    unit = check(tmp_path, text)
    # the capability writes no property 'nope': db does not pass
    assert codes(unit) == ["tosca-requirement"]


def test_node_filter_over_a_value_without_a_value_at_load_is_an_error(tmp_path):
    text = HEAD + K8S + """service_template:
  inputs:
    k: { type: string, default: database }
  node_templates:
    db:
      type: Datastore
      properties: { kind: { $get_input: k }, locator: "x://db" }
    app:
      type: Microservice
      properties: { image: a, process: { state: stateless } }
      requirements:
        - uses:
            node_filter: { $equal: [ { $get_property: [ SELF, TARGET, kind ] }, database ] }
"""
    unit = check(tmp_path, text)
    assert found(unit) == [("tosca2-unsupported", 16, 40)]
    assert "function call" in message(unit, "tosca2-unsupported")


def test_a_node_templates_node_filter_is_still_refused(tmp_path):
    unit = check(tmp_path, HEAD + K8S + """service_template:
  node_templates:
    a:
      type: Datastore
      directives: [ select ]
      node_filter: { $equal: [ { $get_property: [ SELF, kind ] }, database ] }
""")
    assert found(unit) == [("tosca2-unsupported", 9, 7)]
    assert "§7.2" in message(unit, "tosca2-unsupported")


# §10.2.1.2, §10.3 <tosca_path> over RELATIONSHIP -------------------------------------------------
def test_an_index_after_a_node_template_is_0(tmp_path):
    unit = _app(tmp_path, "        - uses: db\n",
                env="          K: { $get_property: [ db, 0, kind ] }\n")
    assert codes(unit) == [] and unit.topology.nodes["app"].properties["env"]["K"] == "database"


def test_relationship_target_property(tmp_path):
    unit = _app(tmp_path, "        - uses: db\n", env="          LOC: { $get_property: [ SELF, "
                "RELATIONSHIP, uses, TARGET, locator ] }\n"
                "          KIND: { $get_property: [ app, RELATIONSHIP, uses, 0, TARGET, kind ] }\n")
    assert codes(unit) == []
    env = unit.topology.nodes["app"].properties["env"]
    assert env["LOC"] == "postgres://db" and env["KIND"] == "database"


def test_relationship_steps_chain_and_follow_a_node_filter(tmp_path):
    more = """    api:
      type: Microservice
      properties: { image: api, process: { state: stateless }, replicas: { min: 2, max: 2 } }
      requirements:
        - uses: { node_filter: { $equal: [ { $get_property: [ SELF, TARGET, kind ] }, cache ] } }
"""
    unit = _app(tmp_path, "        - calls: api\n", more=more,
                env="          URL: { $get_property: [ SELF, RELATIONSHIP, calls, TARGET, "
                    "RELATIONSHIP, uses, TARGET, locator ] }\n")
    assert codes(unit) == []
    assert unit.topology.nodes["app"].properties["env"]["URL"] == "redis://cache"


def _app_with(tmp_path, requirement: str, props: str, more: str = ""):
    text = HEAD + K8S + STORES + more + """    app:
      type: Microservice
      properties:
        image: app:1
        process: { state: stateless }
""" + props + "      requirements:\n" + requirement
    return check(tmp_path, text)


# §10.3 ALL: the list of the values of every path reached ------------------------------------
@pytest.mark.parametrize("steps,want", [
    # every assignment of 'uses', in the order written
    ("SELF, RELATIONSHIP, uses, ALL, TARGET, locator", ["postgres://db", "redis://cache"]),
    # after a node template name: its one representation
    ("db, ALL, kind", ["database"]),
    # SOURCE goes back to the node, once per relationship
    ("app, 0, RELATIONSHIP, uses, ALL, SOURCE, image", ["app:1", "app:1"]),
])
def test_all_is_the_list_of_every_paths_value(tmp_path, steps, want):
    unit = _app_with(tmp_path, "        - uses: db\n        - uses: cache\n",
                     f"        args: {{ $get_property: [ {steps} ] }}\n")
    assert codes(unit) == []
    assert list(unit.topology.nodes["app"].properties["args"]) == want


def test_two_alls_merge_into_one_list(tmp_path):
    # §10.3: with several ALL keywords the results are merged into a single list
    more = """    api:
      type: Microservice
      properties: { image: api, process: { state: stateless }, replicas: { min: 2, max: 2 } }
      requirements:
        - uses: db
        - uses: cache
    web:
      type: Microservice
      properties: { image: web, process: { state: stateless }, replicas: { min: 2, max: 2 } }
      requirements:
        - uses: cache
"""
    unit = _app_with(tmp_path, "        - calls: api\n        - calls: web\n",
                     "        args: { $get_property: [ SELF, RELATIONSHIP, calls, ALL, TARGET, "
                     "RELATIONSHIP, uses, ALL, TARGET, kind ] }\n", more)
    assert codes(unit) == []
    assert list(unit.topology.nodes["app"].properties["args"]) == ["database", "cache", "cache"]


def test_all_of_get_attribute_is_a_list_of_runtime_references(tmp_path):
    unit = _app_with(tmp_path, "        - uses: db\n        - uses: cache\n",
                     "        args: { $get_attribute: [ SELF, RELATIONSHIP, uses, ALL, TARGET, "
                     "tosca_name ] }\n")
    assert codes(unit) == []
    refs = list(unit.topology.nodes["app"].properties["args"])
    assert [(r.function, tuple(r.args)) for r in refs] == [
        ("get_attribute", ("db", "tosca_name")), ("get_attribute", ("cache", "tosca_name"))]


_INTO_DB = """    api:
      type: Microservice
      properties: { image: api:1, process: { state: stateless }, replicas: { min: 2, max: 2 } }
      requirements:
        - uses: { node: db, capability: service }
"""


@pytest.mark.parametrize("steps,want", [
    # §10.3 CAPABILITY, c, RELATIONSHIP, idx: the relationships into a capability, in
    # the order of the file (templates, then their assignments)
    ("db, CAPABILITY, service, RELATIONSHIP, ALL, SOURCE, image", ["api:1", "app:1"]),
    ("db, CAPABILITY, service, RELATIONSHIP, ALL, TARGET, kind", ["database", "database"]),
])
def test_all_relationships_into_a_capability(tmp_path, steps, want):
    unit = _app_with(tmp_path, "        - uses: { node: db, capability: service }\n",
                     f"        args: {{ $get_property: [ {steps} ] }}\n", _INTO_DB)
    assert codes(unit) == []
    assert list(unit.topology.nodes["app"].properties["args"]) == want


@pytest.mark.parametrize("steps,want", [
    ("db, CAPABILITY, service, RELATIONSHIP, 1, SOURCE, image", "app:1"),
    ("db, CAPABILITY, service, RELATIONSHIP, SOURCE, image", "api:1"),  # no index: 0
])
def test_one_relationship_into_a_capability(tmp_path, steps, want):
    unit = _app(tmp_path, "        - uses: { node: db, capability: service }\n",
                env=f"          X: {{ $get_property: [ {steps} ] }}\n", more=_INTO_DB)
    assert codes(unit) == []
    assert unit.topology.nodes["app"].properties["env"]["X"] == want


def test_an_index_past_the_relationships_into_a_capability(tmp_path):
    unit = _app(tmp_path, "        - uses: { node: db, capability: service }\n",
                env="          X: { $get_property: [ db, CAPABILITY, service, RELATIONSHIP, 2, "
                    "SOURCE, image ] }\n", more=_INTO_DB)
    assert [(c, line) for c, line, _col in found(unit)] == [("tosca2-unsupported", 23)]
    assert "no relationship 2 into capability 'service'" in message(unit, "tosca2-unsupported")


def test_the_relationships_into_a_capability_unknown_at_load(tmp_path):
    # 'uses: db' names no capability: the resolver picks it by type, after load
    unit = _app_with(tmp_path, "        - uses: db\n",
                     "        args: { $get_property: [ db, CAPABILITY, service, RELATIONSHIP, "
                     "ALL, SOURCE, image ] }\n", _INTO_DB)
    assert [(c, line) for c, line, _col in found(unit)] == [("tosca2-unsupported", 22)]
    assert "without naming a capability" in message(unit, "tosca2-unsupported")


def test_the_paths_all_reaches_are_bounded_by_max_value_items(tmp_path):
    # ALL after ALL multiplies the paths (n relationships over k steps are n^k): past
    # max_value_items the walk stops, positioned at the RELATIONSHIP step that crossed it
    more = "".join(f"""    s{i}:
      type: Datastore
      properties: {{ kind: k{i}, locator: "x://s{i}" }}
      requirements: [ {{ uses: s0 }}, {{ uses: s1 }}, {{ uses: s2 }} ]
""" for i in range(3))
    steps = "SELF, RELATIONSHIP, uses, ALL, TARGET, " + "RELATIONSHIP, uses, ALL, TARGET, " * 3
    text = HEAD + K8S + STORES + more + """    app:
      type: Microservice
      properties:
        image: app:1
        process: { state: stateless }
""" + f"        args: {{ $get_property: [ {steps}kind ] }}\n" + \
        "      requirements: [ { uses: s0 }, { uses: s1 }, { uses: s2 } ]\n"
    unit = check(tmp_path, text, limits=Limits(max_value_items=20))
    assert [(c, line) for c, line, _col in found(unit)] == [("limit-exceeded", 29)]
    assert "max_value_items" in message(unit, "limit-exceeded")
    # 3 relationships over 4 steps: 81 paths, under a limit of 1,000
    assert "limit-exceeded" not in codes(check(tmp_path, text,
                                               limits=Limits(max_value_items=1000)))


@pytest.mark.parametrize("steps,col,words", [
    # the first relationship's target capability has 1.3's two-level form; another's
    # has none unless its assignment names the capability
    ("SELF, RELATIONSHIP, uses, ALL, CAPABILITY, port", 65, "relationship 1 of 'uses'"),
    ("SELF, RELATIONSHIP, calls, ALL, TARGET, kind", 54, "assigns no requirement 'calls'"),
])
def test_all_paths_xfc_does_not_read(tmp_path, steps, col, words):
    unit = _app_with(tmp_path, "        - uses: db\n        - uses: cache\n",
                     f"        args: {{ $get_property: [ {steps} ] }}\n")
    assert found(unit) == [("tosca2-unsupported", 17, col)]
    assert words in message(unit, "tosca2-unsupported")
    assert "§10.3" in message(unit, "tosca2-unsupported")


@pytest.mark.parametrize("steps,col,words", [
    ("SELF, RELATIONSHIP, uses, ALL, kind", 64, "a property of a relationship"),
    ("SELF, RELATIONSHIP, uses, 1, TARGET, kind", 53, "no assignment 1"),
    ("SELF, RELATIONSHIP, uses, kind", 59, "a property of a relationship"),
    ("db, 2, kind", 37, "one representation"),
])
def test_relationship_paths_xfc_does_not_read_are_positioned(tmp_path, steps, col, words):
    unit = _app(tmp_path, "        - uses: db\n",
                env=f"          X: {{ $get_property: [ {steps} ] }}\n")
    assert found(unit) == [("tosca2-unsupported", 18, col)]
    assert words in message(unit, "tosca2-unsupported") and "§10.3" in \
        message(unit, "tosca2-unsupported")


# §6.9 entity paths ---------------------------------------------------------------------------------
def test_entity_paths_name_service_template(tmp_path):
    unit = _app(tmp_path, "        - uses: db\n", env="          X: { $get_input: nope }\n")
    (d,) = [d for d in unit.diagnostics if d.code == "tosca-unknown-input"]
    assert d.path.startswith("service_template.node_templates")
    assert "service_template.inputs" in d.hint and "topology_template" not in d.hint


# §10.1 a function call as a map key (more in test_tosca2_keys.py) ----------------------------
def test_a_function_call_as_a_map_key_is_evaluated_to_its_string(tmp_path):
    unit = _app(tmp_path, "        - uses: db\n", env="          { $concat: [ A, B ] }: x\n")
    assert codes(unit) == []
    assert dict(unit.topology.nodes["app"].properties["env"]) == {"AB": "x"}


# §6.9.3, §14.1 node template count ----------------------------------------------------------
@pytest.mark.parametrize("count,shown", [("0", "count 0"), ("2", "count 2"),
                                         ("{ $get_input: n }", "count 3")])
def test_a_count_other_than_1_is_refused(tmp_path, count, shown):
    # count N is N representations with their own relationships (§14.1); a backing
    # service is one object, so xfc refuses rather than build something else (a
    # workload's count multiplies its replicas: test_tosca2_count.py)
    unit = check(tmp_path, HEAD + K8S + f"""service_template:
  inputs:
    n: {{ type: integer, default: 3 }}
  node_templates:
    a:
      type: Datastore
      count: {count}
""")
    assert found(unit) == [("tosca2-unsupported", 10, 14)]
    assert shown in message(unit, "tosca2-unsupported")
    assert "§14.1" in message(unit, "tosca2-unsupported")
