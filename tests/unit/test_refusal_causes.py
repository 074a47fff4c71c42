"""A refusal names its real cause (issue 21, found by bench/corpus_sweep.py on the corpus):
an empty ``concat`` says it is empty; a value checked against a data type nothing defines
says where the name is defined instead, or that nothing defines it."""

from __future__ import annotations

from pathlib import Path

import compiler


def _errors(tmp_path: Path, text: str) -> list:
    f = tmp_path / "t.yaml"
    f.write_text(text, encoding="utf-8")
    return compiler.analyse(str(f)).diagnostics.errors()


def test_an_empty_concat_is_called_empty(tmp_path: Path) -> None:
    (e,) = _errors(tmp_path, """\
tosca_definitions_version: tosca_simple_yaml_1_3
topology_template:
  outputs:
    joined:
      value: { concat: [] }
""")
    assert e.code == "tosca-function" and e.message.endswith("got an empty list"), e.message


TYPES = """\
tosca_definitions_version: tosca_simple_yaml_1_3
node_types:
{level}
  example.App:
    derived_from: tosca.nodes.Root
    properties:
      levels:
        type: map
        entry_schema:
          type: example.Level
topology_template:
  node_templates:
    app:
      type: example.App
      properties:
        levels:
          small: {{ size: 1 }}
"""


def test_an_unknown_data_type_says_where_the_name_is_defined(tmp_path: Path) -> None:
    # example.Level written under node_types (derived from a node type): not a data type
    errors = _errors(tmp_path, TYPES.format(
        level="  example.Level:\n    derived_from: tosca.nodes.Root"))
    (e,) = [e for e in errors if e.code == "tosca-unknown-type"]
    assert "'example.Level' is not a data type" in e.message
    assert "is defined under node_types" in e.hint and "data_types" in e.hint


def test_an_unknown_data_type_nothing_defines_says_so(tmp_path: Path) -> None:
    errors = _errors(tmp_path, TYPES.format(level=""))
    (e,) = [e for e in errors if e.code == "tosca-unknown-type"]
    assert e.hint.startswith("no imported file defines 'example.Level'"), e.hint
