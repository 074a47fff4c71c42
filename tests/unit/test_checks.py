"""compiler.checks: the rules table, and rules on IR built in memory.

Positions through the real pipeline are covered by tests/diagnostics/xf-*/; these tests
pin the table and the rules' logic where the descriptor forms do not reach.
"""

from __future__ import annotations

from pathlib import Path

from compiler.checks import RULES, run_checks
from compiler.codes import CODES
from compiler.diagnostics import Diagnostics
from compiler.graph import build_plan
from compiler.pipeline import Compilation, Options
from compiler.normalize import normalize

from tests.unit.xf_build import BACKING, PROC, STORAGE, VDU, WIRING, chain, node, policy, req, topo, wire

# The spec's table (§4), minus the codes earlier phases emit.
SPEC_TABLE = {
    "xf-stateless-local-state", "xf-scratch-lifetime", "xf-sticky-session", "xf-reconnect-stateful",
    "xf-reconnect-single", "xf-notify-no-endpoint", "xf-scope-unknown", "xf-fragile-no-chain",
    "xf-stateful-no-backing", "xf-dependency-cycle",
}


def _check(t) -> list[tuple[str, int]]:
    d = Diagnostics()
    unit = Compilation(path="t.yaml", options=Options(), diagnostics=d)
    unit.topology = t
    unit.xmodel = normalize(t, d)
    unit.plan = build_plan(t, unit.xmodel, d)
    run_checks(unit, d)
    return [(g.code, g.span.line) for g in d if g.code != "xf-no-traits"]


def test_rules_table_covers_the_spec_and_uses_registered_codes() -> None:
    codes = {r.code for r in RULES}
    assert SPEC_TABLE <= codes
    assert all(c in CODES for c in codes)
    assert all(callable(r.function) and r.function.__doc__ for r in RULES)


def test_clean_topology_has_no_findings() -> None:
    t = topo(node("db", BACKING), node("b", replicas={"min": 1, "max": 2}),
             node("a", requirements=[wire("b")]), node("s", requirements=[req("backing_service", "db")]),
             policies=[policy("p", PROC, ("s",), state="stateful")])
    assert _check(t) == []


def test_stateless_sol001_vdu_with_block_storage() -> None:
    t = topo(node("vdu", VDU, requirements=[req("virtual_storage", "disk")]), node("disk", STORAGE))
    assert _check(t) == [("xf-stateless-local-state", t.nodes["vdu"].requirements[0].span.line)]


def test_stateful_vdu_with_block_storage_is_fine() -> None:
    t = topo(node("vdu", VDU, requirements=[req("virtual_storage", "disk")]), node("disk", STORAGE),
             policies=[policy("p", PROC, ("vdu",), state="stateful")])
    assert _check(t) == []


def test_sticky_session_store_must_be_an_expiring_backing_service() -> None:
    base = dict(replicas={"min": 1, "max": 2})
    for store, ok in (("redis", True), ("db", False), ("other", False), ("ghost", False)):
        t = topo(node("redis", BACKING, expiry=True), node("db", BACKING), node("other"),
                 node("b", process={"state": "stateless", "session": {"store": store}}, **base),
                 node("a", requirements=[wire("b", stickiness="session")]))
        got = [c for c, _ in _check(t)]
        assert (got == []) == ok, (store, got)


def test_session_stickiness_to_a_stateful_target_is_allowed() -> None:
    t = topo(node("db", BACKING), node("b", requirements=[req("backing_service", "db")]),
             node("a", requirements=[wire("b", stickiness="session")]),
             policies=[policy("p", PROC, ("b",), state="stateful")])
    assert _check(t) == []


def test_reconnect_single_is_not_doubled_with_reconnect_stateful() -> None:
    t = topo(node("db", BACKING), node("b", requirements=[req("backing_service", "db")]),
             node("a", requirements=[wire("b", on_failure=["reconnect"])]),
             policies=[policy("p", PROC, ("b",), state="stateful")])
    assert [c for c, _ in _check(t)] == ["xf-reconnect-stateful"]


def test_reconnect_single_uses_sol001_vdu_profile() -> None:
    one = {"min_number_of_instances": 1, "max_number_of_instances": 1}
    t = topo(node("b", VDU, vdu_profile=one), node("a", VDU, requirements=[req("wiring", "b")]))
    assert [c for c, _ in _check(t)] == ["xf-reconnect-single"]
    t = topo(node("b", VDU), node("a", VDU, requirements=[req("wiring", "b")]))
    assert _check(t) == []  # unknown maximum: no warning


def test_scope_chain_without_chain_and_outside_chain() -> None:
    t = topo(node("b", replicas={"min": 1, "max": 2}),
             node("a", requirements=[wire("b", on_failure=["reinstantiate(scope=chain)"])]))
    assert [c for c, _ in _check(t)] == ["xf-scope-unknown"]
    t = topo(node("c"), node("b", replicas={"min": 1, "max": 2}),
             node("a", requirements=[wire("b", on_failure=["reinstantiate(scope=[b, c])"])]),
             groups=[chain("ch", "a", "b")])
    assert [c for c, _ in _check(t)] == ["xf-scope-unknown"]


def test_shutdown_chain_naming_another_chain() -> None:
    t = topo(node("c"), node("b", replicas={"min": 1, "max": 2}),
             node("a", requirements=[wire("b", on_failure=["shutdown_chain(chain=other)"])]),
             groups=[chain("ch", "a", "b"), chain("other", "c")])
    assert [c for c, _ in _check(t)] == ["xf-scope-unknown"]


def test_fragile_default_inside_chain_and_explicit_outside() -> None:
    t = topo(node("b", replicas={"min": 1, "max": 2}), node("a", requirements=[wire("b")]),
             groups=[chain("ch", "a", "b", fragile=True)])
    assert _check(t) == []
    t = topo(node("b", replicas={"min": 1, "max": 2}),
             node("a", requirements=[wire("b", on_failure=["shutdown_chain"])]))
    assert [c for c, _ in _check(t)] == ["xf-fragile-no-chain"]


def test_stateful_with_persistent_volume_or_backing_needs_nothing_more() -> None:
    vol = [{"name": "d", "mount_path": "/d", "persistent": True}]
    t = topo(node("a", volumes=vol, process={"state": "stateful"}))
    assert _check(t) == []
    t = topo(node("a", process={"state": "stateful"}))
    assert [c for c, _ in _check(t)] == ["xf-stateful-no-backing"]


def test_cycle_reported_once_per_component() -> None:
    t = topo(node("a", requirements=[wire("b")]), node("b", requirements=[wire("a")]),
             node("c", requirements=[req("dependency", "d")]), node("d", requirements=[req("dependency", "c")]),
             policies=[policy("w", WIRING, source="a", target="b")])  # also a conflict
    found = _check(t)
    assert [c for c, _ in found].count("xf-dependency-cycle") == 2


def test_service_affinity_in_a_tacker_style_csar(tmp_path) -> None:
    import compiler

    (tmp_path / "TOSCA-Metadata").mkdir()
    (tmp_path / "TOSCA-Metadata" / "TOSCA.meta").write_text(
        "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: test\n"
        "Entry-Definitions: Definitions/top.yaml\n")
    (tmp_path / "Definitions").mkdir()
    (tmp_path / "Definitions" / "top.yaml").write_text("""\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml
  - xfactor/1.0/profile.yaml
topology_template:
  node_templates:
    VDU1:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: web
        description: web front end
        vdu_profile: { min_number_of_instances: 1, max_number_of_instances: 3 }
  policies:
    - web-process:
        type: xfactor.policies.Process
        targets: [ VDU1 ]
        properties: { state: stateless }
""")
    (tmp_path / "Files" / "kubernetes").mkdir(parents=True)
    (tmp_path / "Files" / "kubernetes" / "web.yaml").write_text("""\
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
---
apiVersion: v1
kind: Service
metadata: { name: web-svc }
spec:
  selector: { app: web }
  sessionAffinity: ClientIP
---
apiVersion: v1
kind: Service
metadata: { name: other }
spec:
  selector: { app: other }
  sessionAffinity: ClientIP
""")
    unit = compiler.check(str(tmp_path))
    found = [(d.code, d.span.file.rsplit("/", 1)[-1], d.span.line, d.span.column)
             for d in unit.diagnostics if d.code == "xf-sticky-session"]
    assert found == [("xf-sticky-session", "web.yaml", 10, 20)]


def test_plain_sol001_vdu_with_storage_is_a_warning_without_the_profile(tmp_path):
    """A VNFD that does not import the X-factor profile never claimed its VDUs are
    stateless: the default assumption yields a warning, not an error (docs/xfactor.md)."""
    import compiler

    src = (Path(__file__).parent.parent / "diagnostics/xf-stateless-local-state/fail-sol001.yaml").read_text()
    plain = src.replace("  - xfactor/1.0/profile.yaml\n", "").split("  policies:")[0]
    f = tmp_path / "vnfd.yaml"
    f.write_text(plain)
    result = compiler.check(str(f))
    found = [d for d in result.diagnostics if d.code == "xf-stateless-local-state"]
    assert [(d.span.line, d.span.column, str(d.severity)) for d in found] == [(14, 11, "warning")]
    assert not result.diagnostics.has_errors, result.diagnostics.render_text()
