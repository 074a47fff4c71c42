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
            if d.severity >= Severity.WARNING] == [("unsupported", 12)]


# ---- one mistake each: the first error is the only one (issue 21 item 7) ----------------
# Diagnostics.mark_failed records the entity an error was about; later phases ask
# failed_at and drop what only follows from it.

REQ_TYPO = """\
tosca_definitions_version: tosca_simple_yaml_1_3
topology_template:
  node_templates:
    app:
      type: tosca.nodes.SoftwareComponent
      requirements:
        - host: srvr
      properties:
        component_version: { get_property: [ SELF, host, num_cpus ] }
    server:
      type: tosca.nodes.Compute
"""

PROP_TYPO = """\
tosca_definitions_version: tosca_simple_yaml_1_3
topology_template:
  node_templates:
    db:
      type: tosca.nodes.Database
      properties:
        name: orders
        nmae: x
      requirements:
        - host: dbms
    dbms:
      type: tosca.nodes.DBMS
      requirements:
        - host: server
    server:
      type: tosca.nodes.Compute
    app:
      type: tosca.nodes.SoftwareComponent
      properties:
        component_version: { get_property: [ db, nmae ] }
      requirements:
        - host: server
"""

CAP_TYPO = """\
tosca_definitions_version: tosca_simple_yaml_1_3
topology_template:
  node_templates:
    server:
      type: tosca.nodes.Compute
      capabilities:
        hots:
          properties:
            num_cpus: 2
    app:
      type: tosca.nodes.SoftwareComponent
      properties:
        component_version: { get_property: [ server, hots, num_cpus ] }
      requirements:
        - host: server
"""

PARENT_TYPO = """\
tosca_definitions_version: tosca_simple_yaml_1_3
node_types:
  my.App:
    derived_from: tosca.nodes.SoftwareComponnet
    properties:
      port: { type: integer }
topology_template:
  node_templates:
    server:
      type: tosca.nodes.Compute
    app:
      type: my.App
      properties:
        port: 80
        component_version: "1"
      requirements:
        - host: server
    other:
      type: tosca.nodes.SoftwareComponent
      properties:
        component_version: { get_property: [ app, port ] }
      requirements:
        - host: server
"""

DATA_TYPE_TYPO = """\
tosca_definitions_version: tosca_simple_yaml_1_3
data_types:
  my.Endpoint:
    derived_from: tosca.datatypes.Root
    properties:
      port: { type: integer }
node_types:
  my.App:
    derived_from: tosca.nodes.SoftwareComponent
    properties:
      ep: { type: my.Endpont }
topology_template:
  node_templates:
    server:
      type: tosca.nodes.Compute
    app:
      type: my.App
      properties:
        ep: { port: 80 }
      requirements:
        - host: server
    app2:
      type: my.App
      properties:
        ep: { port: 81 }
      requirements:
        - host: server
"""



def _errors(text):
    _, d = run(text)
    return [(x.span.line, x.code) for x in d if x.severity >= Severity.ERROR]


def test_get_property_through_an_unresolved_requirement_is_no_second_error():
    assert _errors(REQ_TYPO) == [(7, "tosca-unknown-template")]


def test_get_property_of_a_misspelled_property_is_no_second_error():
    assert _errors(PROP_TYPO) == [(8, "tosca-unknown-property")]


def test_get_property_through_a_misspelled_capability_is_no_second_error():
    assert _errors(CAP_TYPO) == [(7, "tosca-unknown-field")]


def test_a_type_derived_from_an_unknown_type_lacks_nothing_else():
    # its templates' inherited properties and requirements are not "undefined" on top
    assert _errors(PARENT_TYPO) == [(4, "tosca-unknown-type")]


def test_an_unknown_data_type_is_one_error_however_many_values_use_it():
    _, d = run(DATA_TYPE_TYPO)
    found = [(x.span.line, x.severity, x.code) for x in d]
    assert found == [(11, Severity.WARNING, "tosca-unknown-type"),
                     (19, Severity.ERROR, "tosca-unknown-type")]


def test_an_error_that_does_not_follow_from_an_earlier_one_is_still_reported():
    # the misspelled property is dropped, a get_property naming another missing one is not
    text = PROP_TYPO.replace("get_property: [ db, nmae ]", "get_property: [ db, size ]")
    assert _errors(text) == [(8, "tosca-unknown-property"), (20, "tosca-function")]


def test_get_attribute_of_a_misspelled_attribute_is_no_second_error():
    text = """\
tosca_definitions_version: tosca_simple_yaml_1_3
topology_template:
  node_templates:
    server:
      type: tosca.nodes.Compute
      attributes:
        privat_address: 10.0.0.1
    app:
      type: tosca.nodes.SoftwareComponent
      properties:
        component_version: "1"
      attributes:
        tosca_name: { get_attribute: [ server, privat_address ] }
      requirements:
        - host: server
"""
    assert _errors(text) == [(7, "tosca-unknown-property")]
