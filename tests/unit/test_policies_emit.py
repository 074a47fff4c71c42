"""The ``policies`` emitter on a constructed plan: files per target, goldens, orders,
warnings at the step, Tacker labels, naming, and that no input value injects YAML.
"""

from __future__ import annotations

import dataclasses

import networkx as nx
import pytest
import yaml

from compiler.diagnostics import Severity
from compiler.emitters.policies import EMITTER
from compiler.emitters.policies.common import go_duration, service_name
from compiler.graph import to_networkx
from compiler.plugins import emitters
from compiler.model.xfactor import ReinstantiateArgs, ResolvedWiring
from tests.unit.policies_support import FakeTopology, chain_unit

ALL = ("kubernetes", "onap", "osm", "tacker")


def emit(**kw):
    unit = chain_unit(**kw)
    files = EMITTER.emit(unit, unit.diagnostics)
    return unit, {f.path: f.content.decode("utf-8") for f in files}


def diag_rows(unit, code="unsupported"):
    """(line, column, target) of each loss: the message starts with the target's name."""
    return sorted((d.span.line, d.span.column, d.message.split(":")[0])
                  for d in unit.diagnostics if d.code == code)


def test_registered_as_the_policies_plugin():
    assert emitters()["policies"] is EMITTER


def test_files_per_target():
    _, kube = emit()
    assert sorted(kube) == ["policies/failurepolicy-crd.yaml", "policies/failurepolicy.yaml",
                            "policies/prometheusrule.yaml"]
    _, onap_only = emit(targets=("onap",))
    assert sorted(onap_only) == ["policies/failurepolicy-crd.yaml", "policies/failurepolicy.yaml",
                                 "policies/onap/core.yaml"]
    _, osm_only = emit(targets=("osm",))
    assert "policies/osm/chain_vnfd.yaml" in osm_only and "policies/prometheusrule.yaml" not in osm_only


@pytest.mark.parametrize("targets,case", [(("kubernetes",), "unit-chain"), (ALL, "unit-chain-all")])
def test_golden(golden, targets, case):
    unit, files = emit(targets=targets, inputs={"vnf_instance_id": "6f3a-instance"})
    assert not unit.diagnostics.has_errors
    for path, text in sorted(files.items()):
        if path.endswith("-crd.yaml"):
            continue  # the shipped file, byte for byte (checked below)
        golden.check(f"policies/{case}/{path}", text)


def test_crd_is_emitted_byte_for_byte():
    from compiler.resources import schemas_dir

    _, files = emit()
    assert files["policies/failurepolicy-crd.yaml"] == (schemas_dir() / "failurepolicy-crd.yaml").read_text()


def orders_problems(policy: dict, graph: nx.DiGraph, plan=None) -> list[str]:
    """spec.order starts dependencies first (spec §3.2); every scope lists its members in
    that order (its shutdown order is the reverse); each step's scope and each chain's
    scope hold exactly the nodes the plan resolved for it."""
    problems = []
    spec = policy["spec"]
    order = spec["order"]
    for a in order:
        for b in order:
            # a depends on b (edge a -> b, transitively): b starts first
            if a != b and graph.has_node(a) and graph.has_node(b) and nx.has_path(graph, a, b):
                if order.index(b) > order.index(a):
                    problems.append(f"order: {a} starts before its dependency {b}")
    scopes = {s["name"]: s["members"] for s in spec["scopes"]}
    for name, members in scopes.items():
        if members != [n for n in order if n in members]:
            problems.append(f"scope {name}: members not in spec.order's order")
    for w in spec["wirings"]:
        for i, step in enumerate(w["steps"]):
            if step["action"] not in ("reinstantiate", "shutdown_chain"):
                continue
            if plan is not None:
                resolved = plan.wirings[w["name"]].steps[i]
                if scopes[step["scope"]] != list(resolved.startup_order):
                    problems.append(f"{w['name']}[{i}]: scope is not the resolved one")
                if list(reversed(scopes[step["scope"]])) != list(resolved.shutdown_order):
                    problems.append(f"{w['name']}[{i}]: shutdown order is not the resolved one")
    for c in spec["chains"]:
        if plan is not None and scopes[c["scope"]] != list(plan.chains[c["name"]]):
            problems.append(f"chain {c['name']}: scope is not its members")
    return problems


def test_orders_match_the_dependency_graph():
    unit, files = emit()
    policy = yaml.safe_load(files["policies/failurepolicy.yaml"])
    assert orders_problems(policy, to_networkx(unit.plan), unit.plan) == []
    # and the check has teeth: a reversed startup order is caught
    policy["spec"]["order"].reverse()
    for scope in policy["spec"]["scopes"]:
        scope["members"].reverse()
    assert orders_problems(policy, to_networkx(unit.plan)) == [
        "order: amf starts before its dependency smf",
        "order: amf starts before its dependency upf",
        "order: smf starts before its dependency upf",
    ]
    assert orders_problems(policy, to_networkx(unit.plan), unit.plan)[3:] == [
        "amf_to_smf[1]: scope is not the resolved one",
        "amf_to_smf[1]: shutdown order is not the resolved one",
        "smf_to_upf[1]: scope is not the resolved one",
        "smf_to_upf[1]: shutdown order is not the resolved one",
        "smf_to_upf[2]: scope is not the resolved one",
        "smf_to_upf[2]: shutdown order is not the resolved one",
        "chain core: scope is not its members",
    ]


def test_kubernetes_target_loses_nothing():
    unit, _ = emit(targets=("kubernetes",))
    assert [d.code for d in unit.diagnostics] == []


def test_warnings_at_each_step_for_each_chosen_target():
    unit, _ = emit(targets=ALL, inputs={"vnf_instance_id": "x"})
    onap, osm, tacker = "onap", "osm", "tacker"
    assert diag_rows(unit) == sorted([
        (24, 11, onap), (24, 11, osm),                  # smf_to_upf reconnect
        (25, 11, osm), (25, 11, tacker),                # reinstantiate(scope=[upf, smf])
        (26, 11, onap),                                 # shutdown_chain: shared, handed over
        (26, 11, osm), (26, 11, tacker),                # shutdown_chain
        (34, 11, osm), (34, 11, tacker),                # amf_to_smf notify(via=http)
        (30, 7, onap),                                  # the same, defaulted: at the wiring
        (30, 7, osm), (30, 7, tacker),                  # defaulted shutdown_chain: at the wiring
    ])
    assert all(d.severity == Severity.WARNING for d in unit.diagnostics)
    paths = {d.path for d in unit.diagnostics}
    assert "wirings['amf_to_smf'].on_failure[1]" in paths


def _set_wirings(unit, changed: dict, drop: tuple = ()) -> None:
    """A new plan with some wirings changed or dropped: the IR itself is immutable."""
    wirings = {k: v for k, v in unit.plan.wirings.items() if k not in drop}
    wirings.update(changed)
    unit.plan = dataclasses.replace(unit.plan, wirings=wirings)


def test_reinstantiate_of_the_target_alone_is_fine_on_tacker():
    unit = chain_unit(targets=("tacker",), inputs={"vnf_instance_id": "x"})
    rw = unit.plan.wirings["smf_to_upf"]
    step = dataclasses.replace(rw.steps[1], args=ReinstantiateArgs(scope=("upf",), timeout=60.0),
                               shutdown_order=("upf",), startup_order=("upf",))
    _set_wirings(unit, {"smf_to_upf": dataclasses.replace(rw, steps=(rw.steps[0], step))})
    EMITTER.emit(unit, unit.diagnostics)
    assert (25, 11) not in {(d.span.line, d.span.column) for d in unit.diagnostics}


def test_tacker_needs_the_vnf_instance_id():
    unit, files = emit(targets=("tacker",))
    errors = [(d.code, d.span.file, d.severity) for d in unit.diagnostics if d.code == "policy-missing-input"]
    assert errors == [("policy-missing-input", "chain.yaml", Severity.ERROR)]
    unit, files = emit(targets=("tacker",), inputs={"vnf_instance_id": "6f3a"})
    rules = yaml.safe_load(files["policies/prometheusrule.yaml"])["spec"]["groups"][0]["rules"]
    by_name = {r["alert"]: r for r in rules}
    heal = by_name["SmfToUpfStep2Reinstantiate"]["labels"]
    assert heal["receiver_type"] == "tacker" and heal["function_type"] == "auto_heal"
    assert heal["vnf_instance_id"] == "6f3a"
    assert heal["vnfc_info_id"] == "upf-{{ $labels.pod }}"
    fm = by_name["AmfToSmfStep1Notify"]
    assert fm["labels"]["function_type"] == "vnffm"
    assert fm["labels"]["perceived_severity"] == "WARNING"
    assert set(fm["annotations"]) >= {"probable_cause", "fault_type", "fault_details"}


def test_alerts_escalate_in_time_and_carry_the_wiring():
    _, files = emit()
    rules = yaml.safe_load(files["policies/prometheusrule.yaml"])["spec"]["groups"][0]["rules"]
    assert [r["alert"] for r in rules] == [
        "AmfToSmfStep1Notify", "AmfToSmfStep2ShutdownChain",
        "SmfToUpfStep1Reconnect", "SmfToUpfStep2Reinstantiate", "SmfToUpfStep3ShutdownChain",
    ]
    # the wiring's detect_after (10 s by default, spec §2.3), then the budgets:
    # reconnect 3 x 500ms, reinstantiate timeout 120 s
    assert [r["for"] for r in rules[2:]] == ["10s", "11s500ms", "2m11s500ms"]
    labels = rules[3]["labels"]
    assert (labels["xfactor_wiring"], labels["xfactor_chain"], labels["xfactor_action"]) == (
        "smf_to_upf", "core", "reinstantiate")
    assert 'pod=~"upf-[a-z0-9]+-[a-z0-9]+"' in rules[3]["expr"]  # stateless: a Deployment's pods
    assert 'pod=~"smf-[0-9]+"' in rules[0]["expr"]  # stateful: a StatefulSet's pods
    assert 'namespace="core"' in rules[0]["expr"]


def test_onap_transitions_escalate_step_by_step():
    _, files = emit(targets=("onap",))
    doc = yaml.safe_load(files["policies/onap/core.yaml"])
    pols = {k: v for p in doc["topology_template"]["policies"] for k, v in p.items()}
    shared = "operational.chain.chain.core.shutdown_chain-300s"
    assert list(pols) == ["operational.chain.amf_to_smf", "operational.chain.smf_to_upf", shared]
    ops = pols["operational.chain.smf_to_upf"]["properties"]["operations"]
    assert [(o["operation"]["operation"], o["operation"]["target"].get("entityIds", {}).get("modelName"))
            for o in ops] == [
        ("VF Module Delete", "smf"), ("VF Module Delete", "upf"),   # shutdown order
        ("VF Module Create", "upf"), ("VF Module Create", "smf"),   # startup order
    ]
    assert pols["operational.chain.smf_to_upf"]["properties"]["trigger"] == ops[0]["id"]
    assert ops[0]["success"] == ops[1]["id"] and ops[3]["success"] == "final_success"
    # the last own step fails to the end of this loop: the chain's shutdown is shared
    assert ops[1]["failure"] == "final_failure" and ops[1]["failure_timeout"] == "final_failure_timeout"
    assert ops[0]["failure_guard"] == "final_failure_guard"
    assert [o["timeout"] for o in ops] == [120] * 4
    assert all(o["retries"] == 0 for o in ops)
    # both wirings end with shutdown_chain: one policy lists the members, once
    chain_ops = pols[shared]["properties"]["operations"]
    assert [(o["operation"]["operation"], o["operation"]["target"]["entityIds"]["modelName"])
            for o in chain_ops] == [("VF Module Delete", "amf"), ("VF Module Delete", "smf"),
                                    ("VF Module Delete", "upf")]
    assert pols[shared]["properties"]["id"] == "ControlLoop-chain-chain-core-shutdown_chain-300s"
    assert [o["timeout"] for o in chain_ops] == [300] * 3
    assert chain_ops[0]["success"] == chain_ops[1]["id"] and chain_ops[2]["success"] == "final_success"
    assert chain_ops[0]["failure"] == "final_failure"
    amf_ops = pols["operational.chain.amf_to_smf"]["properties"]["operations"]
    assert [o["operation"]["operation"] for o in amf_ops] == ["ConfigModify"]


def test_onap_restarts_the_vnf_when_the_scope_is_everything():
    unit = chain_unit(targets=("onap",))
    rw = unit.plan.wirings["smf_to_upf"]
    every = ("upf", "smf", "amf")
    step = dataclasses.replace(rw.steps[1], args=ReinstantiateArgs(scope=every),
                               shutdown_order=every[::-1], startup_order=every)
    _set_wirings(unit, {"smf_to_upf": dataclasses.replace(rw, steps=(step,))})
    files = {f.path: yaml.safe_load(f.content) for f in EMITTER.emit(unit, unit.diagnostics)}
    pols = {k: v for p in files["policies/onap/core.yaml"]["topology_template"]["policies"]
            for k, v in p.items()}
    ops = pols["operational.chain.smf_to_upf"]["properties"]["operations"]
    assert [(o["operation"]["actor"], o["operation"]["operation"], o["operation"]["target"])
            for o in ops] == [("APPC", "Restart", {"targetType": "VNF"})]
    assert ops[0]["timeout"] == 300  # the default budget (no timeout given)


def test_reconnect_only_ladder_writes_no_onap_policy():
    unit = chain_unit(targets=("onap",))
    rw = unit.plan.wirings["smf_to_upf"]
    _set_wirings(unit, {"smf_to_upf": dataclasses.replace(rw, steps=(rw.steps[0],))},
                 drop=("amf_to_smf",))
    files = {f.path for f in EMITTER.emit(unit, unit.diagnostics)}
    assert not any(p.startswith("policies/onap/") for p in files)
    msgs = [d.message for d in unit.diagnostics if d.code == "unsupported"]
    assert len(msgs) == 1 and "attempts=3 and backoff=500ms are not enforced by ONAP" in msgs[0]


def test_no_wirings_is_a_note_and_no_files():
    unit = chain_unit()
    unit.plan = dataclasses.replace(unit.plan, wirings={}, chains={})
    unit.xmodel = dataclasses.replace(unit.xmodel, wirings={}, chains={})
    assert EMITTER.emit(unit, unit.diagnostics) == []
    assert [(d.code, d.severity) for d in unit.diagnostics] == [("unsupported", Severity.NOTE)]
    assert next(iter(unit.diagnostics)).message.startswith("policies: the input: no wirings")


def test_service_name_from_metadata_or_file_stem():
    assert service_name(FakeTopology(name="My_Service.v2")) == "my-service-v2"
    assert service_name(FakeTopology(name=None, file="dir/5G Core.yaml")) == "5g-core"
    # one naming module (compiler.names): nothing left is "<fallback>-<hash>", a cut name
    # ends in "-<hash>" of the full name, as every other name xfc cuts
    assert service_name(FakeTopology(name="---")).startswith("xfc-")
    assert len(service_name(FakeTopology(name="---"))) == 12
    from compiler.names import dns_label

    def dns1123(name):  # the service-name label as the policies back end makes it
        return dns_label(name, fallback="service")

    assert dns1123("x" * 80) == "x" * 54 + "-" + dns1123("x" * 80)[-8:]
    assert dns1123("x" * 80) != dns1123("x" * 81) and len(dns1123("x" * 80)) == 63
    assert go_duration(0) == "0s" and go_duration(3661.25) == "1h1m1s250ms"


def test_no_input_value_injects_yaml():
    evil = 'x"\nkind: Secret\n---\napiVersion: v1\n'
    unit = chain_unit(targets=ALL, inputs={"vnf_instance_id": evil, "helm_chart": evil},
                      namespace='core",pod=~".*')
    rw = unit.plan.wirings["smf_to_upf"]
    w = dataclasses.replace(rw.wiring, name=evil)
    _set_wirings(unit, {"smf_to_upf": ResolvedWiring(
        wiring=w, steps=rw.steps, chain=evil, upstream=rw.upstream, downstream=rw.downstream,
        propagate_to=rw.propagate_to)})
    unit.topology.description = evil
    files = EMITTER.emit(unit, unit.diagnostics)
    assert not unit.diagnostics.has_errors
    for f in files:
        docs = list(yaml.safe_load_all(f.content))
        assert len(docs) == 1, f.path
    policy = yaml.safe_load(next(f.content for f in files if f.path.endswith("failurepolicy.yaml")))
    assert policy["kind"] == "FailurePolicy"
    assert evil in [w["name"] for w in policy["spec"]["wirings"]]
    rule = yaml.safe_load(next(f.content for f in files if f.path.endswith("prometheusrule.yaml")))
    expr = rule["spec"]["groups"][0]["rules"][0]["expr"]
    assert 'namespace="core\\",pod=~\\".*"' in expr  # the namespace stays one quoted string


def test_a_wiring_named_like_the_shared_chain_policy_collides():
    unit = chain_unit(targets=("onap",))
    rw = unit.plan.wirings["smf_to_upf"]
    clash = "chain.core.shutdown_chain-300s"  # operational.chain.<this>: the shared name
    renamed = dataclasses.replace(rw, wiring=dataclasses.replace(rw.wiring, name=clash))
    _set_wirings(unit, {clash: renamed}, drop=("smf_to_upf",))
    EMITTER.emit(unit, unit.diagnostics)
    msgs = [d.message for d in unit.diagnostics if d.code == "policy-name-collision"]
    assert msgs == [f"the shared policy of chain 'core' and wiring {clash!r} both become "
                    f"ONAP policy 'operational.chain.{clash}'; ONAP would keep one"]
    assert unit.diagnostics.has_errors


def test_two_chains_whose_names_clean_alike_collide_on_the_shared_policy(tmp_path):
    from compiler import compile as compile_

    cnf = '{{ type: xfactor.nodes.CNF, properties: {{ image: "r/{0}:1", process: {{ state: stateless }} }} }}'
    nodes = "\n".join(f"    {n}: {cnf.format(n)}" for n in ("a1", "a2", "b1", "b2"))

    def wiring(name: str, source: str, target: str) -> str:
        return (f"    - {name}: {{ type: xfactor.policies.Wiring, properties: {{ source: {source}, "
                f"target: {target}, on_failure: [ notify, shutdown_chain ] }} }}")

    path = tmp_path / "t.yaml"
    path.write_text(f"""tosca_definitions_version: tosca_simple_yaml_1_3
imports: [ xfactor/1.0/profile.yaml ]
topology_template:
  node_templates:
{nodes}
  groups:
    "c d": {{ type: xfactor.groups.Chain, members: [ a1, a2 ] }}
    "c-d": {{ type: xfactor.groups.Chain, members: [ b1, b2 ] }}
  policies:
{wiring("wa", "a1", "a2")}
{wiring("wb", "b1", "b2")}
""")
    unit = compile_(str(path), emitters=("policies",), targets=("onap",))
    found = [(d.span.line, d.message) for d in unit.diagnostics if d.code == "policy-name-collision"]
    assert found == [(14, "chains 'c d' and 'c-d' both share ONAP policy "
                          "'operational.t.chain.c-d.shutdown_chain-300s' (wiring 'wb'); ONAP would keep one")]


def test_prometheus_alerts_name_a_covered_chain_whose_orders_are_written_once():
    _, files = emit()
    groups = yaml.safe_load(files["policies/prometheusrule.yaml"])["spec"]["groups"]
    by_name = {r["alert"]: r for r in groups[0]["rules"]}
    # shutdown_chain covers chain core: named, not listed (issue 12)
    tail = by_name["SmfToUpfStep3ShutdownChain"]["annotations"]
    assert tail["xfactor_orders_chain"] == "core"
    assert not {"xfactor_scope", "xfactor_shutdown_order", "xfactor_startup_order"} & set(tail)
    # a reinstantiate of part of the chain keeps its own scope and orders
    part = by_name["SmfToUpfStep2Reinstantiate"]["annotations"]
    assert "xfactor_orders_chain" not in part
    assert (part["xfactor_scope"], part["xfactor_shutdown_order"], part["xfactor_startup_order"]) == (
        "upf,smf", "smf,upf", "upf,smf")
    # the chain's orders, once, as the labels of an info series
    assert groups[1]["rules"] == [{
        "record": "xfactor_chain_info", "expr": "vector(1)",
        "labels": {"xfactor_service": "chain", "xfactor_chain": "core",
                   "xfactor_shutdown_order": "amf,smf,upf", "xfactor_startup_order": "upf,smf,amf"},
    }]


def test_the_prometheus_rule_is_built_once_for_kubernetes_and_tacker(monkeypatch):
    """Both targets write the same PrometheusRule files (tacker's labels included): it is
    built once per emit (issue 22: the dense topology built and compared it twice)."""
    from compiler.emitters.policies import prometheus

    calls = []
    real = prometheus.build
    monkeypatch.setattr(prometheus, "build", lambda ctx: calls.append(ctx) or real(ctx))
    _, both = emit(targets=("kubernetes", "tacker"), inputs={"vnf_instance_id": "x"})
    assert len(calls) == 1
    assert "policies/prometheusrule.yaml" in both and "receiver_type: tacker" in both[
        "policies/prometheusrule.yaml"]
    calls.clear()
    _, alone = emit(targets=("tacker",), inputs={"vnf_instance_id": "x"})
    assert len(calls) == 1
    assert alone["policies/prometheusrule.yaml"] == both["policies/prometheusrule.yaml"]
