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
