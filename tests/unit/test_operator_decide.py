"""The operator's pure decisions (compiler/operator/decide.py), on the 5G core slice's
FailurePolicy written out by hand in the v1alpha2 shape of spec §5, against a stand-in
kubelet that turns each scale into Pods at once."""

from __future__ import annotations

import pytest

from compiler.operator import decide
from compiler.operator.decide import Notify, Observed, Scale, WiringStatus
from compiler.operator.policy import PolicyError, duration, parse

SEL = "app.kubernetes.io/name"


def workload(name, kind="Deployment", replicas=1):
    return {"name": name, "kind": kind, "object": name, "replicas": replicas,
            "selector": {SEL: name}}


SPEC = {
    "workloads": [workload("upf", replicas=2), workload("smf", replicas=2), workload("amf"),
                  workload("udr", "StatefulSet"), workload("udm", "StatefulSet")],
    "order": ["udr", "upf", "udm", "smf", "amf"],
    "scopes": [{"name": "session-path", "members": ["upf", "smf", "amf"]},
               {"name": "udr-udm", "members": ["udr", "udm"]},
               {"name": "upf-smf", "members": ["upf", "smf"]},
               {"name": "node:udr", "members": ["udr"]},
               {"name": "node:amf", "members": ["amf"]},
               {"name": "upstream:session-path:smf", "members": ["smf"],
                "includes": ["node:amf"]}],
    "chains": [{"name": "session-path", "fragile": True, "scope": "session-path"}],
    "wirings": [
        {"name": "n11", "source": "amf", "target": "smf", "stickiness": "session",
         "chain": "session-path", "detect_after": "10s", "propagate": {"upstream": "node:amf", "downstream": "upf-smf"},
         "steps": [{"action": "reconnect", "attempts": 5, "backoff": "200ms", "timeout": "3s"},
                   {"action": "notify", "via": "http", "path": "/cb", "port": 8080}]},
        {"name": "n35", "source": "udm", "target": "udr", "stickiness": "pinned",
         "detect_after": "10s", "propagate": {"downstream": "node:udr"},
         "steps": [{"action": "notify", "via": "signal", "signal": "SIGUSR1"},
                   {"action": "reinstantiate", "scope": "udr-udm", "timeout": "5m"}]},
        {"name": "smf.wiring", "source": "smf", "target": "upf", "stickiness": "connection",
         "chain": "session-path", "detect_after": "10s", "propagate": {"upstream": "upstream:session-path:smf"},
         "steps": [{"action": "reconnect", "attempts": 3, "backoff": "500ms"},
                   {"action": "reinstantiate", "scope": "upf-smf", "timeout": "2m"},
                   {"action": "shutdown_chain", "chain": "session-path",
                    "scope": "session-path"}]},
    ],
}


class Cluster:
    """A stand-in for the API server and kubelet: a scale becomes that many Pods, Ready
    unless the workload is broken; a broken workload's Pods are never Ready."""

    def __init__(self, policy):
        self.replicas = {n: w.replicas for n, w in policy.workloads.items()}
        self.broken: set[str] = set()

    def observed(self):
        pods = dict(self.replicas)
        ready = {n: (0 if n in self.broken else r) for n, r in self.replicas.items()}
        return Observed(pods=pods, ready=ready, replicas=dict(self.replicas))


def run(policy, cluster, *, start=0.0, until=400.0, dt=0.5, drills=(), repair_on_scale=None,
        statuses=None, log=None):
    """Tick until nothing changes for a while; returns (statuses, actions)."""
    statuses = dict(statuses or {})
    actions = log if log is not None else []
    unready: dict[str, float] = {}
    t = start
    pending = set(drills)
    while t < until:
        result = decide.tick(policy, statuses, cluster.observed(), t, unready_since=unready,
                             drills=frozenset(pending))
        pending.clear()
        unready = result.unready_since
        for d in result.decisions:
            statuses[d.wiring] = d.status
            if isinstance(d.action, Scale):
                cluster.replicas[d.action.workload] = d.action.replicas
                if d.action.replicas == 0 and repair_on_scale and d.action.workload in repair_on_scale:
                    cluster.broken.discard(d.action.workload)
            if d.action is not None:
                actions.append((d.wiring, d.action))
        t += dt
    return statuses, actions


def scales(actions):
    return [(a.workload, a.replicas) for _, a in actions if isinstance(a, Scale)]


@pytest.fixture
def policy():
    return parse(SPEC)


def test_healthy_cluster_does_nothing(policy):
    statuses, actions = run(policy, Cluster(policy), until=60)
    assert actions == [] and statuses == {}


def test_detection_window(policy):
    c = Cluster(policy)
    c.broken.add("upf")
    r = decide.tick(policy, {}, c.observed(), 100.0)
    assert r.decisions == () and r.unready_since["upf"] == 100.0
    r = decide.tick(policy, {}, c.observed(), 109.9, unready_since=r.unready_since)
    assert r.decisions == ()
    r = decide.tick(policy, {}, c.observed(), 110.0, unready_since=r.unready_since)
    (d,) = r.decisions
    assert (d.wiring, d.status.phase, d.status.step, d.reason) == ("smf.wiring", "Failing", 1,
                                                                    "WiringFailed")
    assert "smf.wiring" in d.message


def test_reinstantiate_restores_in_order(policy):
    c = Cluster(policy)
    c.broken.add("upf")
    statuses, actions = run(policy, c, repair_on_scale={"upf"})
    # reconnect fails (1.5 s), then reinstantiate [upf, smf]: down smf, upf; up upf, smf
    assert scales(actions) == [("smf", 0), ("upf", 0), ("upf", 2), ("smf", 2)]
    assert statuses["smf.wiring"].phase == "Recovered"
    assert statuses["smf.wiring"].step == 2
    assert "n11" not in statuses  # smf was in the acting scope: n11's signal suppressed


def test_shutdown_chain_is_terminal(policy):
    c = Cluster(policy)
    c.broken.add("upf")  # never repaired: reinstantiate times out after 2m
    statuses, actions = run(policy, c, until=600)
    assert scales(actions) == [("smf", 0), ("upf", 0), ("upf", 2), ("amf", 0), ("smf", 0),
                               ("upf", 0)]
    st = statuses["smf.wiring"]
    assert (st.phase, st.step) == ("ShutDown", 3)
    assert set(statuses) == {"smf.wiring"}  # the chain's own wirings stay suppressed
    assert c.replicas["amf"] == c.replicas["smf"] == c.replicas["upf"] == 0


def test_notify_then_reinstantiate(policy):
    c = Cluster(policy)
    c.broken.add("udr")
    statuses, actions = run(policy, c, repair_on_scale={"udr"})
    notes = [a for _, a in actions if isinstance(a, Notify)]
    assert notes == [Notify(via="signal", recipients=("udm", "udr"), step=1, failed="udr",
                            signal="SIGUSR1")]
    assert scales(actions) == [("udm", 0), ("udr", 0), ("udr", 1), ("udm", 1)]
    assert statuses["n35"].phase == "Recovered"


def test_notify_last_step_ends_ladder(policy):
    c = Cluster(policy)
    c.broken.add("smf")
    statuses, actions = run(policy, c, until=60)
    assert [a for _, a in actions] == [Notify(via="http", recipients=("amf", "smf", "upf"),
                                              step=2, failed="smf", path="/cb", port=8080)]
    st = statuses["n11"]
    assert (st.phase, st.step) == ("Failing", 3)  # one past the last step: ended
    c.broken.clear()
    statuses, _ = run(policy, c, start=60, until=62, statuses=statuses)
    assert statuses["n11"].phase == "Recovered"


def test_drill_acts_like_a_failure(policy):
    c = Cluster(policy)
    statuses, actions = run(policy, c, until=5, drills={"n35"})
    # a drill of a healthy wiring: notify goes out, then udr is Ready: recovered
    assert [a for _, a in actions] == [Notify(via="signal", recipients=("udm", "udr"), step=1,
                                              failed="udr", signal="SIGUSR1")]
    assert statuses["n35"].phase == "Recovered"


def test_restart_resumes_without_repeating(policy):
    """Stop in the middle of a reinstantiate (after each possible action), start again
    from the written status alone: the actions done before plus after are the plan, once."""
    full_c = Cluster(policy)
    full_c.broken.add("upf")
    _, full = run(policy, full_c, repair_on_scale={"upf"})
    for cut in range(1, 5):
        c = Cluster(policy)
        c.broken.add("upf")
        statuses: dict = {}
        log: list = []
        t, unready = 0.0, {}
        while len(scales(log)) < cut:
            r = decide.tick(policy, statuses, c.observed(), t, unready_since=unready)
            unready = r.unready_since
            for d in r.decisions:
                statuses[d.wiring] = d.status
                if isinstance(d.action, Scale):
                    if len(scales(log)) + 1 == cut:
                        # the status is written, then the operator dies before scaling
                        log.append((d.wiring, d.action))
                        break
                    c.replicas[d.action.workload] = d.action.replicas
                    if d.action.replicas == 0:
                        c.broken.discard(d.action.workload)
                    log.append((d.wiring, d.action))
            t += 0.5
        # restart: only the statuses survive (rounded through JSON)
        statuses = {k: WiringStatus.from_json(v.to_json()) for k, v in statuses.items()}
        done = scales(log)
        after: list = []
        run(policy, c, start=t, statuses=statuses, repair_on_scale={"upf"}, log=after)
        again = [(a.workload, a.replicas) for _, a in after if isinstance(a, Scale) and a.again]
        fresh = [(a.workload, a.replicas) for _, a in after if isinstance(a, Scale) and not a.again]
        assert again == done[-1:]  # the one recorded but not done is completed
        assert done + fresh == scales(full)


def test_status_round_trip():
    st = WiringStatus(name="w", phase="Failing", step=2, attempt=3, since=1700000000.25,
                      message="m")
    raw = st.to_json()
    assert raw["since"] == "2023-11-14T22:13:20.250Z"
    assert WiringStatus.from_json(raw) == st
    assert WiringStatus.from_json({"name": "w", "phase": "Bogus", "step": -1}) == \
        WiringStatus(name="w")


def test_policy_errors():
    assert duration("1m30s", "x") == 90 and duration("500ms", "x") == 0.5
    with pytest.raises(PolicyError, match="spec.wirings\\[0\\].detect_after"):
        parse({**SPEC, "wirings": [{**SPEC["wirings"][0], "detect_after": "soon"}]})
    with pytest.raises(PolicyError, match="scope 'nope'"):
        parse({**SPEC, "wirings": [{**SPEC["wirings"][1], "steps": [
            {"action": "reinstantiate", "scope": "nope"}]}]})
    with pytest.raises(PolicyError, match="spec.workloads\\[0\\].selector"):
        parse({**SPEC, "workloads": [{"name": "a", "kind": "Deployment", "object": "a"}]})


def test_a_scope_stands_for_the_scopes_it_includes():
    """docs/policies.md, "sides are scopes": a notify tells the source, the upstream
    scope's members (with those of every scope it includes, transitively) in startup
    order, then the downstream scope's in shutdown order, each node once."""
    chain = [f"c{i}" for i in range(5)]  # startup order: c0 first, c4 depends on c3 ...
    spec = {
        "workloads": [workload(c) for c in chain], "order": chain,
        "scopes": [{"name": "node:c4", "members": ["c4"]},
                   {"name": "up:c3", "members": ["c3"], "includes": ["node:c4"]},
                   {"name": "up:c2", "members": ["c2"], "includes": ["up:c3"]},
                   {"name": "node:c0", "members": ["c0"]},
                   {"name": "down:c1", "members": ["c1"], "includes": ["node:c0"]}],
        "chains": [],
        "wirings": [{"name": "w", "source": "c2", "target": "c1", "stickiness": "none",
                     "detect_after": "1s", "propagate": {"upstream": "up:c2", "downstream": "down:c1"},
                     "steps": [{"action": "notify", "via": "event", "timeout": "1s"},
                               {"action": "reinstantiate", "scope": "up:c3", "timeout": "1m"}]}],
    }
    policy = parse(spec)
    w = policy.wiring("w")
    assert policy.receivers(w) == ("c2", "c3", "c4", "c1", "c0")
    assert decide.recipients(policy, w) == policy.receivers(w)
    assert w.steps[1].members == ("c3", "c4")  # a step's scope is expanded the same way
    with pytest.raises(PolicyError, match="includes names 'later'"):  # only earlier scopes
        parse({**spec, "scopes": [{"name": "a", "members": ["c0"], "includes": ["later"]},
                                  {"name": "later", "members": ["c1"]}]})
    with pytest.raises(PolicyError, match="propagate.upstream 'nope'"):
        parse({**spec, "wirings": [{**spec["wirings"][0], "propagate": {"upstream": "nope"}}]})
    with pytest.raises(PolicyError, match="propagate must be a mapping"):
        parse({**spec, "wirings": [{**spec["wirings"][0], "propagate": ["c3"]}]})
