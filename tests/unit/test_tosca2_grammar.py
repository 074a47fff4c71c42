"""TOSCA 2.0 grammar rules (compiler/loader/tosca2/lower.py), one test per rule, each named by its
clause of TOSCA 2.0 (csd06).  The front end lowers a 2.0 file to the 1.3 grammar, so each
test checks what the resolver then makes of it, and where problems are placed."""

from __future__ import annotations

from tests.unit.tosca2_support import HEAD, check, codes, found, message

SIMPLE = "imports:\n  - profile: org.oasis-open.simple:2.0\n"


# §6.1 TOSCA file keynames ---------------------------------------------------------------
def test_service_template_is_the_topology(tmp_path):
    unit = check(tmp_path, HEAD + SIMPLE + "service_template:\n  node_templates:\n"
                 "    server:\n      type: Compute\n")
    assert codes(unit) == []
    node = unit.topology.nodes["server"]
    # the simple profile's short names are the built-in normative types
    assert node.type == "tosca.nodes.Compute" and "tosca.nodes.Root" in node.types


def test_a_1_3_keyname_is_not_a_2_0_keyname(tmp_path):
    unit = check(tmp_path, HEAD + "topology_template:\n  node_templates: {}\n")
    assert found(unit) == [("tosca-unknown-field", 2, 1)]
    assert "TOSCA 2.0 §6.1" in message(unit, "tosca-unknown-field")


def test_a_profile_file_defines_no_service_template(tmp_path):
    unit = check(tmp_path, HEAD + "profile: acme.example:1.0\n"
                 "service_template:\n  node_templates: {}\n")
    assert ("tosca-unknown-field", 3, 1) in found(unit)


def test_a_profile_file_of_types_checks_clean(tmp_path):
    unit = check(tmp_path, HEAD + "profile: acme.example:1.0\n" + SIMPLE +
                 "node_types:\n  Acme.Server:\n    derived_from: Compute\n")
    assert codes(unit) == []


def test_function_definitions_are_a_warning_and_a_call_an_error(tmp_path):
    unit = check(tmp_path, HEAD + "functions:\n  twice: {}\n"
                 "service_template:\n  inputs:\n    x:\n      type: string\n"
                 "      default: { $twice: [a] }\n  node_templates: {}\n")
    assert found(unit) == [("tosca-unsupported", 2, 1), ("tosca-function", 8, 18)]


# §6.8 imports ----------------------------------------------------------------------------
def test_url_import_with_a_namespace(tmp_path):
    (tmp_path / "types.yaml").write_text(HEAD + SIMPLE +
                                          "node_types:\n  Server:\n    derived_from: Compute\n")
    unit = check(tmp_path, HEAD + "imports:\n  - url: types.yaml\n    namespace: acme\n"
                 "service_template:\n  node_templates:\n    s:\n      type: acme:Server\n")
    assert codes(unit) == []
    assert unit.topology.nodes["s"].types[0] == "acme.Server"


def test_an_import_names_a_url_or_a_profile(tmp_path):
    unit = check(tmp_path, HEAD + "imports:\n  - url: a.yaml\n    profile: io.xfactor:1.0\n"
                 "  - { profile: io.xfactor:1.0, file: b.yaml }\n")
    assert found(unit) == [("import-invalid", 3, 5), ("import-invalid", 5, 32)]


def test_an_unknown_profile_names_the_catalog(tmp_path):
    unit = check(tmp_path, HEAD + "imports:\n  - profile: acme.unknown:9\n")
    assert found(unit) == [("import-unresolved", 3, 14)]
    hint = next(d.hint for d in unit.diagnostics if d.code == "import-unresolved")
    assert "io.xfactor:1.0" in hint and "org.oasis-open.simple:2.0" in hint


def test_the_profile_comes_from_the_catalog_not_the_package(tmp_path):
    # a package file at the catalog's path does not stand in for the profile
    (tmp_path / "xfactor" / "1.0").mkdir(parents=True)
    (tmp_path / "xfactor" / "1.0" / "profile.yaml").write_text("not: [a, profile\n")
    unit = check(tmp_path, HEAD + "imports:\n  - profile: io.xfactor:1.0\n"
                 "service_template:\n  node_templates:\n    c:\n      type: xfactor.nodes.CNF\n"
                 "      properties: { image: r/x:1 }\n")
    assert codes(unit) == []
    assert unit.topology.nodes["c"].type == "xfactor.nodes.CNF"


def test_the_simple_profile_alias_is_a_named_quirk(tmp_path):
    text = HEAD + "imports:\n  - profile: org.oasis-open.tosca.simple:2.0\n" \
        "service_template:\n  node_templates:\n    s: { type: Compute }\n"
    unit = check(tmp_path, text)
    assert codes(unit) == []
    assert [d.code for d in unit.diagnostics if d.code == "tosca-quirk"] == ["tosca-quirk"]
    strict = check(tmp_path, text, quirks=("all", "-profile.simple-alias"))
    assert found(strict) == [("import-unresolved", 3, 14)]


def test_the_simple_profile_in_the_tosca_namespace(tmp_path):
    unit = check(tmp_path, HEAD + "imports:\n  - profile: org.oasis-open.simple:2.0\n"
                 "    namespace: tosca\nservice_template:\n  node_templates:\n"
                 "    s: { type: 'tosca:Compute' }\n")
    assert codes(unit) == []
    other = check(tmp_path, HEAD + "imports:\n  - profile: org.oasis-open.simple:2.0\n"
                  "    namespace: simple\n")
    assert found(other) == [("tosca2-unsupported", 4, 16)]


def test_a_community_profile_by_name(tmp_path):
    unit = check(tmp_path, HEAD + "imports:\n  - profile: community.tosca.core:0.1\n"
                 "data_types:\n  Addr:\n    derived_from: IPv4\n")
    assert codes(unit) == []  # the catalog's own warnings are not the user's


# §9.3-§9.5 data types, properties, schemas, validation ------------------------------------
def test_data_type_validation_is_enforced(tmp_path):
    unit = check(tmp_path, HEAD + SIMPLE + """data_types:
  Percent:
    derived_from: integer
    validation: { $and: [ { $greater_or_equal: [ $value, 0 ] }, { $less_or_equal: [ $value, 100 ] } ] }
node_types:
  Box:
    derived_from: Root
    properties:
      load: { type: Percent }
service_template:
  node_templates:
    ok: { type: Box, properties: { load: 40 } }
    bad: { type: Box, properties: { load: 140 } }
""")
    assert found(unit) == [("tosca-constraint", 16, 43)]


def test_key_and_entry_schema_with_validation(tmp_path):
    unit = check(tmp_path, HEAD + SIMPLE + """node_types:
  Box:
    derived_from: Root
    properties:
      ports:
        type: map
        key_schema: { type: string, validation: { $matches: [ $value, "^[a-z]+$" ] } }
        entry_schema: { type: integer, validation: { $less_than: [ $value, 65536 ] } }
service_template:
  node_templates:
    b:
      type: Box
      properties:
        ports: { web: 80, Admin: 8443, api: 70000 }
""")
    assert sorted(found(unit)) == [("tosca-constraint", 17, 27), ("tosca-constraint", 17, 45)]


def test_a_fixed_property_value_is_read_as_the_default(tmp_path):
    unit = check(tmp_path, HEAD + SIMPLE + """node_types:
  Box:
    derived_from: Root
    properties:
      size: { type: integer, value: 3 }
service_template:
  node_templates:
    b: { type: Box }
""")
    assert found(unit) == [("tosca-unsupported", 8, 30)]
    assert unit.topology.nodes["b"].properties["size"] == 3


# §8.5, §8.7 requirements ---------------------------------------------------------------------
TYPES = """node_types:
  App:
    derived_from: Root
    requirements:
      - store:
          capability: Endpoint.Database
          node: Database
          relationship: ConnectsTo
          count_range: [ 1, 1 ]
  Db:
    derived_from: Database
"""


def test_requirement_forms(tmp_path):
    unit = check(tmp_path, HEAD + SIMPLE + TYPES + """service_template:
  node_templates:
    host: { type: Compute }
    dbms: { type: DBMS, requirements: [ { host: host } ] }
    db1:
      type: Db
      properties: { name: one }
      requirements: [ { host: dbms } ]
    db2:
      type: Db
      properties: { name: two }
      requirements: [ { host: dbms } ]
    short:
      type: App
      requirements: [ { store: db1 } ]
    long:
      type: App
      requirements:
        - store:
            node: db2
            capability: database_endpoint
            relationship: ConnectsTo
            count: 1
""")
    assert codes(unit) == []
    nodes = unit.topology.nodes
    assert [(r.name, r.node) for r in nodes["short"].requirements] == [("store", "db1")]
    long = [r for r in nodes["long"].requirements if r.name == "store"]
    assert [(r.node, r.capability) for r in long] == [("db2", "database_endpoint")]


def test_count_range_is_read_as_occurrences(tmp_path):
    # the upper bound is enforced as 1.3's occurrences (the lower bound is not, in 1.3
    # either: an open requirement is left to the orchestrator)
    unit = check(tmp_path, HEAD + SIMPLE + TYPES + """service_template:
  node_templates:
    host: { type: Compute }
    dbms: { type: DBMS, requirements: [ { host: host } ] }
    db1: { type: Db, properties: { name: one }, requirements: [ { host: dbms } ] }
    twice: { type: App, requirements: [ { store: db1 }, { store: db1 } ] }
""")
    assert found(unit) == [("tosca-requirement", 20, 59)]


def test_a_requirement_without_count_range_is_unbounded(tmp_path):
    # §8.5: no count_range is [0, UNBOUNDED] (1.3's default occurrences are [1, 1]); the
    # community MicroService's one requirement 'endpoint' is assigned once per peer
    unit = check(tmp_path, HEAD + SIMPLE + """node_types:
  Peer:
    derived_from: Root
    capabilities: { api: Endpoint }
    requirements:
      - talks: { capability: Endpoint, node: Peer }
      - one: { capability: Endpoint, node: Peer, count_range: [ 0, 1 ] }
service_template:
  node_templates:
    a: { type: Peer }
    b: { type: Peer }
    c: { type: Peer, requirements: [ { talks: a }, { talks: b }, { one: a }, { one: b } ] }
""")
    assert found(unit) == [("tosca-requirement", 15, 80)]
    assert [r.node for r in unit.topology.nodes["c"].requirements if r.name == "talks"] == \
        ["a", "b"]


def test_the_1_3_short_requirement_definition_is_unbounded_too(tmp_path):
    # a requirement definition written as a capability type name (1.3's short form) has
    # 2.0's default range as well
    unit = check(tmp_path, HEAD + SIMPLE + """node_types:
  Server: { derived_from: Root, capabilities: { api: Endpoint } }
  Client: { derived_from: Root, requirements: [ { service: Endpoint } ] }
service_template:
  node_templates:
    s1: { type: Server }
    s2: { type: Server }
    c: { type: Client, requirements: [ { service: s1 }, { service: s2 } ] }
""")
    assert found(unit) == []
    assert [r.capability for r in unit.topology.nodes["c"].requirements] == ["api", "api"]


def test_capability_and_requirement_definition_metadata(tmp_path):
    # §8.2, §8.5: metadata on a capability or requirement definition (information only);
    # §8.4: a capability assignment's directives are a warning, not acted on
    unit = check(tmp_path, HEAD + SIMPLE + """node_types:
  Server:
    derived_from: Root
    capabilities:
      api: { type: Endpoint, metadata: { owner: team-a } }
    requirements:
      - peer: { capability: Endpoint, node: Server, metadata: { note: x } }
service_template:
  node_templates:
    s1: { type: Server }
    s2:
      type: Server
      capabilities:
        api: { directives: [ external ], properties: { port: 8080 } }
      requirements: [ { peer: s1 } ]
""")
    assert found(unit) == [("tosca-unsupported", 17, 16)]
    assert "§8.4" in message(unit, "tosca-unsupported")
    assert unit.topology.nodes["s2"].capabilities["api"].properties["port"] == 8080


def test_a_requirement_definition_names_types_in_its_own_file_s_namespace(tmp_path):
    # §6.8.1: inside a file imported with a namespace, its names are its own; a
    # requirement definition's capability type and node type are found there
    (tmp_path / "types.yaml").write_text(HEAD + SIMPLE + """capability_types:
  Api: { derived_from: Root }
relationship_types:
  Talks: { derived_from: Root, valid_capability_types: [ Api ] }
node_types:
  Peer:
    derived_from: Root
    capabilities: { api: Api }
    requirements:
      - talks: { capability: Api, node: Peer, relationship: Talks }
""")
    unit = check(tmp_path, HEAD + "imports:\n  - url: types.yaml\n    namespace: app\n"
                 "service_template:\n  node_templates:\n    a: { type: app:Peer }\n"
                 "    b: { type: app:Peer, requirements: [ { talks: a } ] }\n")
    assert codes(unit) == []
    (req,) = unit.topology.nodes["b"].requirements
    assert (req.node, req.capability, req.relationship) == ("a", "api", "app.Talks")


def test_unread_requirement_keynames_are_errors(tmp_path):
    unit = check(tmp_path, HEAD + SIMPLE + """service_template:
  node_templates:
    a: { type: Compute }
    b:
      type: Compute
      requirements:
        - dependency: { node: a, allocation: { x: 1 } }
        - dependency: { node: [ a, 0 ] }
        - dependency: { node: a, count: 2 }
        - dependency: [ a, 0 ]
""")
    assert found(unit) == [("tosca2-unsupported", 10, 34), ("tosca2-unsupported", 11, 31),
                           ("tosca2-unsupported", 12, 41), ("tosca2-unsupported", 13, 23)]


# §6.9 service template: groups, policies, outputs, count ------------------------------------
def test_groups_policies_outputs(tmp_path):
    unit = check(tmp_path, HEAD + SIMPLE + """service_template:
  inputs:
    flavor: { type: string, default: small }
  node_templates:
    a: { type: Compute }
  groups:
    all: { type: Root, members: [ a ] }
  policies:
    - place: { type: Placement, targets: [ all ] }
  outputs:
    size: { type: string, value: { $get_input: flavor } }
""")
    assert codes(unit) == []
    topo = unit.topology
    assert list(topo.groups) == ["all"] and list(topo.policies) == ["place"]
    assert topo.outputs["size"].value == "small"


def test_count_one_is_one_node_and_more_is_an_error(tmp_path):
    one = check(tmp_path, HEAD + SIMPLE + "service_template:\n  node_templates:\n"
                "    a: { type: Compute, count: 1 }\n")
    assert codes(one) == [] and list(one.topology.nodes) == ["a"]
    three = check(tmp_path, HEAD + SIMPLE + "service_template:\n  node_templates:\n"
                  "    a: { type: Compute, count: 3 }\n")
    assert found(three) == [("tosca2-unsupported", 6, 32)]
    assert "§6.9.3" in message(three, "tosca2-unsupported")


def test_policy_triggers_are_a_warning_naming_what_is_not_acted_on(tmp_path):
    # §16.5: xfc runs no policy engine; the policy is read, its triggers named in a warning
    unit = check(tmp_path, HEAD + SIMPLE + """service_template:
  node_templates:
    a: { type: Compute }
  policies:
    - p: { type: Root, targets: [ a ], triggers: { backup: { event: power-failure, action: [] } } }
""")
    assert found(unit) == [("tosca-unsupported", 8, 40)]
    text = message(unit, "tosca-unsupported")
    assert "'backup' (event 'power-failure')" in text and "'p'" in text and "§16.5" in text
    assert list(unit.topology.policies) == ["p"]


def test_a_bad_file_is_a_diagnostic_not_a_crash(tmp_path):
    for body in ("service_template: [1, 2]\n", "imports: {a: 1}\n",
                 "imports: [ { url: 3 } ]\n", "node_types: [x]\n",
                 "service_template:\n  node_templates:\n    a: 3\n",
                 "service_template:\n  node_templates:\n    a: { type: Root, requirements: 3 }\n",
                 "data_types:\n  D: { validation: 5 }\n", "profile: [x]\n"):
        unit = check(tmp_path, HEAD + SIMPLE + body)
        assert unit.diagnostics.has_errors or codes(unit) == ["tosca-unsupported"], body
        assert all(d.span.line > 0 for d in unit.diagnostics if d.severity.name == "ERROR"), \
            (body, [(d.code, d.span) for d in unit.diagnostics])


def test_the_simple_profile_names_are_the_normative_types(tmp_path):
    # §6.7.2: 58 of the profile's 60 names are short names of the 1.3 normative types;
    # its two interface type names are mapped to 1.3's
    unit = check(tmp_path, HEAD + SIMPLE + """node_types:
  Web:
    derived_from: WebServer
    interfaces:
      Standard: { type: Lifecycle.Standard }
relationship_types:
  Link:
    derived_from: ConnectsTo
    interfaces:
      Configure: { type: Relationship.Configure }
capability_types:
  Db: { derived_from: Endpoint.Database }
data_types:
  P: { derived_from: PortInfo }
interface_types:
  Mine: { derived_from: Lifecycle.Standard }
service_template:
  node_templates:
    w: { type: Web }
""")
    assert codes(unit) == []
    assert unit.topology.nodes["w"].types[:2] == ("Web", "tosca.nodes.WebServer")


def test_interfaces_with_operations_and_their_inputs(tmp_path):
    # §6.4 interface definitions and assignments: operations under `operations`, their
    # inputs as parameter definitions in a type and as values in a template
    unit = check(tmp_path, HEAD + SIMPLE + """node_types:
  App:
    derived_from: SoftwareComponent
    interfaces:
      Standard:
        type: Lifecycle.Standard
        operations:
          create:
            implementation: create.sh
            inputs:
              port: { type: integer, default: 80, validation: { $less_than: [ $value, 1024 ] } }
service_template:
  inputs:
    p: { type: integer, default: 81 }
  node_templates:
    host: { type: Compute }
    app:
      type: App
      requirements: [ { host: host } ]
      interfaces:
        Standard:
          operations:
            create:
              inputs:
                port: { $get_input: p }
""")
    assert codes(unit) == []
    std = unit.topology.nodes["app"].interfaces["Standard"]
    assert std["type"] == "tosca.interfaces.node.lifecycle.Standard"
    assert std["operations"]["create"]["inputs"]["port"] == 81


def test_artifact_properties_take_functions(tmp_path):
    unit = check(tmp_path, HEAD + SIMPLE + """service_template:
  inputs:
    tag: { type: string, default: "2.1.0" }
  node_templates:
    c:
      type: Compute
      artifacts:
        img:
          type: Deployment.Image
          file: img.tar
          properties: { version: { $get_input: tag } }
""")
    assert found(unit) == []
    art = unit.topology.nodes["c"].artifacts["img"]
    assert art.file == "img.tar" and art.type == "tosca.artifacts.Deployment.Image"
    assert str(art.properties["version"]) == "2.1.0"


def test_a_service_template_keyname_is_checked_in_2_0_words(tmp_path):
    unit = check(tmp_path, HEAD + "service_template:\n  node_templates: {}\n  node_template: {}\n")
    assert found(unit) == [("tosca-unknown-field", 4, 3)]
    assert "TOSCA 2.0 §6.9.1" in message(unit, "tosca-unknown-field")


# §7.2 a node template's artifacts augment its node type's ----------------------------
def test_a_template_artifact_augments_the_node_types_definition(tmp_path):
    text = (HEAD + "artifact_types:\n  Image:\n    properties:\n      os: { type: string }\n"
            "      install: { type: boolean, default: false }\n"
            "node_types:\n  Box:\n    artifacts:\n      image:\n        type: Image\n"
            "        file: images/box.qcow2\n        properties: { os: linux }\n"
            "service_template:\n  node_templates:\n    box:\n      type: Box\n"
            "      artifacts:\n        image:\n          properties: { install: true }\n"
            "        other:\n          properties: { install: true }\n")
    unit = check(tmp_path, text)
    # 'other' has no definition in the type to augment: still no file and no type
    assert found(unit) == [("tosca-missing-field", 21, 9), ("tosca-missing-field", 21, 9)]
    art = unit.topology.nodes["box"].artifacts["image"]
    assert art.file == "images/box.qcow2" and art.type.endswith("Image")
    assert dict(art.properties) == {"os": "linux", "install": True}


# §7.2 copy ---------------------------------------------------------------------------------
COPY = (HEAD + "data_types:\n  CPU:\n    properties:\n      arch: { type: string }\n"
        "      cores: { type: integer }\n"
        "node_types:\n  Machine:\n    properties:\n      cpu: { type: CPU }\n"
        "      name: { type: string, required: false }\n"
        "service_template:\n  node_templates:\n"
        "    one:\n      type: Machine\n      properties:\n"
        "        cpu: { arch: x86, cores: 4 }\n        name: one\n")


def test_copy_takes_what_the_template_does_not_write(tmp_path):
    unit = check(tmp_path, COPY + "    two:\n      copy: one\n      properties:\n"
                 "        cpu: { arch: arm, cores: 8 }\n")
    assert codes(unit) == []
    two = unit.topology.nodes["two"]
    assert two.type == "Machine"
    # each property the copy does not assign is the source's; one it assigns is its own
    assert two.properties["name"] == "one"
    assert two.properties["cpu"] == {"arch": "arm", "cores": 8}
    assert unit.topology.nodes["one"].properties["cpu"] == {"arch": "x86", "cores": 4}


def test_copy_of_a_copy_or_of_nothing_is_an_error(tmp_path):
    unit = check(tmp_path, COPY + "    two:\n      copy: one\n"
                 "    three:\n      copy: two\n    four:\n      copy: nobody\n")
    assert [(c, line, col) for c, line, col in found(unit)
            if c == "tosca-unknown-template"] == [("tosca-unknown-template", 22, 13),
                                                  ("tosca-unknown-template", 24, 13)]
    assert "itself uses copy" in message(unit, "tosca-unknown-template")


def test_a_property_mapping_names_an_input(tmp_path):
    # §15.2: <property_name>: <input_name> (1.3 writes [ <input_name> ]; a bare value
    # there is a constant, which made 'cpus' a string given to an integer)
    unit = check(tmp_path, HEAD + SIMPLE + """node_types:
  Service:
    derived_from: Root
    properties: { cpus: { type: integer } }
service_template:
  inputs:
    cpus: { type: integer, default: 2 }
  node_templates:
    w: { type: Compute }
  substitution_mappings:
    node_type: Service
    properties:
      cpus: cpus
""")
    assert found(unit) == [], unit.diagnostics.render_text()
    assert unit.topology.substitution.properties["cpus"] == 2  # the input's value
