"""The FailurePolicy CRD and JSON Schema, and the ONAP operational-policy schema.

Both FailurePolicy schemas must accept every emitted document and reject the same
wrong values; the CRD must be a valid, structural apiextensions.k8s.io/v1 object; the
ONAP schema (written from the policy type's fields, formats.md §2) must accept what the
emitter writes and reject what ONAP's type forbids.
"""

from __future__ import annotations

import copy
import shutil
import subprocess

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

from compiler.emitters.policies import EMITTER  # noqa: E402
from compiler.emitters.policies.onap import check_operational_policy  # noqa: E402
from tests.support import validators as V  # noqa: E402
from tests.unit.policies_support import (  # noqa: E402
    chain_unit,
    derive_json_schema,
    load_crd,
    onap_schema,
    shipped_json_schema,
)


def _outputs(targets=("kubernetes", "onap", "osm")):
    unit = chain_unit(targets=targets)
    return {f.path: yaml.safe_load(f.content) for f in EMITTER.emit(unit, unit.diagnostics)}


def _json_errors(schema: dict, doc: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [e.message for e in validator.iter_errors(doc)]


@pytest.fixture
def policy() -> dict:
    return _outputs()["policies/failurepolicy.yaml"]


def test_json_schema_is_the_crd_schema():
    # compiler/schemas/failurepolicy.schema.json is derived from the CRD; regenerate
    # with `python tests/unit/policies_support.py` after editing the CRD.
    assert shipped_json_schema() == derive_json_schema(load_crd())
    jsonschema.Draft202012Validator.check_schema(shipped_json_schema())


def test_crd_is_a_valid_structural_crd():
    crd = load_crd()
    assert V.validate_object(crd) == []
    assert V.crd_structural_errors(crd) == []


def _junctor_problems(node, where="", outside=None, inside=False):
    """Structural rules the harness does not check: inside allOf/anyOf/oneOf/not no
    type/description/default/additionalProperties/nullable, and every property named
    there is also declared outside (Kubernetes 'structural schema')."""
    problems = []
    if not isinstance(node, dict):
        return problems
    if inside:
        for key in ("type", "description", "default", "additionalProperties", "nullable"):
            if key in node:
                problems.append(f"{where}: {key} inside a junctor")
        for prop in node.get("properties") or {}:
            if outside is None or prop not in (outside.get("properties") or {}):
                problems.append(f"{where}.properties.{prop}: not declared outside the junctor")
    for key in ("properties",):
        for prop, sub in (node.get(key) or {}).items():
            sub_outside = ((outside or {}).get("properties") or {}).get(prop) if inside else None
            problems += _junctor_problems(sub, f"{where}.{prop}", sub_outside, inside)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            problems += _junctor_problems(node[key], f"{where}.{key}", None, inside)
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(node.get(key) or []):
            problems += _junctor_problems(sub, f"{where}.{key}[{i}]", outside if inside else node, True)
    if isinstance(node.get("not"), dict):
        problems += _junctor_problems(node["not"], f"{where}.not", outside if inside else node, True)
    return problems


def test_crd_junctors_are_structural():
    schema = load_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    assert _junctor_problems(schema) == []


def test_emitted_policy_validates_against_crd_and_json_schema(policy):
    assert V.validate_object(policy) == []
    assert _json_errors(shipped_json_schema(), policy) == []


def _step(doc, wiring, index):
    w = next(w for w in doc["spec"]["wirings"] if w["name"] == wiring)
    return w["steps"][index]


def _set(path_fn):
    def mutate(doc):
        path_fn(doc)
        return doc
    return mutate


MUTATIONS = {
    "unknown action": lambda d: _step(d, "smf_to_upf", 0).update(action="restart"),
    "attempts 0": lambda d: _step(d, "smf_to_upf", 0).update(attempts=0),
    "attempts as string": lambda d: _step(d, "smf_to_upf", 0).update(attempts="3"),
    "duration with a space": lambda d: _step(d, "smf_to_upf", 0).update(backoff="500 ms"),
    "duration without unit": lambda d: _step(d, "smf_to_upf", 1).update(timeout="120"),
    "reconnect without backoff": lambda d: _step(d, "smf_to_upf", 0).pop("backoff"),
    "reconnect with a scope": lambda d: _step(d, "smf_to_upf", 0).update(scope="node:upf"),
    "notify http without port": lambda d: _step(d, "amf_to_smf", 0).pop("port"),
    "notify signal without signal": lambda d: _step(d, "amf_to_smf", 0).update(via="signal"),
    "notify via carrier pigeon": lambda d: _step(d, "amf_to_smf", 0).update(via="pigeon"),
    "notify without its timeout": lambda d: _step(d, "amf_to_smf", 0).pop("timeout"),
    "port out of range": lambda d: _step(d, "amf_to_smf", 0).update(port=70000),
    "reinstantiate without scope": lambda d: _step(d, "smf_to_upf", 1).pop("scope"),
    "reinstantiate without timeout": lambda d: _step(d, "smf_to_upf", 1).pop("timeout"),
    "reinstantiate with attempts": lambda d: _step(d, "smf_to_upf", 1).update(attempts=2),
    "reinstantiate with empty scope name": lambda d: _step(d, "smf_to_upf", 1).update(scope=""),
    "reinstantiate with a member list": lambda d: _step(d, "smf_to_upf", 1).update(scope=["upf"]),
    "shutdown_chain without scope": lambda d: _step(d, "smf_to_upf", 2).pop("scope"),
    "shutdown_chain with a timeout": lambda d: _step(d, "smf_to_upf", 2).update(timeout="1s"),
    "unknown step field": lambda d: _step(d, "smf_to_upf", 0).update(jitter="1s"),
    "old per-step orders": lambda d: _step(d, "smf_to_upf", 1).update(startup_order=["upf"]),
    "stickiness sticky": lambda d: d["spec"]["wirings"][0].update(stickiness="sticky"),
    "propagate as a keyword": lambda d: d["spec"]["wirings"][0].update(propagate="upstream"),
    "detect_after without unit": lambda d: d["spec"]["wirings"][0].update(detect_after="10"),
    "wiring without detect_after": lambda d: d["spec"]["wirings"][0].pop("detect_after"),
    "empty steps": lambda d: d["spec"]["wirings"][0].update(steps=[]),
    "old escalation key": lambda d: d["spec"]["wirings"][0].update(escalation=[]),
    "wiring without target": lambda d: d["spec"]["wirings"][0].pop("target"),
    "unknown wiring field": lambda d: d["spec"]["wirings"][0].update(sticky=True),
    "chain without scope": lambda d: d["spec"]["chains"][0].pop("scope"),
    "chain with members": lambda d: d["spec"]["chains"][0].update(members=["upf"]),
    "fragile as string": lambda d: d["spec"]["chains"][0].update(fragile="yes"),
    "scope without members": lambda d: d["spec"]["scopes"][0].pop("members"),
    "scope members not a list": lambda d: d["spec"]["scopes"][0].update(members="upf"),
    "workload kind DaemonSet": lambda d: d["spec"]["workloads"][0].update(kind="DaemonSet"),
    "workload replicas negative": lambda d: d["spec"]["workloads"][0].update(replicas=-1),
    "workload selector value a number": lambda d: d["spec"]["workloads"][0]["selector"].update(x=1),
    "workload without name": lambda d: d["spec"]["workloads"][0].pop("name"),
    "order of objects": lambda d: d["spec"].update(order=[{"name": "upf"}]),
    "unknown spec field": lambda d: d["spec"].update(retries=3),
    "spec without wirings": lambda d: d["spec"].pop("wirings"),
    "spec without scopes": lambda d: d["spec"].pop("scopes"),
    "spec without order": lambda d: d["spec"].pop("order"),
    "status phase Dead": lambda d: d.update(status={"wirings": [{"name": "n", "phase": "Dead"}]}),
    "status wiring without name": lambda d: d.update(status={"wirings": [{"phase": "Healthy"}]}),
    "status step negative": lambda d: d.update(
        status={"wirings": [{"name": "n", "phase": "Failing", "step": -1}]}),
    "status unknown field": lambda d: d.update(status={"wirings": [{"name": "n", "phase": "Healthy",
                                                                      "retries": 1}]}),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_wrong_values_are_rejected_by_both_schemas(policy, name):
    doc = copy.deepcopy(policy)
    MUTATIONS[name](doc)
    assert V.validate_object(doc) != [], f"CRD schema accepts: {name}"
    assert _json_errors(shipped_json_schema(), doc) != [], f"JSON Schema accepts: {name}"


def test_status_as_the_executor_writes_it_is_accepted(policy):
    doc = copy.deepcopy(policy)
    doc["status"] = {"wirings": [
        {"name": "smf_to_upf", "phase": "Failing", "step": 2, "attempt": 1,
         "since": "2026-01-01T00:00:00Z", "message": "reinstantiate: scaling smf to 0"},
        {"name": "amf_to_smf", "phase": "Healthy"},
    ]}
    assert V.validate_object(doc) == []
    assert _json_errors(shipped_json_schema(), doc) == []


def test_crd_serves_v1alpha2_only_with_a_status_subresource():
    crd = load_crd()
    assert crd["spec"]["names"]["plural"] == "failurepolicies"
    assert crd["spec"]["scope"] == "Namespaced"
    (version,) = crd["spec"]["versions"]
    assert version["name"] == "v1alpha2" and version["served"] and version["storage"]
    assert version["subresources"] == {"status": {}}
    columns = {c["name"]: c["jsonPath"] for c in version["additionalPrinterColumns"]}
    assert columns["Chains"] == ".spec.chains[*].name"
    assert "status.wirings" in columns["Failing"]


def test_json_schema_checks_what_the_api_server_checks(policy):
    for mutate in (
        lambda d: d.update(apiVersion="xfactor.io/v1"),
        lambda d: d.update(kind="FailurePolicies"),
        lambda d: d["metadata"].update(name="Not_DNS"),
    ):
        doc = copy.deepcopy(policy)
        mutate(doc)
        assert _json_errors(shipped_json_schema(), doc) != []


# --------------------------------------------------------------------------- ONAP


@pytest.fixture
def onap_doc() -> dict:
    return _outputs(("onap",))["policies/onap/core.yaml"]


def test_onap_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(onap_schema())


def test_emitted_onap_policies_validate(onap_doc):
    assert _json_errors(onap_schema(), onap_doc) == []
    assert check_operational_policy(onap_doc) == []


def _ops(doc, index=0):
    pol = next(iter(doc["topology_template"]["policies"][index].values()))
    return pol, pol["properties"]["operations"]


ONAP_MUTATIONS = {
    "CNF target": lambda d: _ops(d)[1][0]["operation"]["target"].update(targetType="CNF"),
    "pod target": lambda d: _ops(d)[1][0]["operation"]["target"].update(targetType="POD"),
    "no trigger": lambda d: _ops(d)[0]["properties"].pop("trigger"),
    "timeout string": lambda d: _ops(d)[1][0].update(timeout="10"),
    "no retries": lambda d: _ops(d)[1][0].pop("retries"),
    "payload number": lambda d: _ops(d)[1][0]["operation"]["payload"].update(port=8080),
    "no actor": lambda d: _ops(d)[1][0]["operation"].pop("actor"),
    "Apex type": lambda d: _ops(d)[0].update(type="onap.policies.controlloop.operational.common.Apex"),
    "tosca 1.3": lambda d: d.update(tosca_definitions_version="tosca_simple_yaml_1_3"),
    "unknown op field": lambda d: _ops(d)[1][0].update(recovery="restart"),
    "abatement string": lambda d: _ops(d)[0]["properties"].update(abatement="false"),
    "empty operations": lambda d: _ops(d)[0]["properties"].update(operations=[]),
    "bad version": lambda d: _ops(d)[0].update(version="1.0"),
}


@pytest.mark.parametrize("name", sorted(ONAP_MUTATIONS))
def test_onap_schema_rejects(onap_doc, name):
    doc = copy.deepcopy(onap_doc)
    ONAP_MUTATIONS[name](doc)
    assert _json_errors(onap_schema(), doc) != [], name


def test_onap_reference_check_catches_dangling_transitions(onap_doc):
    doc = copy.deepcopy(onap_doc)
    pol, ops = _ops(doc, 1)  # smf_to_upf: the first policy with two operations
    ops[0]["failure"] = "nowhere"
    ops[1]["success"] = ops[1]["id"]
    pol["properties"]["trigger"] = "missing"
    pol["properties"]["timeout"] = 1
    problems = check_operational_policy(doc)
    name = pol["name"]
    assert problems == [
        f"{name}: trigger 'missing' names no operation",
        f"{name}: {ops[0]['id']}.failure -> 'nowhere' names no operation",
        f"{name}: {ops[1]['id']}.success loops to itself",
        f"{name}: timeout 1 < the operations' 480",
    ]


# --------------------------------------------------------------------------- kubectl


def test_kubectl_reads_the_outputs(tmp_path):
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    unit = chain_unit()
    for f in EMITTER.emit(unit, unit.diagnostics):
        (tmp_path / f.path.replace("/", "_")).write_bytes(f.content)
    proc = subprocess.run([kubectl, "create", "--dry-run=client", "--validate=false", "-o", "name",
                           "-f", str(tmp_path)], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0 and ("connection refused" in proc.stderr or "unable to recognize" in proc.stderr):
        pytest.skip("kubectl --dry-run=client needs API discovery from a cluster, and none is reachable")
    assert proc.returncode == 0, proc.stderr
