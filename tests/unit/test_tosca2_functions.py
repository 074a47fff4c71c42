"""TOSCA 2.0 functions (compiler/loader/tosca2/functions.py): the ``$`` syntax and its escape
(§10.1), the functions xfc evaluates (§10.2.1, §10.2.3), and validation clauses (§9.10)
with the boolean and comparison functions (§10.2.2), one test per rule."""

from __future__ import annotations

import pytest

from compiler.model import RuntimeRef
from tests.unit.tosca2_support import HEAD, check, codes, found, message

SIMPLE = "imports:\n  - profile: org.oasis-open.simple:2.0\n"
BOX = """node_types:
  Box:
    derived_from: Root
    properties:
      name: { type: string, required: false }
      tags: { type: list, entry_schema: { type: string }, required: false }
      note: { type: map, entry_schema: { type: string }, required: false }
    attributes:
      address: { type: string }
    capabilities:
      port:
        type: Endpoint
"""


def _props(tmp_path, props: str, extra: str = "", inputs: str = ""):
    text = HEAD + SIMPLE + BOX + "service_template:\n" + inputs + \
        "  node_templates:\n    other:\n      type: Box\n      properties: { name: peer }\n" \
        "      capabilities: { port: { properties: { port: 8080 } } }\n" \
        "    b:\n      type: Box\n      properties:\n" + props + extra
    unit = check(tmp_path, text)
    return unit, (unit.topology.nodes["b"].properties if unit.topology else None)


# §10.1 syntax -------------------------------------------------------------------------------
def test_dollar_dollar_escapes_strings_and_keys(tmp_path):
    unit, p = _props(tmp_path, "        name: $$HOME\n"
                     "        note: { $$key: $$$value, plain: x$y }\n")
    assert codes(unit) == []
    assert p["name"] == "$HOME" and p["note"] == {"$key": "$$value", "plain": "x$y"}


def test_a_dollar_key_beside_other_keys_is_malformed(tmp_path):
    unit, _ = _props(tmp_path, "        note: { $get_input: x, other: y }\n")
    assert found(unit) == [("tosca-function", 25, 17)]
    assert "TOSCA 2.0 §10.1" in message(unit, "tosca-function")


def test_an_unknown_function_and_a_bare_dollar_string(tmp_path):
    unit, _ = _props(tmp_path, "        name: { $frobnicate: [ 1 ] }\n        tags: [ $now ]\n")
    assert found(unit) == [("tosca-function", 25, 17), ("tosca-function", 26, 17)]


def test_a_1_x_function_map_is_data_in_2_0(tmp_path):
    unit, _ = _props(tmp_path, "        note: { concat: x }\n")
    assert found(unit) == [("tosca2-unsupported", 25, 17)]


def test_a_suffixed_function_name_is_the_same_function(tmp_path):
    unit, p = _props(tmp_path, "        name: { $get_input$1: who }\n",
                     inputs="  inputs:\n    who: { type: string, default: me }\n")
    assert codes(unit) == [] and p["name"] == "me"


# §10.2.1 graph query functions ------------------------------------------------------------------
def test_get_input(tmp_path):
    unit, p = _props(tmp_path, "        name: { $get_input: who }\n"
                     "        tags: [ { $get_input: [ many, 1 ] } ]\n",
                     inputs="  inputs:\n    who: { type: string, default: me }\n"
                            "    many: { type: list, default: [ a, b ] }\n")
    assert codes(unit) == []
    assert p["name"] == "me" and p["tags"] == ["b"]


def test_get_input_of_an_unknown_input(tmp_path):
    unit, _ = _props(tmp_path, "        name: { $get_input: nobody }\n")
    assert codes(unit) == ["tosca-unknown-input"]


@pytest.mark.parametrize("path, want", [
    ("[ other, name ]", "peer"),
    ("[ SELF, tags, 0 ]", "t0"),
])
def test_get_property(tmp_path, path, want):
    unit, p = _props(tmp_path, "        tags: [ t0 ]\n"
                     f"        name: {{ $get_property: {path} }}\n")
    assert codes(unit) == [] and p["name"] == want


def test_get_property_of_a_capability(tmp_path):
    unit, p = _props(tmp_path, "        note: { p: { $concat: [ { $get_property: "
                     "[ other, CAPABILITY, port, port ] } ] } }\n")
    assert codes(unit) == [] and p["note"] == {"p": "8080"}


def test_get_property_over_a_relationship_the_file_does_not_assign(tmp_path):
    # RELATIONSHIP is walked at load (test_tosca2_selection.py); 'b' assigns no
    # requirement 'dependency', so the path reaches no node: positioned at the name
    unit, _ = _props(tmp_path, "        name: { $get_property: [ SELF, RELATIONSHIP, "
                     "dependency, 0, TARGET, name ] }\n")
    assert found(unit) == [("tosca2-unsupported", 25, 54)]
    assert "§10.3" in message(unit, "tosca2-unsupported")
    assert "'dependency'" in message(unit, "tosca2-unsupported")


def test_get_attribute_is_a_runtime_reference(tmp_path):
    unit, p = _props(tmp_path, "        name: { $get_attribute: [ other, address ] }\n")
    assert codes(unit) == []
    ref = p["name"]
    assert isinstance(ref, RuntimeRef) and ref.function == "get_attribute"
    assert tuple(ref.args) == ("other", "address")


def test_value_outside_a_validation_clause(tmp_path):
    unit, _ = _props(tmp_path, "        name: $value\n")
    assert found(unit) == [("tosca2-unsupported", 25, 15)]
    assert "§10.2.1.5" in message(unit, "tosca2-unsupported")


@pytest.mark.parametrize("fn", ["$length", "$union", "$sum"])
def test_other_functions_in_a_value(tmp_path, fn):
    unit, _ = _props(tmp_path, f"        name: {{ {fn}: [ a, b ] }}\n")
    assert codes(unit) == ["tosca2-unsupported"]


# boolean functions on literals are evaluated (§10.2.2; more in test_tosca2_conditions.py)
@pytest.mark.parametrize("fn,code", [("$and", "tosca-function"),
                                     ("$not", "tosca-function"),
                                     ("$equal", "tosca-wrong-type"),
                                     ("$has_suffix", "tosca-wrong-type")])
def test_boolean_functions_in_a_value_are_evaluated(tmp_path, fn, code):
    # $and of strings and $not of two arguments are malformed; $equal and $has_suffix of
    # two strings are a boolean, which the string property 'name' does not take
    unit, _ = _props(tmp_path, f"        name: {{ {fn}: [ a, b ] }}\n")
    assert codes(unit) == [code]


# §10.2.3 string functions ------------------------------------------------------------------------
def test_concat_join_token(tmp_path):
    unit, p = _props(tmp_path,
                     "        name: { $concat: [ 'http://', { $get_property: [ other, name ] }, "
                     "':', 80 ] }\n"
                     "        tags:\n"
                     "          - { $join: [ [ a, b, c ] ] }\n"
                     "          - { $join: [ [ a, b, c ], '-' ] }\n"
                     "          - { $token: [ 'x.y.z', '.', 1 ] }\n")
    assert codes(unit) == []
    assert p["name"] == "http://peer:80"
    assert p["tags"] == ["abc", "a-b-c", "y"]


# §9.10 validation clauses ----------------------------------------------------------------------
def _valid(tmp_path, clause: str, value: str, typ: str = "integer"):
    text = HEAD + SIMPLE + f"""node_types:
  Box:
    derived_from: Root
    properties:
      v:
        type: {typ}
        validation: {clause}
service_template:
  node_templates:
    b: {{ type: Box, properties: {{ v: {value} }} }}
"""
    return check(tmp_path, text)


@pytest.mark.parametrize("clause, good, bad", [
    ("{ $equal: [ $value, 3 ] }", "3", "4"),
    ("{ $greater_than: [ $value, 3 ] }", "4", "3"),
    ("{ $greater_or_equal: [ $value, 3 ] }", "3", "2"),
    ("{ $less_than: [ $value, 3 ] }", "2", "3"),
    ("{ $less_or_equal: [ $value, 3 ] }", "3", "4"),
    ("{ $less_than: [ 3, $value ] }", "4", "3"),  # operands the other way round
    ("{ $greater_or_equal: [ { $value: [] }, 3 ] }", "3", "2"),  # the full form of $value
    ("{ $valid_values: [ $value, [ 1, 2 ] ] }", "2", "3"),
    ("{ $in_range: [ $value, [ 1, 5 ] ] }", "5", "6"),
    ("{ $and: [ { $greater_than: [ $value, 0 ] }, { $less_than: [ $value, 9 ] } ] }", "5", "9"),
])
def test_comparison_clauses_are_enforced(tmp_path, clause, good, bad):
    assert codes(_valid(tmp_path, clause, good)) == []
    assert found(_valid(tmp_path, clause, bad)) == [("tosca-constraint", 13, 38)]


@pytest.mark.parametrize("clause, good, bad", [
    ('{ $matches: [ $value, "^[a-z]+$" ] }', "abc", "aBc"),
    ("{ $equal: [ { $length: $value }, 3 ] }", "abc", "ab"),
    ("{ $greater_or_equal: [ { $length: [ $value ] }, 3 ] }", "abcd", "ab"),
    ("{ $less_or_equal: [ { $length: $value }, 3 ] }", "ab", "abcd"),
])
def test_string_clauses_are_enforced(tmp_path, clause, good, bad):
    assert codes(_valid(tmp_path, clause, good, "string")) == []
    assert found(_valid(tmp_path, clause, bad, "string")) == [("tosca-constraint", 13, 38)]


@pytest.mark.parametrize("clause", [
    "{ $or: [ { $equal: [ $value, 1 ] }, { $equal: [ $value, 2 ] } ] }",
    "{ $not: [ { $equal: [ $value, 1 ] } ] }",
    "{ $greater_than: [ $value, { $get_input: x } ] }",
    "{ $has_prefix: [ $value, a ] }",
])
def test_a_clause_without_a_1_3_form_is_a_warning(tmp_path, clause):
    unit = _valid(tmp_path, clause, "1")
    assert found(unit) == [("tosca-unsupported", 10, 21)]
    assert "§9.10" in message(unit, "tosca-unsupported")


def test_validation_of_an_input(tmp_path):
    unit = check(tmp_path, HEAD + "service_template:\n  inputs:\n    n:\n      type: integer\n"
                 "      validation: { $less_than: [ $value, 10 ] }\n      default: 12\n"
                 "  node_templates: {}\n")
    assert codes(unit) == ["tosca-constraint"]


# §10.2.5 arithmetic functions ------------------------------------------------------------------
def _numbers(tmp_path, values: str):
    text = (HEAD + "node_types:\n  N:\n    properties:\n"
            "      v: { type: list, entry_schema: { type: float } }\n"
            "service_template:\n  node_templates:\n    n:\n      type: N\n"
            "      properties:\n        v:\n" + values)
    unit = check(tmp_path, text)
    return unit, (unit.topology.nodes["n"].properties["v"] if unit.topology else None)


def test_arithmetic_on_numbers_is_evaluated(tmp_path):
    unit, v = _numbers(tmp_path,
                       "          - { $sum: [ 100, 20, 3 ] }\n"
                       "          - { $difference: [ 1.5, 2 ] }\n"
                       "          - { $product: [ 2, 3, 4 ] }\n"
                       "          - { $quotient: [ 7, 2 ] }\n"
                       "          - { $remainder: [ -7, 2 ] }\n"
                       "          - { $round: [ 3.5 ] }\n"
                       "          - { $round: [ 3.53 ] }\n"
                       "          - { $floor: [ -1.5 ] }\n"
                       "          - { $ceil: [ 1.2 ] }\n"
                       "          - { $sum: [ 1, { $product: [ 2, 3 ] } ] }\n")
    assert codes(unit) == []
    assert v == [123, -0.5, 24, 3.5, -1, 3, 4, -2, 2, 7]
    # integers stay integers, a quotient is a float (§10.2.5.4)
    assert [type(x) for x in v[:4]] == [int, float, int, float]


def test_malformed_arithmetic_is_a_positioned_error(tmp_path):
    unit, _ = _numbers(tmp_path,
                       "          - { $difference: [ 1, 2, 3 ] }\n"
                       "          - { $quotient: [ 1, 0 ] }\n"
                       "          - { $remainder: [ 1.5, 2 ] }\n"
                       f"          - {{ $quotient: [ {10 ** 400}, 3 ] }}\n")
    assert found(unit) == [("tosca-function", 12, 15), ("tosca-function", 13, 15),
                           ("tosca-function", 14, 15), ("tosca-function", 15, 15)]


def test_arithmetic_on_a_function_or_a_scalar_is_not_evaluated(tmp_path):
    unit, _ = _numbers(tmp_path, "          - { $sum: [ 1, { $get_input: x } ] }\n"
                       "          - { $sum: [ 1 GB, 2 GB ] }\n")
    assert codes(unit) == ["tosca2-unsupported", "tosca2-unsupported"]
    assert "unless its arguments are numbers" in message(unit, "tosca2-unsupported")
