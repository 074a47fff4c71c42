"""compiler.resolve.types: the registry — collection, names, linking, merging, checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.diagnostics import Diagnostics, Severity
from compiler.loader.yamlpos import load_yaml
from compiler.loader.package import Package, SourceFile
from compiler.resolve.typedefs import MISSING
from compiler.resolve.types import TypeRegistry

V13 = "tosca_simple_yaml_1_3"


def package(*files: tuple[str, str] | tuple[str, str, str]) -> tuple[Package, Diagnostics]:
    d = Diagnostics()
    out = []
    for f in files:
        name, text, prefix = (f + ("",))[:3]
        out.append(SourceFile(name=name, display=name, data=load_yaml(text, name, d), prefix=prefix))
    return Package(root=files[0][0], entry=files[0][0], files=tuple(out)), d


def build(*files, version: str = V13) -> tuple[TypeRegistry, Diagnostics]:
    pkg, d = package(*files)
    assert not d.has_errors, d.render_text()
    return TypeRegistry.build(pkg, d, version), d


def where(d: Diagnostics) -> list[tuple[int, int, str]]:
    return [(x.span.line, x.span.column, x.code) for x in d if x.severity >= Severity.ERROR]


HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"
USE = """
topology_template:
  node_templates:
    n:
      type: {0}
"""


def test_normative_names() -> None:
    reg, d = build(("a.yaml", HEAD))
    assert not d.has_errors
    assert reg.canonical("node", "Compute") == "tosca.nodes.Compute"
    assert reg.canonical("node", "tosca:Compute") == "tosca.nodes.Compute"
    assert reg.canonical("data", "PortSpec") == "tosca.datatypes.network.PortSpec"
    assert reg.canonical("relationship", "HostedOn") == "tosca.relationships.HostedOn"
    assert reg.canonical("node", "Nope") is None
    assert reg.ancestry("node", "Compute") == ("tosca.nodes.Compute", "tosca.nodes.Root")
    assert reg.is_a("node", "tosca.nodes.DBMS", "SoftwareComponent")
    assert not reg.is_a("node", "tosca.nodes.DBMS", "Compute")
    assert reg.primitive_of("tosca.datatypes.network.PortDef") == "integer"
    assert reg.get("interface", "tosca.interfaces.Root") is not None
    assert reg.get("capability", "tosca.capabilities.Compute") is not None  # TOSCA 1.2+


def test_nfv_profile_only_for_its_version() -> None:
    reg, _ = build(("a.yaml", "tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0\n"),
                   version="tosca_simple_profile_for_nfv_1_0_0")
    assert reg.ancestry("node", "tosca.nodes.nfv.VDU") == (
        "tosca.nodes.nfv.VDU", "tosca.nodes.Compute", "tosca.nodes.Root")
    # the NFV file writes "tosca.relationships.root"; we read it as Root, silently
    assert reg.parent("relationship", "tosca.relationships.nfv.ForwardsTo") == "tosca.relationships.Root"
    plain, _ = build(("a.yaml", HEAD))
    assert plain.get("node", "tosca.nodes.nfv.VDU") is None


def test_merged_properties_refine_and_keep_false_defaults() -> None:
    reg, d = build(("a.yaml", HEAD + """
node_types:
  my.Base:
    derived_from: tosca.nodes.Root
    properties:
      enabled: {type: boolean, default: false}
      count: {type: integer, default: 0, constraints: [{greater_or_equal: 0}]}
      name: {type: string, required: false}
  my.Child:
    derived_from: my.Base
    properties:
      count: {constraints: [{less_than: 10}], default: 3}
      extra: {type: string, default: ""}
""" + USE.format("my.Child")))
    assert where(d) == []
    props = reg.properties("node", "my.Child")
    assert list(props) == ["enabled", "count", "name", "extra"]
    assert props["enabled"].default is False and props["enabled"].has_default
    assert props["extra"].default == "" and props["extra"].has_default
    assert props["name"].default is MISSING and not props["name"].has_default
    assert props["name"].required is False and props["enabled"].required is True
    count = props["count"]
    assert (count.type, count.default) == ("integer", 3)
    assert [c.operator for c in count.constraints] == ["greater_or_equal", "less_than"]
    assert reg.properties("node", "my.Child") is props  # memoised


def test_requirements_capabilities_interfaces() -> None:
    reg, d = build(("a.yaml", HEAD + """
capability_types:
  my.Cap:
    derived_from: tosca.capabilities.Root
    properties:
      port: {type: integer, required: false}
node_types:
  my.A:
    derived_from: tosca.nodes.SoftwareComponent
    requirements:
      - backend: {capability: my.Cap, node: my.A, relationship: ConnectsTo, occurrences: [0, UNBOUNDED]}
      - host: {capability: tosca.capabilities.Compute, relationship: tosca.relationships.HostedOn}
    capabilities:
      svc:
        type: my.Cap
        valid_source_types: [my.A]
      feature: tosca.capabilities.Node
    interfaces:
      Standard:
        create: scripts/create.sh
""" + USE.format("my.A")))
    assert where(d) == []
    reqs = reg.requirements("my.A")
    assert [r.name for r in reqs] == ["dependency", "host", "backend"]  # host replaced in place
    host = reqs[1]
    assert (host.capability, host.occurrences) == ("tosca.capabilities.Compute", (1, 1))
    backend = reqs[2]
    assert backend.occurrences[1] == float("inf") and backend.relationship == "ConnectsTo"
    caps = reg.capabilities("my.A")
    assert caps["svc"].type == "my.Cap" and list(caps["svc"].properties) == ["port"]
    assert caps["svc"].valid_source_types == ("my.A",)
    assert caps["feature"].type == "tosca.capabilities.Node"
    std = reg.interfaces("node", "my.A")["Standard"]
    assert std.type == "tosca.interfaces.node.lifecycle.Standard"
    assert list(std.operations) == ["create", "configure", "start", "stop", "delete"]
    assert std.operations["create"].implementation == "scripts/create.sh"


def test_unknown_derived_from_cycle_and_fields_are_positioned() -> None:
    reg, d = build(("a.yaml", HEAD + """
node_types:
  my.A:
    derived_from: my.Missing
  my.B:
    derived_from: my.C
  my.C:
    derived_from: my.B
  my.D:
    derived_from: tosca.nodes.Root
    propertees: {}
    properties:
      p: {type: strin}
      q: {type: string, requird: true}
      r: {type: integer, default: two}
      s: {type: integer, required: maybe}
topology_template:
  node_templates:
    a: {type: my.A}
    b: {type: my.B}
    d: {type: my.D}
"""))
    assert where(d) == [
        (5, 19, "tosca-unknown-type"),
        (7, 19, "tosca-derivation-cycle"),
        (12, 5, "tosca-unknown-field"),
        (15, 25, "tosca-unknown-field"),
        (16, 35, "tosca-wrong-type"),
        (17, 36, "tosca-wrong-type"),
    ]
    warn = [(x.span.line, x.span.column, x.code) for x in d if x.severity == Severity.WARNING]
    assert warn == [(14, 17, "tosca-unknown-type")]  # an error once a value is checked
    cycle = next(x for x in d if x.code == "tosca-derivation-cycle")
    assert "my.B -> my.C -> my.B" in cycle.message
    field = next(x for x in d if x.code == "tosca-unknown-field" and x.span.line == 12)
    assert field.hint == "did you mean 'properties'?"
    assert reg.ancestry("node", "my.B") in (("my.B", "my.C"), ("my.B",))


def test_problems_in_unused_types_are_warnings() -> None:
    reg, d = build(("a.yaml", HEAD + """
node_types:
  my.Unused:
    derived_from: my.Missing
    properties:
      size: {type: scalar-unit.size, default: 0}
"""))
    assert not d.has_errors
    assert sorted(x.code for x in d) == ["tosca-unknown-type", "tosca-wrong-type"]
    assert all("does not use" in x.message for x in d)


def test_namespace_prefix_and_short_references() -> None:
    reg, d = build(
        ("main.yaml", HEAD + USE.format("lib.Server")),
        ("lib.yaml", HEAD + """
node_types:
  Base:
    derived_from: Compute
  Server:
    derived_from: Base
""", "lib"),
    )
    assert where(d) == []
    assert reg.ancestry("node", "lib.Server") == (
        "lib.Server", "lib.Base", "tosca.nodes.Compute", "tosca.nodes.Root")
    assert reg.canonical("node", "lib:Server") == "lib.Server"
    assert reg.has_prefix("lib.") and not reg.has_prefix("xfactor.")


def test_identical_redefinition_is_fine_different_is_a_conflict() -> None:
    types = "node_types:\n  my.T:\n    derived_from: tosca.nodes.Root\n"
    reg, d = build(("a.yaml", HEAD + types), ("b.yaml", HEAD + types))
    assert not d.has_errors
    other = "node_types:\n  my.T:\n    derived_from: tosca.nodes.Compute\n"
    reg, d = build(("a.yaml", HEAD + types), ("b.yaml", HEAD + other))
    assert where(d) == [(3, 3, "namespace-conflict")]
    assert next(iter(d)).span.file == "b.yaml"
    assert reg.parent("node", "my.T") == "tosca.nodes.Root"  # the first definition wins


def test_type_in_the_wrong_section_is_moved_with_a_warning() -> None:
    reg, d = build(("a.yaml", HEAD + """
node_types:
  my.datatypes.Pair:
    derived_from: tosca.datatypes.Root
    properties:
      a: {type: integer}
  my.Node:
    derived_from: tosca.nodes.Root
    properties:
      pair: {type: my.datatypes.Pair}
""" + USE.format("my.Node")))
    assert not d.has_errors
    assert reg.get("data", "my.datatypes.Pair") is not None
    assert reg.get("node", "my.datatypes.Pair") is None
    [w] = [x for x in d if x.code == "tosca-wrong-type"]
    assert (w.span.line, w.span.column, w.severity) == (4, 3, Severity.WARNING)


def test_operation_list_quirk_and_value_written_as_definition() -> None:
    reg, d = build(("a.yaml", HEAD + """
interface_types:
  my.Lcm:
    derived_from: tosca.interfaces.Root
    instantiate:
      description: x
node_types:
  my.V:
    derived_from: tosca.nodes.Root
    properties:
      flavour: simple
    interfaces:
      Lcm:
        type: my.Lcm
        instantiate: []
""" + USE.format("my.V")))
    assert not d.has_errors
    assert [x.code for x in d] == ["tosca-wrong-type", "tosca-quirk"]
    assert "flavour" not in reg.properties("node", "my.V")
    assert list(reg.interfaces("node", "my.V")["Lcm"].operations) == ["instantiate"]


def test_constraint_and_default_checks_in_definitions() -> None:
    reg, d = build(("a.yaml", HEAD + """
data_types:
  my.D:
    derived_from: tosca.datatypes.Root
    properties:
      mem: {type: scalar-unit.size, default: 0}
      n: {type: integer, default: 0, constraints: [{greater_than: 0}]}
      v: {type: string, default: a, constraints: [{valid_values: [b, 1]}]}
      t: {type: integer, constraints: [{greater_than: abc}]}
node_types:
  my.N:
    derived_from: tosca.nodes.Root
    properties:
      d: {type: my.D, required: false}
""" + USE.format("my.N")))
    assert where(d) == [
        (7, 46, "tosca-wrong-type"),  # 0 is no scalar-unit.size (tosca-parser agrees)
        (8, 35, "tosca-constraint"),  # default 0 violates greater_than: 0
        (9, 34, "tosca-constraint"),  # default a is not among valid_values
        (9, 66, "tosca-wrong-type"),  # valid_values argument 1 is not a string
        (10, 55, "tosca-wrong-type"),  # greater_than: abc on an integer
    ]


@pytest.mark.parametrize("version", ["2.6.1", "2.7.1", "3.3.1", "4.4.1"])
def test_sol001_type_files_build_clean(corpus: Path, version: str) -> None:
    d = Diagnostics()
    files = []
    for p in sorted((corpus / "etsi-sol001-types" / version).glob("*.yaml")):
        files.append(SourceFile(name=p.name, display=p.name, data=load_yaml(p.read_text(), p.name, d)))
    pkg = Package(root=version, entry=files[0].name, files=tuple(files))
    ver = files[0].data["tosca_definitions_version"]
    reg = TypeRegistry.build(pkg, d, ver)
    assert list(d) == [], d.render_text()
    assert reg.is_a("node", "tosca.nodes.nfv.Vdu.Compute", "tosca.nodes.Root")
    props = reg.properties("node", "tosca.nodes.nfv.Vdu.Compute")
    assert props["name"].type == "string"
    if version in ("3.3.1", "4.4.1"):
        # the defaults tosca-parser drops: false and 0 are real defaults
        falsy = [(t, n) for t, td in reg.types_of("data").items() if not td.normative
                 for n, p in reg.properties("data", t).items()
                 if p.has_default and p.default in (False, 0)]
        assert falsy


def _big(n: int) -> str:
    lines = [HEAD, "node_types:"]
    for i in range(n):
        parent = "tosca.nodes.Compute" if i % 50 == 0 else f"t{i - 1}"
        lines.append(f"  t{i}:\n    derived_from: {parent}\n    properties:\n"
                     f"      p{i}: {{type: integer, default: {i}, constraints: [{{greater_or_equal: 0}}]}}")
    lines.append("topology_template:\n  node_templates:")
    for i in range(n):
        lines.append(f"    n{i}: {{type: t{i}}}")
    return "\n".join(lines) + "\n"
