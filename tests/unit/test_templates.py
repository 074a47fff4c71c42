"""compiler.resolve.templates: node templates, requirements, groups, policies, substitution."""

from __future__ import annotations

from compiler.diagnostics import Severity
from tests.unit.tosca_helpers import codes, errors, run

HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"


def test_node_types_ancestry_defaults_and_requirements():
    topo, d = run(HEAD + """
topology_template:
  node_templates:
    server:
      type: Compute
    dbms:
      type: tosca.nodes.DBMS
      properties: { root_password: x }
      requirements:
        - host: server
    db:
      type: tosca.nodes.Database
      properties: { name: shop }
      requirements:
        - host: { node: dbms, relationship: tosca.relationships.HostedOn }
""")
    assert errors(d) == []
    assert list(topo.nodes) == ["server", "dbms", "db"]
    server = topo.nodes["server"]
    assert server.type == "tosca.nodes.Compute"
    assert server.types == ("tosca.nodes.Compute", "tosca.nodes.Root")
    assert topo.nodes["dbms"].types[:2] == ("tosca.nodes.DBMS", "tosca.nodes.SoftwareComponent")
    (req,) = topo.nodes["db"].requirements
    assert (req.name, req.node, req.capability, req.relationship) == (
        "host", "dbms", "host", "tosca.relationships.HostedOn")
    # a capability property default from the normative types
    assert server.capabilities["scalable"].properties == {"min_instances": 1, "max_instances": 1}


def test_unknown_property_and_keyname_positioned_with_hint():
    topo, d = run(HEAD + """
topology_template:
  node_templates:
    server:
      type: tosca.nodes.Compute
      propertes: {}
    dbms:
      type: tosca.nodes.DBMS
      properties: { root_pasword: x }
""")
    assert (7, 7, "tosca-unknown-field") in errors(d)
    assert (10, 21, "tosca-unknown-property") in errors(d)
    hints = {x.code: x.hint for x in d}
    assert "properties" in hints["tosca-unknown-field"]
    assert "root_password" in hints["tosca-unknown-property"]


def test_missing_required_property():
    _, d = run(HEAD + """
topology_template:
  node_templates:
    disk:
      type: tosca.nodes.BlockStorage
""")
    assert errors(d) == [(5, 5, "tosca-missing-property")]


def test_unknown_type_and_unknown_target():
    _, d = run(HEAD + """
topology_template:
  node_templates:
    a:
      type: tosca.nodes.Compte
    b:
      type: tosca.nodes.SoftwareComponent
      requirements:
        - host: nowhere
""")
    assert (6, 13, "tosca-unknown-type") in errors(d)
    assert (10, 17, "tosca-unknown-template") in errors(d)


def test_unknown_requirement_and_too_many_occurrences():
    _, d = run(HEAD + """
topology_template:
  node_templates:
    s:
      type: tosca.nodes.Compute
    c:
      type: tosca.nodes.SoftwareComponent
      requirements:
        - hots: s
        - host: s
        - host: s
""")
    assert (10, 11, "tosca-requirement") in errors(d)
    assert (12, 11, "tosca-requirement") in errors(d)


def test_requirement_left_open_with_node_type():
    topo, d = run(HEAD + """
topology_template:
  node_templates:
    c:
      type: tosca.nodes.SoftwareComponent
      requirements:
        - host: { node: tosca.nodes.Compute }
""")
    assert errors(d) == []
    assert topo.nodes["c"].requirements[0].node is None


def test_groups_and_policies_with_targets():
    topo, d = run(HEAD + """
topology_template:
  node_templates:
    a: { type: tosca.nodes.Compute }
    b: { type: tosca.nodes.Compute }
  groups:
    g:
      type: tosca.groups.Root
      members: [ a, b ]
  policies:
    - p:
        type: tosca.policies.Placement
        targets: [ g, a ]
    - q:
        type: tosca.policies.Root
        targets: [ c ]
""")
    assert topo.groups["g"].members == ("a", "b")
    assert topo.policies["p"].targets == ("g", "a")
    assert errors(d) == [(17, 20, "tosca-unknown-template")]


def test_substitution_mappings():
    topo, d = run(HEAD + """
node_types:
  my.App:
    derived_from: tosca.nodes.Root
    properties:
      size: { type: integer }
topology_template:
  inputs:
    size: { type: integer, default: 3 }
  substitution_mappings:
    node_type: my.App
    properties:
      size: [ size ]
    capabilities:
      feature: [ s, feature ]
      nope: [ s, feature ]
  node_templates:
    s: { type: tosca.nodes.Compute }
""")
    assert topo.substitution.node_type == "my.App"
    assert topo.substitution.properties == {"size": 3}
    assert topo.substitution.capabilities == {"feature": ("s", "feature")}
    assert errors(d) == [(17, 7, "tosca-substitution")]


def test_quirk_is_a_note_and_can_be_disabled():
    text = HEAD + """
node_types:
  my.Node:
    derived_from: tosca.nodes.Root
    interfaces:
      Standard: { type: tosca.interfaces.node.lifecycle.Standard }
topology_template:
  policies:
    a: { type: tosca.policies.Root }
"""
    topo, d = run(text)
    assert errors(d) == []
    assert "tosca-quirk" in codes(d)
    _, d2 = run(text, quirks=("none",))
    assert [c for c in codes(d2, Severity.ERROR)] == ["tosca-wrong-type"]


SOL001_441 = """tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_common_types.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml
topology_template:
  node_templates:
    web_pod:
      type: tosca.nodes.nfv.Vdu.OsContainerDeployableUnit
      properties:
        name: web
        description: web pod
        vdu_profile: { min_number_of_instances: 1, max_number_of_instances: 3 }
        mcio_identification_data: { name: web, type: Deployment }
      requirements:
        - container: web_container
    web_container:
      type: tosca.nodes.nfv.Vdu.OsContainer
      properties:
        name: nginx
        description: the web server
        requested_memory_resources: 256 MiB
      artifacts:
        image: { type: tosca.artifacts.nfv.SwImage, file: "nginx:1.25" }
    web_mciop:
      type: tosca.nodes.nfv.Mciop
      requirements:
        - associatedVdu: web_pod
      artifacts:
        chart: { type: tosca.artifacts.nfv.HelmChart, file: Files/web-1.0.tgz }
    web_svc:
      type: tosca.nodes.nfv.VirtualCp
      properties:
        layer_protocols: [ ipv4 ]
      requirements:
        - target: web_pod
"""


def test_sol001_441_container_types(tmp_path):
    from compiler.diagnostics import Diagnostics
    from compiler.loader import load
    from compiler.pipeline import Options
    from compiler.resolve import resolve

    (tmp_path / "cnf.yaml").write_text(SOL001_441)
    d = Diagnostics()
    pkg = load(str(tmp_path / "cnf.yaml"), Options(), d)
    topo = resolve(pkg, Options(), d)
    assert not d.has_errors, d.render_text()
    pod = topo.nodes["web_pod"]
    assert pod.requirements[0].node == "web_container"
    assert pod.requirements[0].relationship == "tosca.relationships.nfv.DeploysTo"
    assert topo.nodes["web_mciop"].requirements[0].node == "web_pod"
    assert topo.nodes["web_svc"].requirements[0].node == "web_pod"
    assert topo.nodes["web_container"].artifacts["image"].file == "nginx:1.25"
    assert pod.properties["vdu_profile"]["max_number_of_instances"] == 3
