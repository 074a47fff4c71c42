"""The samples through the real pipeline: clean, and their graph and simulations golden.

Goldens: tests/golden/samples-graph/<sample>.{json,dot,mmd} and
tests/golden/samples-simulate/<sample>--<node>.{txt,json}; `pytest --update-golden`
rewrites them (review the diff).
"""

from __future__ import annotations

import io
import json

import pytest

import compiler
from compiler.cli import main

from tests.conftest import REPO

SAMPLES = {
    "5g-core-slice": "samples/5g-core-slice/slice.yaml",
    "sol001-v4-container-vnf": "samples/sol001-v4-container-vnf/vnfd.yaml",
    "sol001-firewall-chain": "samples/sol001-firewall-chain",
}

FAILURES = [
    ("5g-core-slice", "upf"), ("5g-core-slice", "smf"), ("5g-core-slice", "udr"),
    ("5g-core-slice", "session-store"),
    ("sol001-v4-container-vnf", "hss"), ("sol001-v4-container-vnf", "scscf"),
    ("sol001-firewall-chain", "nat"), ("sol001-firewall-chain", "router"),
]


@pytest.fixture(autouse=True)
def _at_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # positions in goldens are relative to the repository


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_compiles_clean(name: str) -> None:
    unit = compiler.analyse(SAMPLES[name])  # the front end: no back end's warning
    assert [str(d) for d in unit.diagnostics] == [] and unit.ok, unit.diagnostics.render_text()


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("fmt,ext", [("json", "json"), ("dot", "dot"), ("mermaid", "mmd")])
def test_sample_graph_golden(name: str, fmt: str, ext: str, golden) -> None:
    code, text = _run("graph", SAMPLES[name], "--format", fmt)
    assert code == 0, text
    golden.check(f"samples-graph/{name}.{ext}", text)


@pytest.mark.parametrize("name,node", FAILURES, ids=[f"{n}--{x}" for n, x in FAILURES])
def test_sample_simulation_golden(name: str, node: str, golden) -> None:
    code, text = _run("simulate", SAMPLES[name], "--fail", node)
    assert code == 0, text
    golden.check(f"samples-simulate/{name}--{node}.txt", text)
    code, text = _run("simulate", SAMPLES[name], "--fail", node, "--format", "json")
    assert code == 0, text
    golden.check(f"samples-simulate/{name}--{node}.json", text)


def expand_side(graph: dict, name: str) -> list[str]:
    """The members a side scope of ``xfc graph --format json`` stands for: its own and
    those of the sides it includes, in the startup order of the wiring's chain (a side
    outside a chain is one node)."""
    sides = {s["name"]: s for s in graph["sides"]}
    found: set[str] = set()
    todo = [name]
    while todo:
        side = sides[todo.pop()]
        found.update(side["members"])
        todo.extend(side.get("includes", ()))
    rank = {n: i for i, wave in enumerate(graph["waves"]) for n in wave}
    order = [n for wave in graph["waves"] for n in wave]
    return sorted(found, key=lambda n: (rank[n], order.index(n)))


def test_slice_orders_follow_the_spec() -> None:
    """A reinstantiate scope shuts dependents down first and starts dependencies first."""
    code, text = _run("graph", SAMPLES["5g-core-slice"], "--format", "json")
    graph = json.loads(text)["graph"]
    assert graph["waves"] == [["subscriber-db", "session-store", "upf"], ["smf", "udr"], ["udm"], ["amf"]]
    chains = {c["name"]: c["members"] for c in graph["chains"]}
    assert chains == {"session-path": ["upf", "smf", "amf"], "subscriber-data": ["udr", "udm"]}
    n4 = next(w for w in graph["wirings"] if w["name"] == "smf.wiring")
    steps = {s["action"]: s for s in n4["on_failure"]}
    assert steps["reinstantiate"]["shutdown_order"] == ["smf", "upf"]
    assert steps["reinstantiate"]["startup_order"] == ["upf", "smf"]
    # shutdown_chain names its chain; ``chains`` lists the members once, startup order
    assert steps["shutdown_chain"]["args"]["chain"] == "session-path"
    assert "shutdown_order" not in steps["shutdown_chain"]
    assert chains["session-path"][::-1] == ["amf", "smf", "upf"]
    # sides are shared scopes (docs/xfactor.md, "The graph as JSON"); expanded, they are
    # the receivers in the chain's startup order, listed outward from the wiring
    assert n4["propagate_to"] == [n4["upstream"]] == ["upstream:session-path:smf"]
    assert expand_side(graph, n4["upstream"]) == ["smf", "amf"]
    n11 = next(w for w in graph["wirings"] if w["name"] == "n11")
    assert n11["propagate_to"] == ["node:amf", "downstream:session-path:smf"]
    assert [expand_side(graph, s) for s in n11["propagate_to"]] == [["amf"], ["upf", "smf"]]
    n35 = next(w for w in graph["wirings"] if w["name"] == "n35")
    assert n35["on_failure"][1]["shutdown_order"] == ["udm", "udr"]
    actions = {s["action"] for w in graph["wirings"] for s in w["on_failure"]}
    assert actions == {"reconnect", "notify", "reinstantiate", "shutdown_chain"}


def test_firewall_chain_default_ladder_and_shutdown() -> None:
    code, text = _run("simulate", SAMPLES["sol001-firewall-chain"], "--fail", "router", "--format", "json")
    sim = json.loads(text)["simulation"]
    steps = [e for e in sim["events"] if e["kind"] == "step"]
    assert [s["action"] for s in steps] == ["reconnect", "shutdown_chain"]
    # the chain's scope, in shutdown order; its VDUs are VMs: no workload to scale
    assert steps[-1]["scope"] == "chain:fw-nat-router" and "scale_down" not in steps[-1]
    assert "in the order - (router, nat, firewall: no Kubernetes workload, not scaled)" \
        in steps[-1]["text"]
    assert sim["phases"] == {"nat.dependency.2": "ShutDown"}
    assert sim["scaling"] == []


def test_instance_failure_reconnects() -> None:
    # smf runs 2 replicas: with one left Ready the executor sees no failure (spec §6)
    code, text = _run("simulate", SAMPLES["5g-core-slice"], "--fail", "smf", "--instance")
    assert code == 0
    assert "wiring n11 (amf -> smf): smf keeps 1 Ready Pod(s) of 2; amf reconnects to " \
           "another instance and no ladder runs" in text
    assert "phases:\n  n11: Healthy\n" in text


def test_simulate_unknown_node_is_misuse(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run("simulate", SAMPLES["5g-core-slice"], "--fail", "upff")
    assert code == 2
    assert "did you mean 'upf'?" in capsys.readouterr().err


def test_readme_shows_current_graph_and_simulation() -> None:
    readme = (REPO / "README.md").read_text()
    _, mmd = _run("graph", SAMPLES["5g-core-slice"], "--format", "mermaid")
    assert f"```mermaid\n{mmd}```" in readme
    _, sim = _run("simulate", SAMPLES["5g-core-slice"], "--fail", "upf")
    assert f"$ xfc simulate samples/5g-core-slice/slice.yaml --fail upf\n{sim}```" in readme
