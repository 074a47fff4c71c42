"""ONAP's integer inputs into strings (issue 21 item 5): a number a function gives to a
string is read as its canonical text with a note (quirk value.number-from-function), and
"quote it" is only ever said of a literal."""

from __future__ import annotations

from compiler.diagnostics import Severity
from tests.unit.tosca_helpers import run

TEXT = """\
tosca_definitions_version: tosca_simple_yaml_1_3
node_types:
  org.onap.VfModule:
    derived_from: tosca.nodes.Root
    properties:
      meta_data: { type: map, entry_schema: { type: string }, required: false }
      tags: { type: list, entry_schema: { type: string }, required: false }
      label: { type: string, required: false }
topology_template:
  inputs:
    vf_module_index: { type: integer, default: 3 }
    ratio: { type: float, default: 0.5 }
  node_templates:
    module:
      type: org.onap.VfModule
      properties:
        meta_data:
          index: { get_input: vf_module_index }
          ratio: { get_input: ratio }
        tags: [ { get_input: vf_module_index }, plain ]
        label: {label}
"""


def test_numbers_from_get_input_become_their_canonical_text_with_a_note():
    topo, d = run(TEXT.replace("{label}", '"x"'))
    assert [x for x in d if x.severity >= Severity.WARNING and x.code.startswith("tosca")] == []
    props = topo.nodes["module"].properties
    assert dict(props["meta_data"]) == {"index": "3", "ratio": "0.5"}
    assert list(props["tags"]) == ["3", "plain"]
    notes = [(x.span.line, x.message) for x in d if x.code == "tosca-quirk"]
    assert [line for line, _ in notes] == [18, 19, 20]
    assert all("value.number-from-function" in m for _, m in notes)


def test_without_the_quirk_the_error_says_a_function_gave_it_and_never_quote_it():
    topo, d = run(TEXT.replace("{label}", "7"), quirks=("none",))
    errs = [x for x in d if x.severity >= Severity.ERROR]
    by_line = {x.span.line: x.message for x in errs}
    assert set(by_line) == {18, 19, 20, 21}
    for line in (18, 19, 20):
        assert "a function gives" in by_line[line] and "quote" not in by_line[line]
    assert "quote it" in by_line[21]  # the literal 7 the author wrote


def test_a_top_level_string_fed_a_number_by_get_input_is_not_told_to_quote():
    topo, d = run(TEXT.replace("{label}", "{ get_input: vf_module_index }"), quirks=("none",))
    [err] = [x for x in d if x.severity >= Severity.ERROR and x.span.line == 21]
    assert "a function gives" in err.message and "quote" not in err.message + err.hint
