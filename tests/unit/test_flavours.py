"""compiler.resolve.flavours: SOL001 deployment flavours selected and resolved."""

from __future__ import annotations

from pathlib import Path

from compiler.diagnostics import Diagnostics, Severity
from compiler.loader import load
from compiler.pipeline import Options
from compiler.resolve import resolve

IMPORTS = """imports:
  - etsi_nfv_sol001_common_types.yaml
  - etsi_nfv_sol001_vnfd_types.yaml
"""
TYPES = """tosca_definitions_version: tosca_simple_yaml_1_2
""" + IMPORTS + """
node_types:
  acme.VNF:
    derived_from: tosca.nodes.nfv.VNF
    properties:
      descriptor_id: { type: string, default: d-1 }
      descriptor_version: { type: string, default: '1.0' }
      provider: { type: string, default: Acme }
      product_name: { type: string, default: Box }
      software_version: { type: string, default: '1.0' }
      vnfm_info: { type: list, entry_schema: { type: string }, default: [ Tacker ] }
      flavour_id: { type: string, constraints: [ valid_values: [ small, large ] ], default: small }
      flavour_description: { type: string, default: '' }
"""
TOP = """tosca_definitions_version: tosca_simple_yaml_1_2
""" + IMPORTS + """  - types.yaml
  - df_small.yaml
  - df_large.yaml
topology_template:
  inputs:
    selected_flavour: { type: string }
  node_templates:
    VNF:
      type: acme.VNF
      properties:
        flavour_id: { get_input: selected_flavour }
"""


def df(fid: str, vdus: int) -> str:
    nodes = "".join(f"""
    VDU{i}:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: {{ concat: [ {{ get_input: product_name }}, "-{i}" ] }}
        description: vdu
        vdu_profile: {{ min_number_of_instances: 1, max_number_of_instances: 2 }}
""" for i in range(vdus))
    return f"""tosca_definitions_version: tosca_simple_yaml_1_2
{IMPORTS}  - types.yaml
topology_template:
  inputs:
    product_name: {{ type: string }}
  substitution_mappings:
    node_type: acme.VNF
    properties:
      flavour_id: {fid}
  node_templates:{nodes}"""


def make(tmp_path: Path) -> Path:
    (tmp_path / "types.yaml").write_text(TYPES)
    (tmp_path / "df_small.yaml").write_text(df("small", 1))
    (tmp_path / "df_large.yaml").write_text(df("large", 3))
    (tmp_path / "top.yaml").write_text(TOP)
    return tmp_path / "top.yaml"


def resolve_path(path: Path, **opts):
    o = Options(**opts)
    d = Diagnostics()
    pkg = load(str(path), o, d)
    assert pkg is not None, d.render_text()
    return resolve(pkg, o, d), d


def test_choice_required_lists_flavours(tmp_path):
    topo, d = resolve_path(make(tmp_path))
    assert topo is None
    (e,) = [x for x in d if x.severity == Severity.ERROR]
    assert e.code == "tosca-flavour" and "large, small" in e.message
    assert (e.span.line, e.span.column) == (15, 21)  # the flavour_id value


def test_flavour_option_selects_and_feeds_inputs(tmp_path):
    topo, d = resolve_path(make(tmp_path), flavour="large")
    assert not d.has_errors, d.render_text()
    assert topo.flavour == "large"
    assert sorted(topo.nodes) == ["VDU0", "VDU1", "VDU2", "VNF"]
    # the flavour's input product_name is fed by the top-level VNF's property default
    assert topo.nodes["VDU2"].properties["name"] == "Box-2"


def test_input_selects_flavour(tmp_path):
    topo, d = resolve_path(make(tmp_path), inputs={"selected_flavour": "small"})
    assert not d.has_errors, d.render_text()
    assert topo.flavour == "small" and sorted(topo.nodes) == ["VDU0", "VNF"]


def test_unknown_flavour(tmp_path):
    topo, d = resolve_path(make(tmp_path), flavour="medium")
    assert topo is None
    (e,) = [x for x in d if x.severity == Severity.ERROR]
    assert e.code == "tosca-flavour" and "small" in e.hint


def test_only_flavour_is_the_default(tmp_path):
    make(tmp_path)
    (tmp_path / "top.yaml").write_text(TOP.replace("  - df_large.yaml\n", ""))
    topo, d = resolve_path(tmp_path / "top.yaml")
    assert not d.has_errors, d.render_text()
    assert topo.flavour == "small"


# Flavour files found by directory: a CSAR whose top-level VNFD imports none of them
# (Tacker sometimes leaves them to be found in Definitions/).  The loader reads them once
# (compiler/loader/flavours.py, Package.unimported); resolve opens no file (issue 25).
META = ("TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: xfc tests\n"
        "Entry-Definitions: Definitions/top.yaml\n")


def make_csar(tmp_path: Path) -> Path:
    pkg = tmp_path / "pkg"
    defs = pkg / "Definitions"
    defs.mkdir(parents=True)
    (pkg / "TOSCA-Metadata").mkdir()
    (pkg / "TOSCA-Metadata" / "TOSCA.meta").write_text(META)
    (defs / "types.yaml").write_text(TYPES)
    (defs / "df_small.yaml").write_text(df("small", 1))
    (defs / "df_large.yaml").write_text(df("large", 3))
    (defs / "notes.yaml").write_text("just: data\n")  # beside, but substitutes nothing
    (defs / "top.yaml").write_text(TOP.replace("  - df_small.yaml\n  - df_large.yaml\n", ""))
    # in no folder of a file the imports reach: not looked at
    (pkg / "Files").mkdir()
    (pkg / "Files" / "df_other.yaml").write_text(df("other", 1))
    return pkg


def test_the_loader_finds_the_flavour_files_no_import_reaches(tmp_path):
    d = Diagnostics()
    pkg = load(str(make_csar(tmp_path)), Options(), d)
    assert pkg is not None and not d.has_errors, d.render_text()
    assert [sf.name for sf in pkg.unimported] == ["Definitions/df_large.yaml",
                                                   "Definitions/df_small.yaml"]
    assert [sf.name for sf in pkg.unimported_substituting()] == [sf.name for sf in pkg.unimported]
    assert pkg.substituting() == ()  # the imports reach none
    # a lone descriptor's folder is no package: nothing is found by directory there
    make(tmp_path)
    (tmp_path / "top.yaml").write_text(TOP.replace("  - df_small.yaml\n  - df_large.yaml\n", ""))
    lone = load(str(tmp_path / "top.yaml"), Options(), Diagnostics())
    assert lone.unimported == ()


def test_resolve_takes_flavour_files_found_by_directory_and_opens_no_file(tmp_path, monkeypatch):
    import compiler.loader

    o = Options(flavour="large")
    d = Diagnostics()
    pkg = load(str(make_csar(tmp_path)), o, d)

    def no_reading(*a, **kw):
        raise AssertionError("resolve read a package file again")

    monkeypatch.setattr(compiler.loader, "read_yaml_file", no_reading)
    monkeypatch.setattr(type(pkg.fs), "read_bytes", no_reading)
    topo = resolve(pkg, o, d)
    assert not d.has_errors, d.render_text()
    assert topo.flavour == "large" and sorted(topo.nodes) == ["VDU0", "VDU1", "VDU2", "VNF"]
    assert topo.flavours == ("large", "small")
    d = Diagnostics()
    assert resolve(pkg, Options(), d) is None
    (e,) = [x for x in d if x.severity == Severity.ERROR]
    assert e.code == "tosca-flavour" and "large, small" in e.message
