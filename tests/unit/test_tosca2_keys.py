"""TOSCA 2.0 function calls written as map keys (§10.1; compiler/loader/tosca2/keys.py): evaluated
at load to the key's string (§9.1.3.2), one test per rule and per misuse."""

from __future__ import annotations

import pytest

import compiler
from tests.unit.tosca2_support import HEAD, check, codes, found, message

SIMPLE = "imports:\n  - profile: org.oasis-open.simple:2.0\n"
BOX = """node_types:
  Box:
    derived_from: Root
    properties:
      note: { type: map, entry_schema: { type: string }, required: false }
service_template:
  inputs:
    k: { type: string, default: K }
  node_templates:
    b:
      type: Box
      properties:
        note:
          plain: p
"""  # the keys under test follow, at line 18, column 11


def _note(tmp_path, keys: str):
    unit = check(tmp_path, HEAD + SIMPLE + BOX + keys)
    note = unit.topology.nodes["b"].properties.get("note") if unit.topology else None
    return unit, (dict(note) if note is not None else None)


@pytest.mark.parametrize("key,want", [
    ("{ $concat: [ Recip, ient ] }", "Recipient"),
    ("{ $concat: [ port-, 80 ] }", "port-80"),  # an integer is written in decimal
    ("{ $join: [ [ a, b, c ], '-' ] }", "a-b-c"),
    ("{ $join: [ [ a, '', c ] ] }", "ac"),
    ("{ $token: [ 'x.y:z', '.:', 2 ] }", "z"),
    ("{ $concat: [ { $token: [ a-b, '-', 1 ] }, { $join: [ [ c ] ] } ] }", "bc"),  # nested
    ("{ $concat: [ $$x ] }", "$x"),  # the $$ escape in an argument
])
def test_a_call_key_has_the_string_it_evaluates_to(tmp_path, key, want):
    unit, note = _note(tmp_path, f"          {key}: v\n")
    assert codes(unit) == [] and note == {"plain": "p", want: "v"}


def test_suffixed_calls_repeat_a_function_as_several_keys(tmp_path):
    # §10.1: $name$suffix is the same function, so that one call can be written twice
    unit, note = _note(tmp_path, "          { $concat: [ a, '1' ] }: x\n"
                                 "          { $concat$2: [ a, '2' ] }: y\n")
    assert codes(unit) == [] and note == {"plain": "p", "a1": "x", "a2": "y"}


def test_a_call_key_in_an_input_default_and_an_output(tmp_path):
    text = HEAD + SIMPLE + """service_template:
  inputs:
    m:
      type: map
      entry_schema: { type: integer }
      default: { { $concat: [ a, b ] }: 1 }
  outputs:
    o:
      type: map
      value: { { $join: [ [ c, d ] ] }: 2 }
"""
    unit = check(tmp_path, text)
    assert codes(unit) == []
    assert dict(unit.topology.inputs["m"].value) == {"ab": 1}
    assert dict(unit.topology.outputs["o"].value) == {"cd": 2}


@pytest.mark.parametrize("key,code,col,words", [
    ("{ $sum: [ 1, 2 ] }", "tosca-wrong-type", 11, "§9.1.3.2"),
    ("{ $not: [ false ] }", "tosca-wrong-type", 11, "§9.1.3.2"),
    ("{ $get_input: k }", "tosca2-unsupported", 13, "value at load"),
    ("{ $concat: [ a, { $get_property: [ SELF, note ] } ] }", "tosca2-unsupported", 29,
     "value at load"),
    ("{ $keygen: [ UUID ] }", "tosca-function", 11, "unknown function $keygen"),
    ("{ $token: [ a.b, '.', 5 ] }", "tosca-function", 13, "§10.2.3.4"),
    ("{ $concat: [ a, [ b ] ] }", "tosca-function", 13, "§10.2.3.2"),
    ("{ $concat: [ pla, in ] }", "yaml-duplicate-key", 11, "line 17"),
])
def test_a_call_key_without_a_string_value_is_a_positioned_error(tmp_path, key, code, col,
                                                                  words):
    unit, note = _note(tmp_path, f"          {key}: v\n")
    assert found(unit) == [(code, 18, col)]
    assert words in message(unit, code)


def test_a_call_key_where_a_name_is_expected_is_an_error(tmp_path):
    # a template name is no value (§10.1 lets a call stand where a value is expected)
    unit = check(tmp_path, HEAD + SIMPLE + BOX + "    { $concat: [ c, d ] }:\n"
                 "      type: Box\n")
    assert found(unit) == [("tosca-function", 18, 5)]
    (d,) = [d for d in unit.diagnostics if d.code == "tosca-function"]
    assert "§10.1" in d.message and d.path == "service_template.node_templates"


def test_a_call_key_in_a_fragment_is_read_where_an_alias_puts_it(tmp_path):
    # dsl_definitions (§6.1) holds YAML fragments for aliases: no value, no name
    text = HEAD + SIMPLE + """dsl_definitions:
  tagged: &tagged { { $concat: [ a, b ] }: 1 }
service_template:
  inputs:
    m: { type: map, entry_schema: { type: integer }, default: *tagged }
    n: { type: map, entry_schema: { type: integer }, default: { <<: *tagged, c: 2 } }
"""
    unit = check(tmp_path, text)
    assert codes(unit) == []
    assert dict(unit.topology.inputs["m"].value) == {"ab": 1}
    assert dict(unit.topology.inputs["n"].value) == {"ab": 1, "c": 2}


def test_a_call_key_in_a_tosca_1_3_file_is_a_complex_key(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\n"
                 "metadata:\n  { $concat: [ a, b ] }: x\n")
    unit = compiler.analyse(str(p))
    assert found(unit) == [("yaml-complex-key", 3, 3)]
    (d,) = [d for d in unit.diagnostics if d.code == "yaml-complex-key"]
    assert "§10.1" in d.hint and "§6.1" in d.hint


def test_a_call_key_before_the_version_is_a_complex_key(tmp_path):
    # §6.1: tosca_definitions_version is the first line of a TOSCA file; the YAML reader
    # knows the file is 2.0 from it
    p = tmp_path / "t.yaml"
    p.write_text("metadata:\n  { $concat: [ a, b ] }: x\n" + HEAD)
    unit = compiler.analyse(str(p))
    assert ("yaml-complex-key", 2, 3) in found(unit)
