"""Each TOSCA version by its own rules: refinement of re-declared properties and the
normative types of the version (docs/type-system.md, "Versions").

A failing and a passing case per version: 1.0-1.2 replace a re-declared property's
definition (TOSCA 1.0-1.2 §3.5.8 state no refinement, tosca-parser replaces), so the
derived type's wider ``valid_values`` is the list that applies; 1.3 refines
(§3.6.10.4: constraints accumulate), so the parent's list still applies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import analyse as check  # the front end: these are TOSCA-version facts
from compiler.resolve import normative

TEMPLATE = """\
tosca_definitions_version: {version}
node_types:
  my.Port:
    derived_from: tosca.nodes.Root
    properties:
      vnic_type:
        type: string
        constraints:
          - valid_values: [normal, virtio]
  my.WidePort:
    derived_from: my.Port
    properties:
      vnic_type:
        type: string
        constraints:
          - valid_values: [normal, virtio, direct, macvtap, baremetal]
topology_template:
  node_templates:
    port:
      type: my.WidePort
      properties:
        vnic_type: {value}
"""

REPLACING = ("tosca_simple_yaml_1_0", "tosca_simple_yaml_1_1", "tosca_simple_yaml_1_2",
             "tosca_simple_profile_for_nfv_1_0_0")


def _codes(tmp_path: Path, text: str) -> list[str]:
    f = tmp_path / "t.yaml"
    f.write_text(text, encoding="utf-8")
    unit = check(str(f))
    return [d.code for d in unit.diagnostics if d.severity.name == "ERROR"]


@pytest.mark.parametrize("version", REPLACING)
def test_wider_valid_values_replace_before_1_3(tmp_path: Path, version: str) -> None:
    # passing: `direct` is in the derived type's list, which replaces the parent's
    assert _codes(tmp_path, TEMPLATE.format(version=version, value="direct")) == []
    # failing: the derived type's own list still applies
    assert _codes(tmp_path, TEMPLATE.format(version=version, value="sriov")) == [
        "tosca-constraint"]


def test_constraints_accumulate_in_1_3(tmp_path: Path) -> None:
    v = "tosca_simple_yaml_1_3"
    # failing: the parent's valid_values still applies (refinement only narrows)
    assert _codes(tmp_path, TEMPLATE.format(version=v, value="direct")) == [
        "tosca-constraint"]
    # passing: in both lists
    assert _codes(tmp_path, TEMPLATE.format(version=v, value="virtio")) == []


def test_1_3_refinement_inherits_unstated_keynames(tmp_path: Path) -> None:
    # a 1.3 refinement without `type` or `required` keeps the parent's (optional string);
    # before 1.3 the re-declaration is the whole definition, so `required` is true again
    text = """\
tosca_definitions_version: {version}
node_types:
  my.A:
    derived_from: tosca.nodes.Root
    properties:
      p: {{type: string, required: false}}
  my.B:
    derived_from: my.A
    properties:
      p: {{type: string, description: again}}
topology_template:
  node_templates:
    b: {{type: my.B}}
"""
    assert _codes(tmp_path, text.format(version="tosca_simple_yaml_1_3")) == []
    assert "tosca-missing-property" in _codes(
        tmp_path, text.format(version="tosca_simple_yaml_1_2"))


CONTAINER = """\
tosca_definitions_version: {version}
topology_template:
  node_templates:
    net:
      type: tosca.nodes.network.Network
    app:
      type: tosca.nodes.Container.Application
      requirements:
        - network: net
"""


def test_container_application_network_requirement_is_1_1_and_later(tmp_path: Path) -> None:
    # TOSCA 1.1 adds the `network` requirement to tosca.nodes.Container.Application
    assert "tosca-requirement" in _codes(
        tmp_path, CONTAINER.format(version="tosca_simple_yaml_1_0"))
    for v in ("tosca_simple_yaml_1_1", "tosca_simple_yaml_1_2", "tosca_simple_yaml_1_3"):
        assert _codes(tmp_path, CONTAINER.format(version=v)) == [], v


STORAGE = """\
tosca_definitions_version: {version}
topology_template:
  node_templates:
    disk:
      type: tosca.nodes.Storage.BlockStorage
      properties:
        size: 10 GB
"""


def test_storage_namespace_is_1_1_and_abstract_storage_1_2(tmp_path: Path) -> None:
    assert "tosca-unknown-type" in _codes(tmp_path, STORAGE.format(
        version="tosca_simple_yaml_1_0"))
    assert _codes(tmp_path, STORAGE.format(version="tosca_simple_yaml_1_1")) == []
    names = {v: {t.name: t for t in normative.types_for(v)} for v in normative.SIMPLE_VERSIONS}
    assert "tosca.nodes.Abstract.Storage" not in names["tosca_simple_yaml_1_1"]
    assert names["tosca_simple_yaml_1_2"]["tosca.nodes.Storage.BlockStorage"].derived_from \
        == "tosca.nodes.Abstract.Storage"
    assert names["tosca_simple_yaml_1_3"]["tosca.nodes.Abstract.Compute"].normative


RETYPED = """\
tosca_definitions_version: {version}
node_types:
  my.A:
    derived_from: tosca.nodes.Root
    properties:
      p: {{type: string, required: false}}
  my.B:
    derived_from: my.A
    properties:
      p: {{type: {ptype}, required: false}}
topology_template:
  node_templates:
    b: {{type: my.B}}
"""


def test_1_3_refinement_keeps_the_type_line(tmp_path: Path) -> None:
    # TOSCA 1.3 §3.6.10.4: a refinement's type is the parent's or derived from it
    assert _codes(tmp_path, RETYPED.format(version="tosca_simple_yaml_1_3",
                                           ptype="integer")) == ["tosca-wrong-type"]
    # a type derived from string is a refinement
    derived = RETYPED.format(version="tosca_simple_yaml_1_3", ptype="my.Str").replace(
        "node_types:", "data_types:\n  my.Str:\n    derived_from: string\nnode_types:")
    assert _codes(tmp_path, derived) == []
    # before 1.3 the re-declaration replaces the definition: any type goes
    assert _codes(tmp_path, RETYPED.format(version="tosca_simple_yaml_1_2",
                                           ptype="integer")) == []


HEAT_VNIC = """\
tosca_definitions_version: {version}
imports:
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml
node_types:
  heat.VduCp:
    derived_from: tosca.nodes.nfv.VduCp
    properties:
      vnic_type:
        type: string
        required: false
        constraints:
          - valid_values: [normal, virtio, direct-physical, direct, macvtap, baremetal]
topology_template:
  node_templates:
    cp:
      type: heat.VduCp
      properties:
        layer_protocols: [ipv4]
        vnic_type: {value}
"""


def test_heat_translator_vnic_type_over_sol001(tmp_path: Path) -> None:
    # the heat-translator way of extending SOL001 2.6.1's VduCp.vnic_type, in a 1.2 file
    v12 = "tosca_simple_yaml_1_2"
    assert _codes(tmp_path, HEAT_VNIC.format(version=v12, value="macvtap")) == []
    assert _codes(tmp_path, HEAT_VNIC.format(version=v12, value="sriov")) == [
        "tosca-constraint"]
    # read as TOSCA 1.3, SOL001's own list still applies
    assert _codes(tmp_path, HEAT_VNIC.format(version="tosca_simple_yaml_1_3",
                                             value="macvtap")) == ["tosca-constraint"]
