"""compiler.normalize: both forms into one model, conflicts, defaults."""

from __future__ import annotations

from compiler.diagnostics import Diagnostics
from compiler.normalize import max_replicas, normalize

from tests.unit.xf_build import BACKING, CHAIN, PROC, VDU, WIRING, chain, node, policy, req, topo, wire


def _norm(t):
    d = Diagnostics()
    return normalize(t, d), d


def test_policy_form_and_native_form_give_the_same_process() -> None:
    native = topo(node("upf", process={"state": "stateful", "graceful_shutdown": "10 s",
                                       "scratch": {"size": "256 MiB"}}))
    pol = topo(node("upf"), policies=[policy("p", PROC, ("upf",), state="stateful",
                                              graceful_shutdown="10 s", scratch={"size": "256 MiB"})])
    a, da = _norm(native)
    b, db = _norm(pol)
    assert not list(da) and not list(db)
    pa, pb = a.processes["upf"], b.processes["upf"]
    assert (pa.state, pa.graceful_shutdown, pa.scratch_size, pa.scratch_lifetime) == \
        ("stateful", 10.0, "256 MiB", "transaction")
    assert (pb.state, pb.graceful_shutdown, pb.scratch_size) == ("stateful", 10.0, "256 MiB")
    assert (pa.origin, pb.origin, pb.policy) == ("native", "policy", "p")


def test_workload_without_traits_is_stateless_by_default() -> None:
    x, d = _norm(topo(node("vdu", VDU), node("db", BACKING)))
    assert x.workloads == ("vdu",)
    assert x.processes["vdu"].state == "stateless" and x.processes["vdu"].origin == "default"
    assert "db" in x.backing and "db" not in x.processes


def test_policy_targeting_a_group_reaches_its_members() -> None:
    t = topo(node("a"), node("b"), groups=[chain("c", "a", "b")],
             policies=[policy("p", PROC, ("c",), state="stateful")])
    x, d = _norm(t)
    assert x.processes["a"].state == x.processes["b"].state == "stateful"


def test_process_conflict_native_and_policy() -> None:
    t = topo(node("upf", process={"state": "stateless"}),
             policies=[policy("p", PROC, ("upf",), state="stateful")])
    x, d = _norm(t)
    codes = [(g.code, g.span.line) for g in d]
    assert codes == [("xf-process-conflict", t.policies["p"].target_spans[0].line)]
    assert x.processes["upf"].origin == "native"  # the first declaration wins


def test_process_conflict_two_policies() -> None:
    t = topo(node("upf"), policies=[policy("p1", PROC, ("upf",)), policy("p2", PROC, ("upf",))])
    x, d = _norm(t)
    assert [g.code for g in d] == ["xf-process-conflict"]
    assert x.processes["upf"].policy == "p1"


def test_traits_on_a_backing_service_are_refused() -> None:
    t = topo(node("db", BACKING), policies=[policy("p", PROC, ("db",))])
    _, d = _norm(t)
    assert [g.code for g in d] == ["xf-process-target"]


def test_wirings_relationship_form_on_cnf_and_sol001_vdu() -> None:
    t = topo(node("fw", VDU, requirements=[req("wiring", "nat")]),
             node("nat", VDU, requirements=[wire("router", stickiness="connection")]),
             node("router", VDU))
    x, d = _norm(t)
    assert set(x.wirings) == {"fw.wiring", "nat.wiring"}
    assert x.wirings["nat.wiring"].stickiness == "connection"
    assert x.wirings["fw.wiring"].form == "relationship"


def test_several_wiring_requirements_are_numbered() -> None:
    t = topo(node("a", requirements=[wire("b"), wire("c")]), node("b"), node("c"))
    x, _ = _norm(t)
    assert list(x.wirings) == ["a.wiring.1", "a.wiring.2"]


def test_wiring_conflict_between_the_two_forms() -> None:
    t = topo(node("smf", requirements=[wire("upf")]), node("upf"),
             policies=[policy("w", WIRING, source="smf", target="upf")])
    x, d = _norm(t)
    assert [(g.code, g.span.line) for g in d] == [("xf-wiring-conflict", t.policies["w"].span.line)]
    assert list(x.wirings) == ["smf.wiring"]


def test_wiring_chain_is_inferred_from_the_chain_holding_both_ends() -> None:
    t = topo(node("a"), node("b"), node("c"),
             groups=[chain("c1", "a", "c"), chain("c2", "a", "b")],
             policies=[policy("w", WIRING, source="a", target="b")])
    x, _ = _norm(t)
    assert x.wirings["w"].chain == "c2"


def test_wiring_to_a_backing_service_or_unknown_node_is_refused() -> None:
    t = topo(node("a"), node("db", BACKING),
             policies=[policy("w1", WIRING, source="a", target="db"),
                       policy("w2", WIRING, source="a", target="ghost")])
    x, d = _norm(t)
    assert [g.code for g in d] == ["xf-wiring-endpoint", "xf-wiring-endpoint"]
    assert not x.wirings


def test_on_failure_is_parsed_into_steps() -> None:
    t = topo(node("a"), node("b"), policies=[policy(
        "w", WIRING, source="a", target="b",
        on_failure=["reconnect(attempts=3, backoff=500ms)", "reinstantiate(scope=[a, b])"])])
    x, d = _norm(t)
    w = x.wirings["w"]
    assert w.explicit_on_failure
    assert [s.action for s in w.on_failure] == ["reconnect", "reinstantiate"]
    assert w.on_failure[0].arg("backoff") == 0.5 and w.on_failure[1].arg("scope") == ("a", "b")


def test_unknown_wiring_chain_is_reported() -> None:
    t = topo(node("a"), node("b"), policies=[policy("w", WIRING, source="a", target="b", chain="nope")])
    _, d = _norm(t)
    assert [g.code for g in d] == ["xf-scope-unknown"]


def test_max_replicas() -> None:
    assert max_replicas(node("a")) == 1
    assert max_replicas(node("a", replicas={"min": 1, "max": 4})) == 4
    assert max_replicas(node("v", VDU, vdu_profile={"min_number_of_instances": 1,
                                                    "max_number_of_instances": 3})) == 3
    assert max_replicas(node("v", VDU)) is None
    assert CHAIN  # imported for symmetry with the other builders


_PROFILE = """tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - xfactor/1.0/profile.yaml
"""
_NODES = """topology_template:
  node_templates:
    upf:
      type: xfactor.nodes.CNF
      properties: { image: upf:1, process: { state: stateless }, replicas: { max: 2 } }
    smf:
      type: xfactor.nodes.CNF
      properties: { image: smf:1, process: { state: stateless } }
      requirements:
        - wiring:
            node: upf
"""


def test_derived_wiring_relationship_type_through_the_pipeline(tmp_path) -> None:
    import compiler

    f = tmp_path / "d.yaml"
    f.write_text(_PROFILE + """relationship_types:
  acme.relationships.N4:
    derived_from: xfactor.relationships.Wiring
""" + _NODES + """            relationship:
              type: acme.relationships.N4
              properties: { stickiness: pinned }
""")
    unit = compiler.check(str(f))
    assert unit.ok, unit.diagnostics.render_text()
    w = unit.xmodel.wirings["smf.wiring"]
    assert (w.source, w.target, w.stickiness, w.form) == ("smf", "upf", "pinned", "relationship")


def test_relationship_template_wiring_and_step_position(tmp_path) -> None:
    import compiler

    f = tmp_path / "r.yaml"
    f.write_text(_PROFILE + _NODES + """            relationship: n4
  relationship_templates:
    n4:
      type: xfactor.relationships.Wiring
      properties:
        stickiness: connection
        on_failure: [ "reconnect(attempts=0)" ]
""")
    unit = compiler.check(str(f))
    assert [(d.code, d.span.line, d.span.column) for d in unit.diagnostics] == [("xf-step-syntax", 21, 43)]
    f.write_text(f.read_text().replace("attempts=0", "attempts=2"))
    unit = compiler.check(str(f))
    assert unit.ok, unit.diagnostics.render_text()
    w = unit.xmodel.wirings["smf.wiring"]
    assert w.stickiness == "connection" and w.on_failure[0].arg("attempts") == 2
