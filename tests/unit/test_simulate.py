"""compiler.graph.simulate: the failure model, on IR built in memory."""

from __future__ import annotations

from compiler.diagnostics import Diagnostics
from compiler.graph import build_plan
from compiler.pipeline import Compilation, Options
from compiler.normalize import normalize
from compiler.graph.simulate import render_text, simulate, to_json

from tests.unit.xf_build import BACKING, PROC, chain, node, policy, req, topo, wire


def _unit(t) -> Compilation:
    d = Diagnostics()
    unit = Compilation(path="t.yaml", options=Options(), diagnostics=d)
    unit.topology = t
    unit.xmodel = normalize(t, d)
    unit.plan = build_plan(t, unit.xmodel, d)
    return unit


def _chain3(ladder_b=None, ladder_a=None, fragile=False):
    two = {"min": 1, "max": 2}
    return topo(node("c", replicas=two),
                node("b", replicas=two, requirements=[wire("c", **({"on_failure": ladder_b} if ladder_b else {}))]),
                node("a", replicas=two, requirements=[wire("b", **({"on_failure": ladder_a} if ladder_a else {}))]),
                groups=[chain("ch", "a", "b", "c", fragile=fragile)])


def test_reinstantiate_restores_when_the_target_is_in_scope() -> None:
    sim = simulate(_unit(_chain3(["reconnect(attempts=2)", "reinstantiate(scope=upstream)",
                                  "reinstantiate(scope=[c, b])"])), "c")
    steps = [e for e in sim.events if e.kind == "step"]
    assert [(e.action, e.outcome) for e in steps] == [
        ("reconnect", "escalate"), ("reinstantiate", "escalate"), ("reinstantiate", "restored")]
    assert steps[1].stop == ("a", "b") and steps[1].start == ("b", "a")  # c is not upstream
    assert steps[2].stop == ("b", "c") and steps[2].start == ("c", "b")
    assert sim.outcomes == {"b.wiring": "restored"}
    assert sim.state["c"] == "running"


def test_fragile_default_shuts_the_chain_down_dependents_first() -> None:
    sim = simulate(_unit(_chain3(fragile=True)), "c")
    last = [e for e in sim.events if e.kind == "step"][-1]
    assert last.action == "shutdown_chain" and last.stop == ("a", "b", "c")
    assert sim.outcomes == {"b.wiring": "chain-down"}
    assert {n: s for n, s in sim.state.items()} == {"c": "stopped", "b": "stopped", "a": "stopped"}


def test_source_failure_loses_its_wiring_and_breaks_the_ones_towards_it() -> None:
    sim = simulate(_unit(_chain3()), "b")
    kinds = [(e.kind, e.wiring) for e in sim.events]
    assert kinds[:3] == [("fail", None), ("lost", "b.wiring"), ("break", "a.wiring")]


def test_later_wirings_skip_when_their_source_was_stopped() -> None:
    two = {"min": 1, "max": 2}
    t = topo(node("t", replicas=two),
             node("x", replicas=two, requirements=[wire("t", on_failure=["shutdown_chain"])]),
             node("y", replicas=two, requirements=[wire("t")]),
             groups=[chain("ch", "x", "y", "t")])
    sim = simulate(_unit(t), "t")
    assert sim.outcomes == {"x.wiring": "chain-down", "y.wiring": "skipped"}


def test_reconnect_after_reinstantiation_by_an_earlier_wiring() -> None:
    two = {"min": 1, "max": 2}
    t = topo(node("t", replicas=two),
             node("x", replicas=two, requirements=[wire("t", on_failure=["reinstantiate"])]),
             node("y", replicas=two, requirements=[wire("t")]))
    sim = simulate(_unit(t), "t")
    assert sim.outcomes == {"x.wiring": "restored", "y.wiring": "restored"}
    last = sim.events[-1]
    assert last.action == "reconnect" and "new instance" in last.text


def test_stateful_default_notifies_the_source_and_propagates() -> None:
    t = topo(node("db", BACKING), node("t", requirements=[req("backing_service", "db")]),
             node("s", requirements=[wire("t", propagate="both")]),
             policies=[policy("p", PROC, ("t",), state="stateful")])
    sim = simulate(_unit(t), "t")
    brk = next(e for e in sim.events if e.kind == "break")
    assert brk.context_to == ("s", "t")
    step = next(e for e in sim.events if e.kind == "step")
    assert step.action == "notify" and step.context_to == ("s",) and step.outcome == "terminal"
    assert sim.outcomes == {"s.wiring": "notified"}


def test_instance_mode_and_backing_failure_and_rendering() -> None:
    unit = _unit(_chain3())
    sim = simulate(unit, "c", instance=True)
    assert sim.outcomes == {"b.wiring": "restored"}
    t = topo(node("db", BACKING), node("s", requirements=[req("backing_service", "db")]))
    sim = simulate(_unit(t), "db")
    assert [e.kind for e in sim.events] == ["fail", "affected"]
    text = render_text(sim)
    assert text.splitlines()[:3] == ["simulate: db fails", "1. db fails",
                                     "2. s depends on db (backing_service); no failure policy covers it"]
    assert to_json(sim)["state"] == {"s": "running", "db": "failed"}
