"""The substitution-mapping quirks that let Tacker's own sample packages through (issue 21).

Tacker 16.0.0's onboarding accepts a deployment flavour whose substitution_mappings name a
node template the flavour lacks, a requirement the node template lacks, or a flavour_id
outside the VNF type's valid_values (tests/integration/test_tacker_gate.py runs Tacker's
code on its samples).  xfc accepts the same, each with a positioned WARNING that names the
clause and what xfc does; with the quirk disabled each is the error it was.  The input
is our own flavour, written in the style of Tacker's v2 samples (SOL001 2.6.1 types).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import api
from compiler.diagnostics import Severity
from compiler.pipeline import Options

FLAVOUR = """\
tosca_definitions_version: tosca_simple_yaml_1_2
description: a deployment flavour in the style of Tacker's v2 samples
imports:
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml
node_types:
  example.Vnf:
    derived_from: tosca.nodes.nfv.VNF
    properties:
      flavour_id:
        type: string
        constraints: [ valid_values: [ small ] ]
        default: small
    requirements:
      - uplink:
          capability: tosca.capabilities.nfv.VirtualLinkable
          occurrences: [ 0, 1 ]
      - downlink:
          capability: tosca.capabilities.nfv.VirtualLinkable
          occurrences: [ 0, 1 ]
      - mgmt:
          capability: tosca.capabilities.nfv.VirtualLinkable
          occurrences: [ 0, 1 ]
topology_template:
  substitution_mappings:
    node_type: example.Vnf
    properties:
      flavour_id: FLAVOUR_ID
    requirements:
      uplink: [ edge_port, virtual_link ]
      downlink: [ core_port, external_link ]
      mgmt: [ core_port, virtual_link ]
  node_templates:
    core:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: core
        description: core server
        vdu_profile: { min_number_of_instances: 1, max_number_of_instances: 1 }
      capabilities:
        virtual_compute:
          properties:
            virtual_memory: { virtual_mem_size: 512 MB }
            virtual_cpu: { num_virtual_cpu: 1 }
            virtual_local_storage: [ { size_of_storage: 1 GB } ]
    core_port:
      type: tosca.nodes.nfv.VduCp
      properties:
        layer_protocols: [ ipv4 ]
        order: 0
      requirements:
        - virtual_binding: core
"""

NAMES = ("substitution.missing-node", "substitution.missing-requirement",
         "substitution.flavour-id-valid-values")


def _check(tmp_path: Path, flavour_id: str = "large", quirks: tuple[str, ...] = ("all",)):
    path = tmp_path / "df.yaml"
    path.write_text(FLAVOUR.replace("FLAVOUR_ID", flavour_id), encoding="utf-8")
    return api.check(api.CheckRequest(path=str(path), options=Options(quirks=quirks))).unit


def _said(unit, code: str) -> list[tuple[int, int, str, str]]:
    return [(d.span.line, d.span.column, d.severity.name.lower(), d.message)
            for d in unit.diagnostics if d.code == code]


def test_each_fault_is_a_positioned_warning_naming_the_clause(tmp_path: Path) -> None:
    unit = _check(tmp_path)
    assert unit.ok, [d.message for d in unit.diagnostics.errors()]
    quirks = _said(unit, "tosca-quirk")
    assert quirks == [
        (28, 19, "warning", "quirk substitution.flavour-id-valid-values: flavour_id outside "
         "the VNF type's valid_values (TOSCA 1.3 §3.6.3, §3.8.13); the flavour keeps the id "
         "written (large is not one of [small])"),
        (30, 17, "warning", "quirk substitution.missing-node: the mapping names no node "
         "template of the flavour (TOSCA 1.3 §3.8.13); it is dropped: nothing is built from "
         "it (requirement 'uplink' mapped to 'edge_port')"),
        (31, 30, "warning", "quirk substitution.missing-requirement: the node template has "
         "no such requirement (TOSCA 1.3 §3.8.13); the mapping is dropped: nothing is built "
         "from it (requirement 'downlink' mapped to 'external_link' of 'core_port')"),
    ]


def test_what_xfc_does_is_what_the_warning_says(tmp_path: Path) -> None:
    sub = _check(tmp_path).topology.substitution
    assert sub is not None
    # the dangling mappings are dropped, the good one is kept; the flavour keeps its id
    assert dict(sub.requirements) == {"mgmt": ("core_port", "virtual_link")}
    assert sub.properties["flavour_id"] == "large"


@pytest.mark.parametrize("name,line,col,code", [
    ("substitution.flavour-id-valid-values", 28, 19, "tosca-constraint"),
    ("substitution.missing-node", 30, 17, "tosca-unknown-template"),
    ("substitution.missing-requirement", 31, 30, "tosca-substitution"),
])
def test_without_the_quirk_it_is_the_error_it_was(tmp_path: Path, name: str, line: int,
                                                  col: int, code: str) -> None:
    unit = _check(tmp_path, quirks=("all", f"-{name}"))
    errors = [(d.span.line, d.span.column, d.code) for d in unit.diagnostics.errors()]
    assert errors == [(line, col, code)]
    assert not [m for *_x, m in _said(unit, "tosca-quirk") if name in m]


def test_a_valid_flavour_id_draws_no_warning(tmp_path: Path) -> None:
    unit = _check(tmp_path, flavour_id="small")
    assert not [m for *_x, m in _said(unit, "tosca-quirk") if "flavour-id" in m]


def test_by_the_letter_all_three_are_errors(tmp_path: Path) -> None:
    unit = _check(tmp_path, quirks=("none",))
    codes = sorted(d.code for d in unit.diagnostics if d.severity >= Severity.ERROR)
    assert codes == ["tosca-constraint", "tosca-substitution", "tosca-unknown-template"]
