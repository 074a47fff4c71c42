"""compiler.loader.quirks: the table, its documentation, and selection."""

from __future__ import annotations

import re
from pathlib import Path

from compiler.loader.quirks import QUIRKS, enabled
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


NUMBER_AS_STRING = """tosca_definitions_version: tosca_simple_yaml_1_3
node_types:
  my.Node:
    derived_from: tosca.nodes.Root
    properties:
      password: { type: string }
      ratio: { type: string, required: false }
      port_name: { type: string, required: false, constraints: [ pattern: "[0-9]+" ] }
      flag: { type: string, required: false }
topology_template:
  inputs:
    port: { type: integer, default: 8080 }
  node_templates:
    n:
      type: my.Node
      properties:
        password: 123456789
        ratio: 1.5
        port_name: { get_input: port }
"""


def test_number_as_string_reads_decimal_text_with_a_note():
    topo, d = run(NUMBER_AS_STRING)
    assert errors(d) == []
    notes = [(x.span.line, x.span.column, x.message) for x in d if x.code == "tosca-quirk"]
    said = ("quirk value.number-as-string: number given for a string, read as its decimal "
            "text (read as {})")
    assert notes == [
        (17, 19, said.format("'123456789'")),
        (18, 16, said.format("'1.5'")),
        (19, 20, said.format("'8080'")),
    ]
    props = topo.nodes["n"].properties
    assert (props["password"], props["ratio"], props["port_name"]) == (
        "123456789", "1.5", "8080")


def test_number_as_string_disabled_is_the_error():
    _, d = run(NUMBER_AS_STRING, quirks=("all", "-value.number-as-string"))
    assert errors(d) == [(17, 19, "tosca-wrong-type"), (18, 16, "tosca-wrong-type"),
                         (19, 20, "tosca-wrong-type")]
    assert "tosca-quirk" not in codes(d)


def test_number_as_string_checks_constraints_on_the_text():
    text = NUMBER_AS_STRING.replace('pattern: "[0-9]+"', 'pattern: "[a-z]+"')
    _, d = run(text)
    assert errors(d) == [(19, 20, "tosca-constraint")]


def test_a_boolean_is_not_a_number_as_string():
    text = NUMBER_AS_STRING.replace("ratio: 1.5", "flag: true")
    _, d = run(text)
    assert errors(d) == [(18, 15, "tosca-wrong-type")]


def test_number_as_string_not_inside_a_data_type_or_list():
    # tosca-parser rejects these too (its test data: a nested contact_phone: 123456789)
    text = """tosca_definitions_version: tosca_simple_yaml_1_3
data_types:
  my.Contact:
    derived_from: tosca.datatypes.Root
    properties:
      phone: { type: string }
node_types:
  my.Node:
    derived_from: tosca.nodes.Root
    properties:
      contact: { type: my.Contact }
      tags: { type: list, entry_schema: { type: string } }
topology_template:
  node_templates:
    n:
      type: my.Node
      properties:
        contact: { phone: 123456789 }
        tags: [ a, 7 ]
"""
    _, d = run(text)
    assert errors(d) == [(18, 27, "tosca-wrong-type"), (19, 20, "tosca-wrong-type")]
    assert "tosca-quirk" not in codes(d)


DATA_FIELD = """tosca_definitions_version: tosca_simple_yaml_1_2
data_types:
  my.Port:
    derived_from: tosca.datatypes.Root
    properties:
      port: { type: string }
  my.Service:
    derived_from: tosca.datatypes.Root
    properties:
      ports: { type: map, entry_schema: { type: my.Port } }
      tags: { type: list, entry_schema: { type: string }, required: false }
node_types:
  my.Node:
    derived_from: tosca.nodes.Root
    properties:
      service: { type: my.Service }
topology_template:
  node_templates:
    n:
      type: my.Node
      properties:
        service: { ports: { http: { port: 8080 } } }
"""


def test_number_in_a_data_type_field_is_opt_in():
    # by default as tosca-parser and the spec: an error, whose hint names the opt-in quirk
    _, d = run(DATA_FIELD)
    assert errors(d) == [(22, 43, "tosca-wrong-type")]
    (err,) = [x for x in d if x.code == "tosca-wrong-type"]
    assert "--quirk value.number-as-string-in-data" in err.hint
    # named (on top of the defaults): read as its text, with a note
    topo, d = run(DATA_FIELD, quirks=("all", "value.number-as-string-in-data"))
    assert errors(d) == []
    notes = [(x.span.line, x.message.split(":")[0]) for x in d if x.code == "tosca-quirk"]
    assert notes == [(22, "quirk value.number-as-string-in-data")]
    assert topo.nodes["n"].properties["service"]["ports"]["http"]["port"] == "8080"
    # a list entry is never read so
    text = DATA_FIELD.replace("{ ports: { http: { port: 8080 } } }",
                              "{ ports: {}, tags: [ a, 7 ] }")
    _, d = run(text, quirks=("all", "value.number-as-string-in-data"))
    assert errors(d) == [(22, 42, "tosca-wrong-type")]


def test_opt_in_quirk_is_not_part_of_all():
    assert QUIRKS["value.number-as-string-in-data"].opt_in
    assert not enabled(("all",), "value.number-as-string-in-data")
    assert enabled(("all", "value.number-as-string-in-data"), "value.number-as-string-in-data")
    assert enabled(("all",), "value.number-as-string")


SWIMAGE = """tosca_definitions_version: tosca_simple_yaml_1_2
node_types:
  my.Vdu:
    derived_from: tosca.nodes.Root
topology_template:
  node_templates:
    vdu:
      type: my.Vdu
      artifacts:
        sw_image:
          type: tosca.artifacts.nfv.SwImage
          file: Files/images/cirros.img
"""


def test_undefined_swimage_read_as_sol001_2x():
    topo, d = run(SWIMAGE)
    assert errors(d) == []
    (note,) = [x for x in d if x.code == "tosca-quirk"]
    assert (note.span.line, note.span.column) == (11, 17)
    assert note.message.startswith("quirk artifact.swimage-undefined:")
    art = topo.nodes["vdu"].artifacts["sw_image"]
    assert (art.type, art.file, art.properties) == (
        "tosca.artifacts.nfv.SwImage", "Files/images/cirros.img", {})


def test_undefined_swimage_disabled_or_with_properties_is_unknown():
    _, d = run(SWIMAGE, quirks=("all", "-artifact.swimage-undefined"))
    assert errors(d) == [(11, 17, "tosca-unknown-type")]
    # properties would need SOL001 3.x's definition, which the package does not give
    _, d = run(SWIMAGE + "          properties: { name: cirros }\n")
    assert errors(d) == [(11, 17, "tosca-unknown-type")]
    assert "tosca-quirk" not in codes(d)


def test_other_undefined_artifact_types_stay_errors():
    _, d = run(SWIMAGE.replace("tosca.artifacts.nfv.SwImage", "tosca.artifacts.nfv.SwImag"))
    assert errors(d) == [(11, 17, "tosca-unknown-type")]


def test_defined_swimage_needs_no_quirk():
    text = SWIMAGE.replace("node_types:", """artifact_types:
  tosca.artifacts.nfv.SwImage:
    derived_from: tosca.artifacts.Deployment.Image
node_types:""")
    topo, d = run(text)
    assert errors(d) == [] and "tosca-quirk" not in codes(d)
    assert topo.nodes["vdu"].artifacts["sw_image"].type == "tosca.artifacts.nfv.SwImage"


def test_quirk_selection_reaches_the_type_reader(tmp_path):
    """--quirk=-operation.list must also switch the quirk off while type definitions are read."""
    import compiler

    f = tmp_path / "t.yaml"
    f.write_text("""tosca_definitions_version: tosca_simple_yaml_1_3
node_types:
  my.Node:
    derived_from: tosca.nodes.Root
    interfaces:
      Standard:
        create: []
topology_template:
  node_templates:
    n:
      type: my.Node
""")
    on = compiler.check(str(f))
    assert "tosca-quirk" in on.diagnostics.codes() and on.ok
    off = compiler.check(str(f), quirks=("all", "-operation.list"))
    assert not off.ok, off.diagnostics.render_text()


def test_cli_naming_an_opt_in_quirk_keeps_the_defaults(tmp_path):
    import io

    from compiler import cli

    f = tmp_path / "t.yaml"
    f.write_text(DATA_FIELD.replace("properties:\n        service:",
                                    "properties:\n        extra: 1.5\n        service:")
                 .replace("service: { type: my.Service }",
                          "service: { type: my.Service }\n      extra: { type: string }"))
    out = io.StringIO()
    assert cli.main(["check", str(f)], out=out) == 1
    out = io.StringIO()
    rc = cli.main(["check", str(f), "--quirk", "value.number-as-string-in-data",
                   "--all-notes"], out=out)
    assert rc == 0, out.getvalue()
    # both the default quirk (extra: 1.5) and the named opt-in one fired
    assert "quirk value.number-as-string:" in out.getvalue()
    assert "quirk value.number-as-string-in-data:" in out.getvalue()
