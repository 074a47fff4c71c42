"""The operator's Role is least privilege: no wildcard, no ClusterRole, and exactly the
permissions of the calls the operator makes (compiler/operator/kube.py through the
kubernetes client, and kopf's watch and finalizer).  The end-to-end test runs the
operator under this Role on a real API server (tests/integration/test_operator_e2e.py)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import compiler
from compiler.emitters.operator import RULES
from compiler.pipeline import Options

KUBE = Path(compiler.__file__).parent / "operator" / "kube.py"

#: each client call of kube.py -> the (API group, resource, verb) RBAC checks for it
CALLS = {
    "list_namespaced_pod": ("", "pods", "list"),
    # a websocket exec is a GET (verb get); API servers from 1.30 also ask for create
    "connect_get_namespaced_pod_exec": [("", "pods/exec", "get"), ("", "pods/exec", "create")],
    "create_namespaced_event": ("", "events", "create"),
    "read_namespaced_deployment_scale": ("apps", "deployments/scale", "get"),
    "read_namespaced_stateful_set_scale": ("apps", "statefulsets/scale", "get"),
    "patch_namespaced_deployment_scale": ("apps", "deployments/scale", "patch"),
    "patch_namespaced_stateful_set_scale": ("apps", "statefulsets/scale", "patch"),
    "patch_namespaced_custom_object": ("xfactor.io", "failurepolicies", "patch"),
    "patch_namespaced_custom_object_status": ("xfactor.io", "failurepolicies/status", "patch"),
    "read_namespaced_lease": ("coordination.k8s.io", "leases", "get"),
    "create_namespaced_lease": ("coordination.k8s.io", "leases", "create"),
    "replace_namespaced_lease": ("coordination.k8s.io", "leases", "update"),
}
#: what kopf does itself: list and watch the FailurePolicies, patch its finalizer on
#: them, post Events (core/v1)
KOPF = {("xfactor.io", "failurepolicies", "list"), ("xfactor.io", "failurepolicies", "watch"),
        ("xfactor.io", "failurepolicies", "patch"), ("", "events", "create")}


def _granted() -> set[tuple[str, str, str]]:
    return {(g, r, v) for g, res, verbs in RULES for r in res for v in verbs}


def test_every_client_call_is_known():
    called = set(re.findall(r"\b(?:self\.(?:core|apps|custom)|coord)\.([a-z_]+)\(?",
                            KUBE.read_text()))
    called |= set(re.findall(r"self\.(?:core|apps)\.([a-z_]+_scale|connect_[a-z_]+)",
                             KUBE.read_text()))
    assert called == set(CALLS), "a new client call needs its permission in CALLS and RULES"


def test_role_grants_exactly_what_is_used():
    used = set(KOPF)
    for perm in CALLS.values():
        used |= set(perm) if isinstance(perm, list) else {perm}
    assert _granted() == used


def test_compiled_rbac_has_no_wildcard_and_no_cluster_scope():
    unit = compiler.compile("samples/5g-core-slice/slice.yaml", Options(namespace="core"))
    docs = [yaml.safe_load(f.content) for f in unit.outputs if f.path.startswith("operator/")]
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == ["Deployment", "Role", "RoleBinding", "ServiceAccount"]
    (role,) = [d for d in docs if d["kind"] == "Role"]
    for rule in role["rules"]:
        for key in ("apiGroups", "resources", "verbs"):
            assert rule[key] and not any("*" in x for x in rule[key]), rule
        assert "resourceNames" not in rule or rule["resourceNames"]
    granted = {(g, r, v) for rule in role["rules"] for g in rule["apiGroups"]
               for r in rule["resources"] for v in rule["verbs"]}
    assert granted == _granted()
    # nothing that reads Secrets or changes workloads beyond their scale
    assert not {r for _, r, _ in granted} & {"secrets", "deployments", "statefulsets",
                                             "configmaps", "roles", "rolebindings"}
    (binding,) = [d for d in docs if d["kind"] == "RoleBinding"]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                  "name": "xfc-operator"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "xfc-operator"}]
