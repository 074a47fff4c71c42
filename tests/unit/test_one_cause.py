"""One cause, one error (issue 21 item 7): no error that only follows from an earlier one,
no "did you mean" naming what the user wrote, no warning for what the author did not
write (a catalog type's default)."""

from __future__ import annotations

from compiler import compile as compile_
from compiler.diagnostics import Severity
from compiler.pipeline import Options
from compiler.resolve.functions import did_you_mean
from tests.unit.tosca_helpers import run

TYPO = """\
tosca_definitions_version: tosca_simple_yaml_1_3
topology_template:
  node_templates:
    orders_db:
      type: tosca.nodes.Databse
      properties: { name: orders }
    api:
      type: tosca.nodes.SoftwareComponent
      properties:
        component_version: { get_property: [ orders_db, name ] }
      attributes:
        tosca_id: { get_attribute: [ orders_db, state ] }
"""


def test_a_template_with_an_unknown_type_is_one_error_not_a_cascade():
    _, d = run(TYPO)
    errs = [(x.span.line, x.code) for x in d if x.severity >= Severity.ERROR]
    assert errs == [(5, "tosca-unknown-type")]
    assert not any("orders_db" in x.hint for x in d)


def test_did_you_mean_never_suggests_the_name_written():
    assert did_you_mean("orders_db", ["orders_db"]) == ""
    assert did_you_mean("orders_db", ["orders_db", "order_db"]) == "did you mean 'order_db'?"


def test_a_catalog_default_the_author_did_not_write_draws_no_warning(tmp_path):
    # SOL001 4.4.1 gives Vdu.Compute boot_order a default; a container has no boot order,
    # but the author wrote none: nothing to act on
    path = tmp_path / "vnfd.yaml"
    path.write_text("""\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_common_types.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml
topology_template:
  node_templates:
    cart:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: cart
        description: cart service
        vdu_profile: { min_number_of_instances: 1, max_number_of_instances: 1 }
      capabilities:
        virtual_compute:
          properties:
            virtual_memory: { virtual_mem_size: 128 MB }
            virtual_cpu: { num_virtual_cpu: 1 }
      artifacts:
        image: { type: tosca.artifacts.nfv.SwImage, file: "ghcr.io/acme/cart:1.4" }
""", encoding="utf-8")
    unit = compile_(str(path), Options(emitters=("kubernetes",)))
    assert unit.ok, unit.diagnostics.render_text()
    warned = [d for d in unit.diagnostics if d.severity >= Severity.WARNING]
    assert warned == [], unit.diagnostics.render_text()
    # written, it is warned at the author's line
    path.write_text(path.read_text().replace("description: cart service",
                                             "description: cart service\n        boot_order: true"))
    unit = compile_(str(path), Options(emitters=("kubernetes",)))
    assert [(d.code, d.span.line) for d in unit.diagnostics
            if d.severity >= Severity.WARNING] == [("k8s-not-expressible", 12)]
