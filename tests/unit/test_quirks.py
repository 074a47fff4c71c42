"""compiler.tosca.quirks: the table, its documentation, and selection."""

from __future__ import annotations

import re
from pathlib import Path

from compiler.tosca.quirks import QUIRKS, enabled
from tests.unit.tosca_helpers import codes, errors, run

DOC = Path(__file__).resolve().parents[2] / "docs" / "quirks.md"


def test_doc_lists_exactly_the_table():
    names = re.findall(r"^\| `([a-z.-]+)` \|", DOC.read_text(), re.M)
    assert sorted(names) == sorted(QUIRKS)


def test_selection():
    assert enabled(("all",), "operation.list")
    assert not enabled(("all", "-operation.list"), "operation.list")
    assert not enabled(("none",), "operation.list")
    assert enabled(("operation.list",), "operation.list")
    assert not enabled((), "operation.list")


def test_tacker_operation_list_is_a_note_or_an_error():
    text = """tosca_definitions_version: tosca_simple_yaml_1_3
node_types:
  my.Node:
    derived_from: tosca.nodes.Root
topology_template:
  node_templates:
    n:
      type: my.Node
      interfaces:
        Standard:
          create: []
"""
    topo, d = run(text)
    assert errors(d) == [] and codes(d) == ["tosca-quirk"]
    assert topo.nodes["n"].interfaces["Standard"]["operations"]["create"] == {
        "implementation": None, "inputs": {}}
    _, d = run(text, quirks=("-operation.list",))
    assert errors(d) == [(11, 19, "tosca-wrong-type")]
