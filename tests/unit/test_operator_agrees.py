"""`xfc simulate --fail` and the operator's decisions agree on every sample wiring (spec §6
"Agreement"): for each node that a wiring targets, the sample's compiled FailurePolicy is
played by :mod:`compiler.operator.decide` against a stand-in cluster in which that node
fails (its restart heals it, as the simulation assumes), and the scale actions per wiring,
the notifications and each wiring's outcome must be what the simulation prints.  The
end-to-end test (tests/integration/test_operator_e2e.py) does the same through a real API
server for the 5G slice."""

from __future__ import annotations

import pytest
import yaml

import compiler
from compiler.graph.simulate import simulate
from compiler.operator import decide
from compiler.operator.decide import Notify, Observed, Scale
from compiler.operator.policy import parse
from compiler.pipeline import Options
from tests.unit.bundle_support import SAMPLES


# network services beside the samples (whose 5G slice NS is among SAMPLES): a wiring to a
# VNF node as one unit (tests/fixtures/ns/nsd_unit.yaml)
NS_FIXTURES = ["tests/fixtures/ns/nsd.yaml", "tests/fixtures/ns/nsd_unit.yaml"]


def _cases():
    out = []
    for sample in SAMPLES + NS_FIXTURES:
        unit = compiler.compile(sample, Options())
        docs = [yaml.safe_load(f.content) for f in unit.outputs
                if f.path == "policies/failurepolicy.yaml"]
        if not unit.ok or not docs:
            continue
        policy = parse(docs[0]["spec"])
        for target in dict.fromkeys(w.target for w in policy.wirings):
            if policy.workloads[target].actionable:
                out.append(pytest.param(sample, target, id=f"{sample}--fail {target}"))
    return out


CASES = _cases()


def test_there_are_cases():
    assert len(CASES) >= 4
    # the NS sample and the VNF-unit fixture are played too (issue 26)
    played = {c.values[0] for c in CASES}
    assert {"samples/5g-core-slice-ns/nsd.yaml", *NS_FIXTURES} <= played
    assert ("tests/fixtures/ns/nsd_unit.yaml", "blog-api") in {c.values for c in CASES}


@pytest.mark.parametrize("sample,failed", CASES)
def test_operator_does_what_simulate_says(sample, failed):
    unit = compiler.compile(sample, Options())
    doc = yaml.safe_load([f for f in unit.outputs if f.path == "policies/failurepolicy.yaml"][0]
                         .content)
    policy = parse(doc["spec"])
    sim = simulate(unit, failed)
    act = {n for n, w in policy.workloads.items() if w.actionable}
    want_scales = [(a["wiring"], a["node"], a["replicas"]) for a in sim.scaling]
    want_notes: dict[tuple[str, int], tuple[str, ...]] = {}
    for n in sim.notifications:
        want_notes.setdefault((n["wiring"], n["step"]), ())
        want_notes[(n["wiring"], n["step"])] += (n["to"],)
    # the stand-in cluster: a scale becomes Pods at once, Ready unless broken; the failed
    # node heals when it is scaled to 0 (re-instantiated), as the simulation assumes
    replicas = {n: policy.workloads[n].replicas for n in act}
    broken = {failed}
    statuses: dict = {}
    unready: dict = {}
    got_scales: list = []
    got_notes: dict = {}
    t = 0.0
    while t < 900:
        obs = Observed(pods=dict(replicas), replicas=dict(replicas),
                       ready={n: 0 if n in broken else r for n, r in replicas.items()})
        r = decide.tick(policy, statuses, obs, t, unready_since=unready)
        unready = r.unready_since
        for d in r.decisions:
            statuses[d.wiring] = d.status
            if isinstance(d.action, Scale):
                replicas[d.action.workload] = d.action.replicas
                if d.action.replicas == 0:
                    broken.discard(d.action.workload)
                got_scales.append((d.wiring, d.action.workload, d.action.replicas))
            elif isinstance(d.action, Notify):
                got_notes[(d.wiring, d.action.step)] = d.action.recipients
        t += 0.5
    assert got_scales == want_scales
    assert got_notes == want_notes
    assert {k: v.phase for k, v in statuses.items()} == sim.phases
    for node, state in sim.state.items():
        if node in act:
            assert replicas[node] == (0 if state == "stopped" else policy.workloads[node].replicas)
