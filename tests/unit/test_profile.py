"""The shipped X-factor profile types file against the contract (xfactor-profile.md §2).

(a) tosca-parser 2.15 loads a topology that imports it and uses every kind of type;
(b) our positioned YAML reader reads it without a diagnostic;
(c) every type, property, default and constraint named in the spec is there, exactly
    (the tables below are the spec's tables, written out).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compiler.diagnostics import Diagnostics
from compiler.loader.yamlpos import load_yaml, to_plain

REPO = Path(__file__).resolve().parents[2]
PROFILE = REPO / "compiler" / "profiles" / "xfactor" / "1.0" / "profile.yaml"

NO_DEFAULT = object()

# (section, type name, derived_from)
TYPES = [
    ("data_types", "xfactor.datatypes.Process", "tosca.datatypes.Root"),
    ("data_types", "xfactor.datatypes.Scratch", "tosca.datatypes.Root"),
    ("data_types", "xfactor.datatypes.Session", "tosca.datatypes.Root"),
    ("data_types", "xfactor.datatypes.Port", "tosca.datatypes.Root"),
    ("data_types", "xfactor.datatypes.Resources", "tosca.datatypes.Root"),
    ("data_types", "xfactor.datatypes.Replicas", "tosca.datatypes.Root"),
    ("data_types", "xfactor.datatypes.Volume", "tosca.datatypes.Root"),
    # additions for real images (spec §2.2 allows them; docs/xfactor.md §6)
    ("data_types", "xfactor.datatypes.SecretRef", "tosca.datatypes.Root"),
    ("data_types", "xfactor.datatypes.RunAs", "tosca.datatypes.Root"),
    ("data_types", "xfactor.datatypes.Probe", "tosca.datatypes.Root"),
    ("data_types", "xfactor.datatypes.Probes", "tosca.datatypes.Root"),
    ("capability_types", "xfactor.capabilities.Wirable", "tosca.capabilities.Root"),
    ("capability_types", "xfactor.capabilities.BackingService", "tosca.capabilities.Root"),
    ("relationship_types", "xfactor.relationships.Wiring", "tosca.relationships.ConnectsTo"),
    ("relationship_types", "xfactor.relationships.UsesBackingService",
     "tosca.relationships.ConnectsTo"),
    ("node_types", "xfactor.nodes.CNF", "tosca.nodes.Root"),
    ("node_types", "xfactor.nodes.BackingService", "tosca.nodes.Root"),
    ("group_types", "xfactor.groups.Chain", "tosca.groups.Root"),
    ("policy_types", "xfactor.policies.Process", "tosca.policies.Root"),
    ("policy_types", "xfactor.policies.Wiring", "tosca.policies.Root"),
]

_PROCESS = [
    # §2.1: property, type, required, default, valid_values
    ("state", "string", False, "stateless", ["stateless", "stateful"]),
    ("share_nothing", "boolean", False, True, None),
    ("scratch", "xfactor.datatypes.Scratch", False, NO_DEFAULT, None),
    ("session", "xfactor.datatypes.Session", False, NO_DEFAULT, None),
    ("graceful_shutdown", "scalar-unit.time", False, "30 s", None),
]
_WIRING = [
    # §2.3
    ("stickiness", "string", False, "none", ["none", "session", "connection", "pinned"]),
    ("on_failure", "list", False, NO_DEFAULT, None),  # default computed by the compiler, §3.3
    ("propagate", "string", False, "none", ["none", "upstream", "downstream", "both"]),
    ("chain", "string", False, NO_DEFAULT, None),
    ("detect_after", "scalar-unit.time", False, "10 s", None),  # §2.3, §6
]

# what real images need, on both workload node types (docs/xfactor.md §6)
_IMAGE_NEEDS = [
    ("secret_env", "map", False, NO_DEFAULT, None),
    ("run_as", "xfactor.datatypes.RunAs", False, NO_DEFAULT, None),
    ("run_as_root", "boolean", False, False, None),
    ("writable_paths", "list", False, NO_DEFAULT, None),
    ("bind_low_ports", "boolean", False, False, None),
    ("probes", "xfactor.datatypes.Probes", False, NO_DEFAULT, None),
]

# type name -> [(property, type, required, default, valid_values)]: the complete set
PROPERTIES: dict[str, list[tuple]] = {
    "xfactor.datatypes.Process": _PROCESS,
    "xfactor.datatypes.Scratch": [
        ("size", "scalar-unit.size", False, NO_DEFAULT, None),
        ("lifetime", "string", False, "transaction", ["transaction", "process"]),
    ],
    "xfactor.datatypes.Session": [
        ("store", "string", False, NO_DEFAULT, None),
        ("ttl", "scalar-unit.time", False, NO_DEFAULT, None),
    ],
    "xfactor.datatypes.Port": [
        ("name", "string", False, NO_DEFAULT, None),
        ("port", "integer", True, NO_DEFAULT, None),
        ("protocol", "string", False, NO_DEFAULT, ["TCP", "UDP", "SCTP"]),
    ],
    "xfactor.datatypes.Resources": [
        ("cpu", "float", False, NO_DEFAULT, None),
        ("memory", "scalar-unit.size", False, NO_DEFAULT, None),
    ],
    "xfactor.datatypes.Replicas": [
        ("min", "integer", False, 1, None),
        ("max", "integer", False, 1, None),
    ],
    "xfactor.datatypes.Volume": [
        ("name", "string", True, NO_DEFAULT, None),
        ("mount_path", "string", True, NO_DEFAULT, None),
        ("size", "scalar-unit.size", False, NO_DEFAULT, None),
        ("persistent", "boolean", False, False, None),
    ],
    "xfactor.datatypes.SecretRef": [
        ("secret", "string", True, NO_DEFAULT, None),
        ("key", "string", True, NO_DEFAULT, None),
    ],
    "xfactor.datatypes.RunAs": [
        ("user", "integer", False, NO_DEFAULT, None),
        ("group", "integer", False, NO_DEFAULT, None),
        ("fs_group", "integer", False, NO_DEFAULT, None),
    ],
    "xfactor.datatypes.Probe": [
        ("http_path", "string", True, NO_DEFAULT, None),
        ("port", "integer", False, NO_DEFAULT, None),
    ],
    "xfactor.datatypes.Probes": [
        ("readiness", "xfactor.datatypes.Probe", False, NO_DEFAULT, None),
        ("liveness", "xfactor.datatypes.Probe", False, NO_DEFAULT, None),
    ],
    "xfactor.capabilities.Wirable": [],
    "xfactor.capabilities.BackingService": [],
    "xfactor.relationships.Wiring": _WIRING,
    "xfactor.relationships.UsesBackingService": [],
    "xfactor.nodes.CNF": [
        ("image", "string", True, NO_DEFAULT, None),
        ("command", "list", False, NO_DEFAULT, None),
        ("args", "list", False, NO_DEFAULT, None),
        ("ports", "list", False, NO_DEFAULT, None),
        ("env", "map", False, NO_DEFAULT, None),
        ("resources", "xfactor.datatypes.Resources", False, NO_DEFAULT, None),
        ("replicas", "xfactor.datatypes.Replicas", False, NO_DEFAULT, None),
        ("volumes", "list", False, NO_DEFAULT, None),
        ("process", "xfactor.datatypes.Process", False, NO_DEFAULT, None),
        *_IMAGE_NEEDS,
    ],
    "xfactor.nodes.BackingService": [
        ("kind", "string", False, NO_DEFAULT,
         ["database", "cache", "queue", "session_store", "object_store"]),
        ("expiry", "boolean", False, NO_DEFAULT, None),
        ("locator", "string", False, NO_DEFAULT, None),
        ("image", "string", False, NO_DEFAULT, None),
        ("command", "list", False, NO_DEFAULT, None),
        ("args", "list", False, NO_DEFAULT, None),
        ("ports", "list", False, NO_DEFAULT, None),
        ("env", "map", False, NO_DEFAULT, None),
        ("resources", "xfactor.datatypes.Resources", False, NO_DEFAULT, None),
        ("volumes", "list", False, NO_DEFAULT, None),
        *_IMAGE_NEEDS,
    ],
    "xfactor.groups.Chain": [
        ("fragile", "boolean", False, False, None),
    ],
    "xfactor.policies.Process": _PROCESS,
    "xfactor.policies.Wiring": [
        ("source", "string", True, NO_DEFAULT, None),
        ("target", "string", True, NO_DEFAULT, None),
        *_WIRING,
    ],
}

# (type, property) -> entry_schema type of lists and maps
ENTRY_SCHEMAS = {
    ("xfactor.nodes.CNF", "command"): "string",
    ("xfactor.nodes.CNF", "args"): "string",
    ("xfactor.nodes.CNF", "ports"): "xfactor.datatypes.Port",
    ("xfactor.nodes.CNF", "env"): "string",
    ("xfactor.nodes.CNF", "volumes"): "xfactor.datatypes.Volume",
    ("xfactor.nodes.CNF", "secret_env"): "xfactor.datatypes.SecretRef",
    ("xfactor.nodes.CNF", "writable_paths"): "string",
    ("xfactor.nodes.BackingService", "command"): "string",
    ("xfactor.nodes.BackingService", "args"): "string",
    ("xfactor.nodes.BackingService", "ports"): "xfactor.datatypes.Port",
    ("xfactor.nodes.BackingService", "env"): "string",
    ("xfactor.nodes.BackingService", "volumes"): "xfactor.datatypes.Volume",
    ("xfactor.nodes.BackingService", "secret_env"): "xfactor.datatypes.SecretRef",
    ("xfactor.nodes.BackingService", "writable_paths"): "string",
    ("xfactor.relationships.Wiring", "on_failure"): "string",
    ("xfactor.policies.Wiring", "on_failure"): "string",
}

# node type -> {capability name: type}
CAPABILITIES = {
    "xfactor.nodes.CNF": {"wirable": "xfactor.capabilities.Wirable"},
    "xfactor.nodes.BackingService": {"service": "xfactor.capabilities.BackingService"},
}

# node type -> [(requirement, capability, node, relationship, occurrences)]
REQUIREMENTS = {
    "xfactor.nodes.CNF": [
        ("wiring", "xfactor.capabilities.Wirable", "xfactor.nodes.CNF",
         "xfactor.relationships.Wiring", [0, "UNBOUNDED"]),
        ("backing_service", "xfactor.capabilities.BackingService", "xfactor.nodes.BackingService",
         "xfactor.relationships.UsesBackingService", [0, "UNBOUNDED"]),
    ],
}


@pytest.fixture(scope="module")
def profile() -> dict:
    diags = Diagnostics()
    doc = load_yaml(PROFILE.read_text(encoding="utf-8"), str(PROFILE), diags)
    assert list(diags) == []
    return to_plain(doc)


def _type(profile: dict, name: str) -> dict:
    for section, tname, _ in TYPES:
        if tname == name:
            return profile[section][name]
    raise AssertionError(name)


# --------------------------------------------------------------------------- (b)


def test_profile_reads_without_diagnostics() -> None:
    diags = Diagnostics()
    doc = load_yaml(PROFILE.read_text(encoding="utf-8"), str(PROFILE), diags)
    assert len(diags) == 0, diags.render_text()
    assert doc["tosca_definitions_version"] == "tosca_simple_yaml_1_3"
    assert doc["metadata"]["template_name"] == "xfactor-profile"
    assert doc["metadata"]["template_version"] == "1.0"


# --------------------------------------------------------------------------- (c)


def test_exactly_the_spec_types(profile: dict) -> None:
    sections = ("data_types", "capability_types", "relationship_types", "node_types",
                "group_types", "policy_types")
    defined = {(s, n) for s in sections for n in profile.get(s, {})}
    assert defined == {(s, n) for s, n, _ in TYPES}


@pytest.mark.parametrize("section,name,parent", TYPES, ids=[t[1] for t in TYPES])
def test_type_derivation(profile: dict, section: str, name: str, parent: str) -> None:
    assert profile[section][name]["derived_from"] == parent


@pytest.mark.parametrize("tname", list(PROPERTIES))
def test_property_set_is_exact(profile: dict, tname: str) -> None:
    props = _type(profile, tname).get("properties", {})
    assert sorted(props) == sorted(p[0] for p in PROPERTIES[tname])


_ROWS = [(t, *row) for t, rows in PROPERTIES.items() for row in rows]


@pytest.mark.parametrize(
    "tname,prop,ptype,required,default,valid", _ROWS, ids=[f"{r[0]}.{r[1]}" for r in _ROWS]
)
def test_property(profile, tname, prop, ptype, required, default, valid) -> None:
    p = _type(profile, tname)["properties"][prop]
    assert p["type"] == ptype
    # TOSCA's implicit default of "required" is true: optional ones must say false
    assert p.get("required", True) is required
    if default is NO_DEFAULT:
        assert "default" not in p
    else:
        assert p["default"] == default
        assert type(p["default"]) is type(default)
    constraints = p.get("constraints", [])
    vv = [c["valid_values"] for c in constraints if "valid_values" in c]
    assert vv == ([valid] if valid is not None else [])
    if (tname, prop) in ENTRY_SCHEMAS:
        assert p["entry_schema"]["type"] == ENTRY_SCHEMAS[(tname, prop)]


def test_range_constraints(profile: dict) -> None:
    port = profile["data_types"]["xfactor.datatypes.Port"]["properties"]["port"]
    assert port["constraints"] == [{"in_range": [1, 65535]}]
    rep = profile["data_types"]["xfactor.datatypes.Replicas"]["properties"]
    assert rep["max"]["constraints"] == [{"greater_or_equal": 1}]


@pytest.mark.parametrize("ntype", list(CAPABILITIES))
def test_capabilities(profile: dict, ntype: str) -> None:
    caps = profile["node_types"][ntype]["capabilities"]
    assert {k: v["type"] for k, v in caps.items()} == CAPABILITIES[ntype]


def test_requirements_name_their_node(profile: dict) -> None:
    for ntype, wanted in REQUIREMENTS.items():
        reqs = profile["node_types"][ntype]["requirements"]
        got = []
        for entry in reqs:
            ((name, d),) = entry.items()
            got.append((name, d["capability"], d["node"], d["relationship"], d["occurrences"]))
        assert got == wanted
    # every requirement definition anywhere names its node (tosca-parser 2.15 crashes otherwise)
    for ntype, t in profile["node_types"].items():
        for entry in t.get("requirements", []):
            ((_, d),) = entry.items()
            assert "node" in d, ntype


def test_relationship_targets(profile: dict) -> None:
    rel = profile["relationship_types"]
    assert rel["xfactor.relationships.Wiring"]["valid_target_types"] == [
        "xfactor.capabilities.Wirable"
    ]
    assert rel["xfactor.relationships.UsesBackingService"]["valid_target_types"] == [
        "xfactor.capabilities.BackingService"
    ]


# --------------------------------------------------------------------------- (a)

TOPOLOGY = """\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - {profile}
topology_template:
  node_templates:
    sessions:
      type: xfactor.nodes.BackingService
      properties: {{ kind: session_store, expiry: true, image: "redis:7" }}
    upf:
      type: xfactor.nodes.CNF
      properties:
        image: "upf:1.0"
        command: [ /bin/upf ]
        args: [ --verbose ]
        ports: [ {{ name: n3, port: 2152, protocol: UDP }} ]
        env: {{ LOG: debug }}
        resources: {{ cpu: 0.5, memory: 512 MiB }}
        replicas: {{ min: 1, max: 3 }}
        volumes: [ {{ name: cache, mount_path: /cache, size: 1 GiB }} ]
        process:
          state: stateless
          scratch: {{ size: 256 MiB }}
          session: {{ store: sessions, ttl: 10 m }}
          graceful_shutdown: 10 s
      requirements:
        - backing_service: sessions
    smf:
      type: xfactor.nodes.CNF
      properties: {{ image: "smf:1.0" }}
      requirements:
        - wiring:
            node: upf
            relationship:
              type: xfactor.relationships.Wiring
              properties:
                stickiness: connection
                on_failure: [ "reconnect(attempts=3, backoff=500ms)", shutdown_chain ]
                propagate: upstream
  groups:
    core:
      type: xfactor.groups.Chain
      members: [ smf, upf ]
      properties: {{ fragile: true }}
  policies:
    - upf_process:
        type: xfactor.policies.Process
        targets: [ upf ]
        properties: {{ state: {state}, scratch: {{ size: 256 MiB, lifetime: transaction }} }}
    - smf_to_upf:
        type: xfactor.policies.Wiring
        properties:
          source: smf
          target: upf
          stickiness: session
          on_failure: [ notify ]
          propagate: both
          chain: core
"""


def _write_topology(tmp_path: Path, state: str = "stateless") -> Path:
    rel = os.path.relpath(PROFILE, tmp_path)
    assert not os.path.isabs(rel)
    path = tmp_path / "service.yaml"
    path.write_text(TOPOLOGY.format(profile=rel, state=state), encoding="utf-8")
    return path


def test_tosca_parser_loads_profile(tmp_path: Path) -> None:
    toscaparser = pytest.importorskip("toscaparser.tosca_template")
    tpl = toscaparser.ToscaTemplate(str(_write_topology(tmp_path)))
    assert {n.name: n.type for n in tpl.nodetemplates} == {
        "sessions": "xfactor.nodes.BackingService",
        "upf": "xfactor.nodes.CNF",
        "smf": "xfactor.nodes.CNF",
    }
    assert [g.name for g in tpl.topology_template.groups] == ["core"]
    policies = {p.name: p for p in tpl.policies}
    assert set(policies) == {"upf_process", "smf_to_upf"}
    # tosca-parser fills in the profile's defaults
    process = {p.name: p.value for p in policies["upf_process"].get_properties_objects()}
    assert process["graceful_shutdown"] == "30 s"
    assert process["share_nothing"] is True
    group = tpl.topology_template.groups[0]
    assert {p.name: p.value for p in group.get_properties_objects()} == {"fragile": True}


def test_tosca_parser_enforces_profile_constraints(tmp_path: Path) -> None:
    toscaparser = pytest.importorskip("toscaparser.tosca_template")
    from toscaparser.common.exception import ValidationError

    with pytest.raises(ValidationError, match="wobbly"):
        toscaparser.ToscaTemplate(str(_write_topology(tmp_path, state="wobbly")))


def test_own_type_registry_accepts_profile() -> None:
    # xfc's own TOSCA type reader and registry (compiler.resolve) must find nothing wrong
    from compiler.resolve.typedefs import read_types
    from compiler.resolve.types import TypeRegistry

    diags = Diagnostics()
    data = load_yaml(PROFILE.read_text(encoding="utf-8"), str(PROFILE), diags)
    defs = read_types(data, str(PROFILE), diags)
    TypeRegistry.from_types(defs, diags)
    assert len(defs) == len(TYPES)
    assert len(diags) == 0, diags.render_text()
