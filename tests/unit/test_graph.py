"""compiler.graph: edges, waves, cycles, chain orders, resolved wirings."""

from __future__ import annotations

from compiler.diagnostics import Diagnostics
from compiler.graph import build_plan, find_cycles, to_networkx
from compiler.model.xfactor import NotifyArgs, ReconnectArgs, ReinstantiateArgs, ShutdownChainArgs
from compiler.normalize import normalize

from tests.unit.xf_build import BACKING, PROC, STORAGE, VDU, WIRING, chain, node, policy, req, topo, wire


def _plan(t):
    d = Diagnostics()
    x = normalize(t, d)
    return build_plan(t, x, d), d


def _core():
    """amf -> smf -> upf (one fragile chain), udm stateful on a database."""
    return topo(
        node("db", BACKING, image="postgres:16", kind="database"),
        node("upf", replicas={"min": 2, "max": 4}),
        node("smf", requirements=[wire("upf", on_failure=[
            "reconnect(attempts=3, backoff=500ms)", "reinstantiate(scope=[upf, smf])",
            "shutdown_chain"], propagate="upstream")]),
        node("amf", requirements=[wire("smf", propagate="both")]),
        node("udm", requirements=[req("backing_service", "db")]),
        groups=[chain("core", "amf", "smf", "upf", fragile=True)],
        policies=[policy("udm_p", PROC, ("udm",), state="stateful")])


def test_edges_are_labelled_with_kind_and_position() -> None:
    t = _core()
    plan, _ = _plan(t)
    kinds = {(e.source, e.target): e.kind for e in plan.edges}
    assert kinds == {("smf", "upf"): "wiring", ("amf", "smf"): "wiring", ("udm", "db"): "backing_service"}
    e = next(e for e in plan.edges if e.source == "udm")
    assert e.span == t.nodes["udm"].requirements[0].span


def test_policy_wiring_and_plain_requirement_edges() -> None:
    t = topo(node("vl", ("tosca.nodes.nfv.VnfVirtualLink",)),
             node("fw", VDU, requirements=[req("virtual_storage", "disk"), req("virtual_link", None)]),
             node("disk", STORAGE), node("nat", VDU),
             policies=[policy("w", WIRING, source="fw", target="nat")])
    plan, _ = _plan(t)
    assert sorted((e.source, e.target, e.kind, e.label) for e in plan.edges) == [
        ("fw", "disk", "requirement", "virtual_storage"), ("fw", "nat", "wiring", "w")]


def test_waves_put_dependencies_first_and_sort_by_source_order() -> None:
    plan, _ = _plan(_core())
    assert plan.waves == (("db", "upf"), ("smf", "udm"), ("amf",))
    assert plan.acyclic


def test_chain_members_in_startup_order() -> None:
    plan, _ = _plan(_core())
    assert plan.chains == {"core": ("upf", "smf", "amf")}


def test_reinstantiate_shuts_dependents_first_and_starts_dependencies_first() -> None:
    plan, _ = _plan(_core())
    rw = plan.wirings["smf.wiring"]
    reinst = rw.steps[1]
    assert reinst.action == "reinstantiate"
    assert reinst.shutdown_order == ("smf", "upf") and reinst.startup_order == ("upf", "smf")
    stop = rw.steps[2]
    assert stop.action == "shutdown_chain" and stop.args == ShutdownChainArgs(chain="core")
    assert stop.shutdown_order == ("amf", "smf", "upf") and stop.startup_order == ("upf", "smf", "amf")
    assert rw.steps[0].args == ReconnectArgs(attempts=3, backoff=0.5)
    assert type(rw.steps[0].args.attempts) is int and type(rw.steps[0].args.backoff) is float
    assert reinst.args == ReinstantiateArgs(scope=("upf", "smf"), timeout=None)


def test_upstream_downstream_and_propagate() -> None:
    plan, _ = _plan(_core())
    rw = plan.wirings["smf.wiring"]  # smf -> upf
    assert rw.upstream == ("smf", "amf") and rw.downstream == ("upf",)
    assert rw.propagate_to == ("smf", "amf")
    rw = plan.wirings["amf.wiring"]  # amf -> smf
    assert rw.upstream == ("amf",) and rw.downstream == ("smf", "upf")
    assert rw.propagate_to == ("amf", "smf", "upf")


def test_default_ladders() -> None:
    plan, _ = _plan(_core())
    # amf -> smf: stateless target, fragile chain
    assert [s.action for s in plan.wirings["amf.wiring"].steps] == ["reconnect", "shutdown_chain"]
    t = topo(node("a", requirements=[wire("b")]), node("b"),
             policies=[policy("p", PROC, ("b",), state="stateful")])
    plan, _ = _plan(t)
    rw = plan.wirings["a.wiring"]
    # spec §3.1: notify's timeout defaults to the wiring's detect_after (10 s, §2.3)
    assert [(s.action, s.args) for s in rw.steps] == [("notify", NotifyArgs(via="event", timeout=10.0))]
    assert rw.chain is None and rw.upstream == ("a",) and rw.downstream == ("b",)


def test_scope_roles_resolve_to_names() -> None:
    t = topo(node("c"), node("b", requirements=[wire("c")]),
             node("a", requirements=[wire("b", on_failure=["reinstantiate(scope=downstream)",
                                                           "reinstantiate(scope=chain)",
                                                           "reinstantiate(scope=source)",
                                                           "reinstantiate"])]),
             groups=[chain("ch", "a", "b", "c")])
    plan, _ = _plan(t)
    steps = plan.wirings["a.wiring"].steps
    assert [s.args.scope for s in steps] == [("c", "b"), ("c", "b", "a"), ("a",), ("b",)]
    assert steps[0].shutdown_order == ("b", "c")


def test_cycle_is_found_and_named() -> None:
    t = topo(node("a", requirements=[wire("b")]), node("b", requirements=[wire("c")]),
             node("c", requirements=[wire("a")]), node("d", requirements=[req("dependency", "d")]),
             node("e"))
    plan, _ = _plan(t)
    assert not plan.acyclic
    assert find_cycles(to_networkx(plan)) == [("a", "b", "c", "a"), ("d", "d")]
    # orders stay defined: the cycle is one wave
    assert plan.waves == (("a", "b", "c", "d", "e"),)


def test_acyclic_waves_are_the_generations_networkx_gives() -> None:
    """graphlib's batches (the acyclic path) are the topological generations of networkx's
    condensation (the cyclic path): one wave semantics, whichever library computed it."""
    from compiler.graph import _condensed_waves

    diamond = topo(node("top", requirements=[wire("l"), req("dependency", "r")]),
                   node("l", requirements=[wire("base")]), node("r", requirements=[wire("base")]),
                   node("base"), node("alone"))
    for t in (_core(), diamond, _big(30), topo()):
        plan, _ = _plan(t)
        assert plan.acyclic
        index = {name: n.index for name, n in plan.nodes.items()}
        assert plan.waves == _condensed_waves(to_networkx(plan), index)
    plan, _ = _plan(diamond)
    assert plan.waves == (("base", "alone"), ("l", "r"), ("top",))


def test_the_plan_holds_its_graph_as_immutable_data() -> None:
    t = topo(node("b"), node("a", requirements=[req("dependency", "b"), wire("b")]),
             node("db", BACKING, image="postgres:16", kind="database"))
    plan, _ = _plan(t)
    assert list(plan.nodes) == ["b", "a", "db"]  # source order
    assert [(n.index, n.kind, n.state) for n in plan.nodes.values()] == [
        (0, "workload", "stateless"), (1, "workload", "stateless"), (2, "backing", "stateful")]
    assert plan.nodes["a"].template is t.nodes["a"]
    # the two parallel edges a -> b, in source order, kept per pair
    assert [e.kind for e in plan.links[("a", "b")]] == ["requirement", "wiring"]
    for mutate in (lambda: plan.nodes.pop("a"), lambda: plan.links.clear()):
        try:
            mutate()
        except TypeError:
            pass
        else:
            raise AssertionError("the plan's graph must be read-only")
    # networkx's view: the same nodes with their attributes, parallel edges in ``edges``
    g = to_networkx(plan)
    assert list(g.nodes) == ["b", "a", "db"] and list(g.edges) == [("a", "b")]
    assert g.nodes["db"] == {"template": t.nodes["db"], "index": 2, "kind": "backing",
                             "state": "stateful", "type": t.nodes["db"].type}
    assert g["a"]["b"]["edges"] == list(plan.links[("a", "b")])
    assert to_networkx(plan) is not g  # each caller owns its graph


def _big(n: int):
    """n CNFs in chains of 10 (each a line with wirings), every chain on a database."""
    nodes = []
    groups = []
    for c in range(n // 10):
        names = [f"n{c}_{i}" for i in range(10)]
        for i, name in enumerate(names):
            ladder = {"on_failure": ["reinstantiate(scope=upstream)"]} if i == 0 else {}
            reqs = [wire(names[i + 1], propagate="both", **ladder)] \
                if i + 1 < len(names) else [req("backing_service", f"db{c}")]
            nodes.append(node(name, requirements=reqs, replicas={"min": 1, "max": 3}))
        nodes.append(node(f"db{c}", BACKING))
        groups.append(chain(f"chain{c}", *names))
    return topo(*nodes, groups=groups)


def test_step_arguments_are_typed_once_with_the_spec_defaults() -> None:
    from compiler import defaults
    from compiler.model.xfactor import step_arguments

    r = step_arguments("reconnect", {})
    assert r == ReconnectArgs(attempts=defaults.ATTEMPTS, backoff=defaults.BACKOFF)
    assert step_arguments("reconnect", {"backoff": "500ms", "timeout": "1m"}).as_dict() == {
        "attempts": 3, "backoff": 0.5, "timeout": 60.0}
    n = step_arguments("notify", {"via": "http", "port": 8080, "path": "/f", "attempts": 9})
    assert n == NotifyArgs(via="http", port=8080, path="/f") and not hasattr(n, "attempts")
    # a scope keyword the graph has not resolved names nothing; a bool is no port
    assert step_arguments("reinstantiate", {"scope": "target"}).scope == ()
    assert step_arguments("notify", {"port": True}).port is None
    assert step_arguments("shutdown_chain", {}).as_dict() == {}
    try:
        step_arguments("explode", {})
    except ValueError as exc:
        assert "explode" in str(exc)
    else:
        raise AssertionError("an unknown action must be refused")
