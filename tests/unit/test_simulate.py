"""compiler.graph.simulate: the executor's model (spec §6), on IR built in memory.

The nodes carry an image, so that the Kubernetes back end makes a workload of each: the
executor acts on workloads, and a node without one is not scaled.
"""

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


def cnf(name: str, **props):
    return node(name, image=f"registry.example.net/{name}:1.0", **props)


def _chain3(ladder_b=None, ladder_a=None, fragile=False, replicas=1):
    reps = {"min": replicas, "max": 2}
    return topo(cnf("c", replicas=reps),
                cnf("b", replicas=reps, requirements=[wire("c", **({"on_failure": ladder_b} if ladder_b else {}))]),
                cnf("a", replicas=reps, requirements=[wire("b", **({"on_failure": ladder_a} if ladder_a else {}))]),
                groups=[chain("ch", "a", "b", "c", fragile=fragile)])


def steps_of(sim):
    return [e for e in sim.events if e.kind == "step"]


def test_reinstantiate_restores_when_the_target_is_in_scope() -> None:
    sim = simulate(_unit(_chain3(["reconnect(attempts=2)", "reinstantiate(scope=upstream)",
                                  "reinstantiate(scope=[c, b])"])), "c")
    steps = steps_of(sim)
    assert [(e.action, e.outcome) for e in steps] == [
        ("reconnect", None), ("reinstantiate", "escalate"), ("reinstantiate", "recovered")]
    # detection after detect_after (10 s), the reconnect waits 2 x 1 s, then escalates
    assert [(e.kind, e.t) for e in sim.events] == [
        ("fail", 0.0), ("detect", 10.0), ("step", 10.0), ("end", 12.0), ("step", 12.0),
        ("step", 12.0)]
    assert steps[1].scale_down == ("a", "b") and steps[1].scale_up == ("b", "a")  # c is not upstream
    assert steps[2].scale_down == ("b", "c") and steps[2].scale_up == ("c", "b")
    assert steps[2].scope == "nodes:c+b"
    assert sim.phases == {"b.wiring": "Recovered"}
    assert sim.state["c"] == "running"
    assert [(s["object"], s["replicas"]) for s in sim.scaling] == [
        ("a", 0), ("b", 0), ("b", 1), ("a", 1), ("b", 0), ("c", 0), ("c", 1), ("b", 1)]


def test_fragile_default_shuts_the_chain_down_dependents_first() -> None:
    sim = simulate(_unit(_chain3(fragile=True)), "c")
    last = steps_of(sim)[-1]
    assert last.action == "shutdown_chain" and last.scale_down == ("a", "b", "c")
    assert last.outcome == "terminal" and last.scope == "chain:ch"
    assert sim.phases == {"b.wiring": "ShutDown"}
    assert {n: s for n, s in sim.state.items()} == {"c": "stopped", "b": "stopped", "a": "stopped"}
    assert [(s["kind"], s["object"], s["replicas"]) for s in sim.scaling] == [
        ("Deployment", "a", 0), ("Deployment", "b", 0), ("Deployment", "c", 0)]


def test_source_failure_loses_its_wiring_and_breaks_the_ones_towards_it() -> None:
    sim = simulate(_unit(_chain3()), "b")
    kinds = [(e.kind, e.wiring) for e in sim.events]
    assert kinds[:3] == [("fail", None), ("lost", "b.wiring"), ("detect", "a.wiring")]
    assert sim.phases == {"a.wiring": "Failing"}  # reconnect only: b stays down


def test_a_chain_shut_down_by_one_wiring_holds_the_others() -> None:
    two = {"min": 1, "max": 2}
    t = topo(cnf("t", replicas=two),
             cnf("x", replicas=two, requirements=[wire("t", on_failure=["shutdown_chain"])]),
             cnf("y", replicas=two, requirements=[wire("t")]),
             groups=[chain("ch", "x", "y", "t")])
    sim = simulate(_unit(t), "t")
    assert sim.phases == {"x.wiring": "ShutDown", "y.wiring": "ShutDown"}
    held = next(e for e in sim.events if e.kind == "held")
    assert held.wiring == "y.wiring" and "x.wiring" in held.text
    assert not any(e.kind == "step" and e.wiring == "y.wiring" for e in sim.events)


def test_a_wiring_whose_target_another_ladder_restarted_never_fails() -> None:
    two = {"min": 1, "max": 2}
    t = topo(cnf("t", replicas=two),
             cnf("x", replicas=two, requirements=[wire("t", on_failure=["reinstantiate"])]),
             cnf("y", replicas=two, requirements=[wire("t")]))
    sim = simulate(_unit(t), "t")
    assert sim.phases == {"x.wiring": "Recovered", "y.wiring": "Healthy"}
    last = sim.events[-1]
    assert last.kind == "healthy" and last.wiring == "y.wiring" and "Ready again" in last.text


def test_a_waiting_step_recovers_when_another_ladder_restarts_the_target() -> None:
    two = {"min": 1, "max": 2}
    t = topo(cnf("t", replicas=two),
             cnf("x", replicas=two, requirements=[wire("t", on_failure=["reinstantiate"])]),
             cnf("y", replicas=two, requirements=[wire("t", detect_after="5 s",
                                                       on_failure=["reconnect(attempts=10)",
                                                                   "shutdown_chain"])]),
             groups=[chain("ch", "x", "y", "t")])
    sim = simulate(_unit(t), "t")
    # y fails at 5 s and waits 10 x 1 s; x fails at 10 s and restarts t: y recovers then
    assert sim.phases == {"x.wiring": "Recovered", "y.wiring": "Recovered"}
    end = next(e for e in sim.events if e.kind == "end" and e.wiring == "y.wiring")
    assert (end.t, end.outcome) == (10.0, "recovered")
    assert not any(e.action == "shutdown_chain" for e in sim.events)


def test_stateful_default_notifies_the_source_and_propagates() -> None:
    t = topo(node("db", BACKING), cnf("t", requirements=[req("backing_service", "db")]),
             cnf("s", requirements=[wire("t", propagate="both")]),
             policies=[policy("p", PROC, ("t",), state="stateful")])
    sim = simulate(_unit(t), "t")
    step = next(e for e in sim.events if e.kind == "step")
    assert step.action == "notify" and step.recipients == ("s", "t") and step.via == "event"
    assert step.undelivered == ()  # an Event on the workload reaches even a failed node
    assert [(n["to"], n["delivered"]) for n in sim.notifications] == [("s", True), ("t", True)]
    assert sim.phases == {"s.wiring": "Failing"}
    assert sim.events[-1].kind == "end" and sim.events[-1].t == 20.0  # detect 10 s + timeout 10 s


def test_http_notify_reaches_only_nodes_with_ready_pods() -> None:
    t = topo(cnf("t"), cnf("s", requirements=[wire("t", propagate="downstream", on_failure=[
        'notify(via=http, path="/down", port=8080)'])]))
    sim = simulate(_unit(t), "t")
    step = next(e for e in sim.events if e.kind == "step")
    assert step.recipients == ("s", "t") and step.undelivered == ("t",)
    assert sim.notifications[0] == {"wiring": "s.wiring", "step": 1, "to": "s", "via": "http",
                                    "delivered": True, "path": "/down", "port": 8080}


def test_instance_mode_and_backing_failure_and_rendering() -> None:
    # one instance of three: the target keeps Ready Pods, the executor sees no failure
    sim = simulate(_unit(_chain3(replicas=2)), "c", instance=True)
    assert sim.phases == {"b.wiring": "Healthy"}
    assert sim.scaling == () and [e.kind for e in sim.events] == ["fail", "healthy"]
    # one instance of one is the whole target
    sim = simulate(_unit(_chain3()), "c", instance=True)
    assert sim.phases == {"b.wiring": "Failing"}
    t = topo(node("db", BACKING), cnf("s", requirements=[req("backing_service", "db")]))
    sim = simulate(_unit(t), "db")
    assert [e.kind for e in sim.events] == ["fail", "affected"]
    text = render_text(sim)
    assert text.splitlines()[:3] == [
        "simulate: db fails (FailurePolicy t, as xfc operator acts on it)", "1. 0s  db fails",
        "2. 0s  s depends on db (backing_service); no failure policy covers it"]
    assert to_json(sim)["state"] == {"s": "running", "db": "failed"}
    assert set(to_json(sim)) == {"failed", "instance", "policy", "events", "phases", "scaling",
                                 "notifications", "state"}


def test_a_long_ladder_runs_without_recursion() -> None:
    ladder = ["reinstantiate(scope=source)"] * 3000
    sim = simulate(_unit(_chain3(ladder)), "c")
    assert len(steps_of(sim)) == 3000 and sim.phases == {"b.wiring": "Failing"}


# --------------------------------------------------------------------------- agreement

import pytest  # noqa: E402
import yaml  # noqa: E402
from pathlib import Path  # noqa: E402

from compiler import compile as compile_  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SAMPLES = ["samples/5g-core-slice/slice.yaml", "samples/sol001-v4-container-vnf/vnfd.yaml",
           "samples/sol001-firewall-chain"]


@pytest.mark.parametrize("sample", SAMPLES)
def test_simulation_acts_on_the_failure_policy_as_written(sample: str) -> None:
    """What simulate says the executor does is what the FailurePolicy document says, read
    as spec §6 reads it: each step's scope by name, scaled down in reverse member order
    and up in member order, the workloads' objects and compiled replicas, notify to the
    source and the propagate nodes, wirings in spec.wirings order."""
    unit = compile_(str(REPO / sample), emitters=("policies",))
    assert not unit.diagnostics.has_errors
    (fp,) = [f for f in unit.outputs if f.path == "policies/failurepolicy.yaml"]
    spec = yaml.safe_load(fp.content)["spec"]
    pos = {n: i for i, n in enumerate(spec["order"])}
    scopes: dict = {}
    for s in spec["scopes"]:  # a scope: its members and those of the earlier ones it includes
        names = set(s["members"]).union(*(scopes[i] for i in s.get("includes", [])))
        scopes[s["name"]] = sorted(names, key=pos.__getitem__)
    workloads = {w["name"]: w for w in spec["workloads"]}
    wirings = {w["name"]: w for w in spec["wirings"]}
    targets = sorted({w["target"] for w in spec["wirings"]})
    assert targets
    for target in targets:
        sim = simulate(unit, target)
        assert list(sim.phases) == [n for n in wirings if wirings[n]["target"] == target]
        for e in sim.events:
            if e.kind != "step":
                continue
            written = wirings[e.wiring]["steps"][e.step - 1]
            assert written["action"] == e.action
            if e.action in ("reinstantiate", "shutdown_chain"):
                assert e.scope == written["scope"]
                acted = [m for m in scopes[e.scope] if "object" in workloads[m]]
                assert list(e.scale_down) == acted[::-1]
                assert list(e.scale_up) == (acted if e.action == "reinstantiate" else [])
            if e.action == "notify":
                w = wirings[e.wiring]
                prop = w["propagate"]
                up = scopes[prop["upstream"]] if "upstream" in prop else []
                down = scopes[prop["downstream"]][::-1] if "downstream" in prop else []
                assert list(e.recipients) == list(dict.fromkeys([w["source"], *up, *down]))
                assert e.via == written["via"]
        for s in sim.scaling:
            w = workloads[s["node"]]
            assert (s["kind"], s["object"]) == (w["kind"], w["object"])
            assert s["replicas"] in (0, w["replicas"])
