"""TOSCA 2.0 value types that 1.3 has no type for (compiler/loader/tosca2/scalars.py): the
``scalar`` type and its derived data types, and the ``bytes`` primitive (§9.1.1.5).  Each
is read as a 1.3 string whose pattern admits exactly the 2.0 value form."""

from __future__ import annotations

from tests.unit.tosca2_support import HEAD, check, codes, found

SIZE = ("data_types:\n  Size:\n    derived_from: scalar\n    data_type: integer\n"
        "    units:\n      B: 1\n    prefixes:\n      K: 1000\n      Ki: 1024\n")


def _node(prop_type: str, value: str, types: str = SIZE) -> str:
    return (HEAD + types + "node_types:\n  Box:\n    properties:\n      p:\n"
            f"        type: {prop_type}\n"
            "service_template:\n  node_templates:\n    box:\n      type: Box\n"
            f"      properties:\n        p: {value}\n")


# the scalar type ------------------------------------------------------------------------
def test_a_scalar_value_is_a_number_a_prefix_and_a_unit(tmp_path):
    for ok in ("10 KiB", "3B", "7 KB", "-2 B"):
        unit = check(tmp_path, _node("Size", ok))
        assert codes(unit) == [], ok
        assert unit.topology.nodes["box"].properties["p"] == ok


def test_a_scalar_value_with_another_unit_or_number_kind_is_an_error(tmp_path):
    # line 21 is the assignment; GB: no such prefix; 1.5: data_type integer; 10: no unit
    for bad in ("10 GB", "1.5 KiB", "10", "KiB"):
        unit = check(tmp_path, _node("Size", bad))
        assert [c for c, line, _ in found(unit)] == ["tosca-constraint"], bad
        assert found(unit)[0][1] == 21, bad


def test_a_scalar_is_float_by_default_and_prefixes_are_optional(tmp_path):
    types = "data_types:\n  Len:\n    derived_from: scalar\n    units:\n      m: 1\n" \
            "      km: 1000\n    canonical_unit: m\n"
    assert codes(check(tmp_path, _node("Len", "1.5e3 km", types))) == []
    assert codes(check(tmp_path, _node("Len", "2 cm", types))) == ["tosca-constraint"]


def test_a_scalar_s_data_type_may_be_a_type_derived_from_integer(tmp_path):
    # §9.1.2.2: data_type names a numeric type; one of the file's types derived from
    # integer counts as integer (its validation is not enforced on the number)
    types = ("data_types:\n  Positive:\n    derived_from: integer\n"
             "  Count:\n    derived_from: Positive\n"
             "  Rate:\n    derived_from: scalar\n    data_type: Count\n"
             "    units: { bps: 1 }\n")
    assert codes(check(tmp_path, _node("Rate", "10 bps", types))) == []
    assert codes(check(tmp_path, _node("Rate", "1.5 bps", types))) == ["tosca-constraint"]
    # a validation on the way is named in a warning: a scalar's magnitude is not checked
    checked = types.replace("derived_from: integer\n",
                            "derived_from: integer\n    validation: { $greater_than: [ $value, 0 ] }\n")
    assert found(check(tmp_path, _node("Rate", "10 bps", checked))) == \
        [("tosca-unsupported", 10, 16)]


def test_a_malformed_scalar_type_is_placed(tmp_path):
    types = ("data_types:\n  Bad:\n    derived_from: scalar\n    data_type: string\n"
             "    units:\n      m: 1\n  NoUnits:\n    derived_from: scalar\n"
             "  Canon:\n    derived_from: scalar\n    units: { m: 1 }\n"
             "    canonical_unit: km\n  Map:\n    derived_from: scalar\n    units: [m]\n")
    unit = check(tmp_path, HEAD + types)
    assert found(unit) == [("tosca-wrong-type", 5, 16), ("tosca-wrong-type", 9, 5),
                           ("tosca-wrong-type", 13, 21), ("tosca-wrong-type", 16, 12)]


def test_a_validation_on_a_scalar_type_is_a_warning_not_a_string_comparison(tmp_path):
    types = SIZE + "    validation: { $greater_or_equal: [ $value, 0 ] }\n"
    unit = check(tmp_path, _node("Size", "10 KiB", types))
    assert found(unit) == [("tosca-unsupported", 11, 5)]


def test_a_validation_on_a_property_of_a_scalar_type_is_a_warning_too(tmp_path):
    # '1 KiB' <= '1 GB' compared as strings was an error; units are not converted, so the
    # clause is not enforced, wherever it is written (a derived scalar type too)
    types = SIZE + "  Small:\n    derived_from: Size\n"
    for typ in ("Size", "Small"):
        text = _node(typ, "1 KiB", types).replace(
            f"        type: {typ}\n",
            f"        type: {typ}\n        validation: {{ $less_or_equal: [ $value, 1 K ] }}\n")
        unit = check(tmp_path, text)
        assert found(unit) == [("tosca-unsupported", 18, 21)], typ


# bytes (§9.1.1.5) -------------------------------------------------------------------------
def test_bytes_is_a_base64_string(tmp_path):
    unit = check(tmp_path, _node("bytes", "UHVjY2luaQ==", ""))
    assert codes(unit) == []
    assert unit.topology.nodes["box"].properties["p"] == "UHVjY2luaQ=="
    unit = check(tmp_path, _node("bytes", "not base64!", ""))
    assert found(unit) == [("tosca-constraint", 12, 12)]


def test_bytes_in_an_entry_schema_and_a_length_clause(tmp_path):
    text = (HEAD + "node_types:\n  Box:\n    properties:\n      p:\n        type: list\n"
            "        entry_schema: bytes\n      q:\n        type: bytes\n"
            "        validation: { $equal: [ { $length: $value }, 4 ] }\n"
            "service_template:\n  node_templates:\n    box:\n      type: Box\n"
            "      properties:\n        p: [ QUJD, '!!' ]\n        q: QUJD\n")
    unit = check(tmp_path, text)
    # the length of bytes is not the length of their Base64 text: not enforced
    assert found(unit) == [("tosca-unsupported", 10, 9), ("tosca-constraint", 16, 20)]


# nil (§9.1.1.6) -------------------------------------------------------------------------
NIL = ("node_types:\n  Box:\n    properties:\n      p:\n        type: nil\n"
       "        required: true\n      many:\n        type: list\n"
       "        entry_schema: nil\n        required: false\n"
       "service_template:\n  node_templates:\n    box:\n      type: Box\n")


def test_nil_is_the_type_whose_one_value_is_null(tmp_path):
    unit = check(tmp_path, HEAD + NIL + "      properties:\n        p: null\n"
                 "        many: [ null, null ]\n")
    assert found(unit) == [], unit.diagnostics.render_text()
    props = unit.topology.nodes["box"].properties
    assert props["p"] is None and list(props["many"]) == [None, None]


def test_a_nil_property_takes_no_other_value_and_must_be_assigned(tmp_path):
    other = check(tmp_path, HEAD + NIL + "      properties:\n        p: 0\n"
                  "        many: [ null, x ]\n")
    assert found(other) == [("tosca-wrong-type", 17, 12), ("tosca-wrong-type", 18, 23)]
    # §9.1.1.6: a nil value is distinct from an unassigned one: required means written
    unassigned = check(tmp_path, HEAD + NIL)
    assert codes(unassigned) == ["tosca-missing-property"]


def test_a_data_type_the_file_names_nil_is_the_file_s(tmp_path):
    unit = check(tmp_path, HEAD + "data_types:\n  nil:\n    properties:\n"
                 "      x: { type: integer }\n" + NIL + "      properties:\n"
                 "        p: { x: 1 }\n")
    assert found(unit) == [], unit.diagnostics.render_text()
