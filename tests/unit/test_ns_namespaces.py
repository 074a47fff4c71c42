"""Network services in one namespace or one per VNF (issue 26 item 2, --ns-namespaces).

The input is tests/fixtures/ns/nsd.yaml: VNF nodes ``shop`` and ``blog`` (one web VNFD)
and ``data`` (a database VNFD); the web front ends join the NS link ``frontnet``, and
``shop``'s API is wired to the database.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import compiler
from compiler.operator.policy import parse
from compiler.pipeline import Options
from tests.support.validators import validate_object

REPO = Path(__file__).resolve().parents[2]
NSD = REPO / "tests" / "fixtures" / "ns" / "nsd.yaml"


def _compile(**opts):
    unit = compiler.compile(str(NSD), dataclasses.replace(Options(), **opts))
    assert not unit.diagnostics.has_errors, unit.diagnostics.render_text()
    return unit


def _objects(unit) -> dict[tuple[str, str, str], dict]:
    out = {}
    for f in unit.outputs:
        for doc in yaml.safe_load_all(f.content):
            if isinstance(doc, dict) and "kind" in doc:
                meta = doc["metadata"]
                out[(doc["kind"], meta.get("namespace", ""), meta["name"])] = doc
    return out


def _by_name(objs, kind: str, name: str) -> dict:
    [doc] = [d for (k, _, n), d in objs.items() if k == kind and n == name]
    return doc


def test_single_is_the_default_and_writes_one_namespace() -> None:
    objs = _objects(_compile(namespace="web"))
    assert {ns for (kind, ns, _) in objs if kind not in ("CustomResourceDefinition",)} == {"web"}
    assert not any(kind == "Namespace" for (kind, _, _) in objs)
    assert Options().ns_namespaces == "single"


def test_per_vnf_puts_each_vnfs_objects_in_its_namespace() -> None:
    objs = _objects(_compile(ns_namespaces="per-vnf"))
    places = {(kind, name): ns for (kind, ns, name) in objs}
    assert places[("Deployment", "shop-front")] == "shop"
    assert places[("Deployment", "blog-api")] == "blog"
    assert places[("StatefulSet", "data-store")] == "data"
    assert places[("NetworkPolicy", "data-store")] == "data"
    # the service's own objects: the service namespace (no --namespace: the service's name)
    assert places[("NetworkAttachmentDefinition", "frontnet")] == "nsd"
    assert places[("FailurePolicy", "nsd")] == "nsd"
    assert places[("Deployment", "xfc-operator")] == "nsd"
    namespaces = sorted(name for (kind, _, name) in objs if kind == "Namespace")
    assert namespaces == ["blog", "data", "nsd", "shop"]
    ns = _by_name(objs, "Namespace", "shop")
    assert ns["metadata"]["labels"]["kubernetes.io/metadata.name"] == "shop"
    errors = [f"{k}: {e}" for k, o in objs.items() for e in validate_object(o)]
    assert not errors, errors


def test_per_vnf_with_namespace_keeps_the_users_namespace_for_the_service() -> None:
    objs = _objects(_compile(ns_namespaces="per-vnf", namespace="edge"))
    assert ("NetworkAttachmentDefinition", "edge", "frontnet") in objs
    # the user's namespace is theirs to create; the VNFs' are xfc's
    assert sorted(n for (k, _, n) in objs if k == "Namespace") == ["blog", "data", "shop"]


def test_pods_name_the_ns_links_nad_with_its_namespace() -> None:
    objs = _objects(_compile(ns_namespaces="per-vnf"))
    for vnf in ("shop", "blog"):
        pod = _by_name(objs, "Deployment", f"{vnf}-front")["spec"]["template"]["metadata"]
        nets = json.loads(pod["annotations"]["k8s.v1.cni.cncf.io/networks"])
        assert nets == [{"interface": "net1", "name": "frontnet", "namespace": "nsd"}]


def test_network_policy_admits_a_source_of_another_vnf_by_its_namespace() -> None:
    objs = _objects(_compile(ns_namespaces="per-vnf"))
    spec = _by_name(objs, "NetworkPolicy", "data-store")["spec"]
    [peer] = spec["ingress"][0]["from"]
    assert peer["namespaceSelector"] == {"matchLabels": {"kubernetes.io/metadata.name": "shop"}}
    assert peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "shop-api"
    # a source in the same namespace needs no namespace selector
    spec = _by_name(objs, "NetworkPolicy", "shop-api")["spec"]
    assert all("namespaceSelector" not in p for r in spec.get("ingress", ()) for p in r.get("from", ()))


def test_failure_policy_names_each_workloads_namespace_and_the_operator_reads_it() -> None:
    objs = _objects(_compile(ns_namespaces="per-vnf"))
    doc = _by_name(objs, "FailurePolicy", "nsd")
    spaces = {w["name"]: w.get("namespace") for w in doc["spec"]["workloads"]}
    assert spaces["data-store"] == "data" and spaces["shop-api"] == "shop"
    policy = parse(doc["spec"])
    assert policy.workloads["data-store"].namespace == "data"
    assert policy.workloads["blog-api"].namespace == "blog"
    # single: no namespace in the workloads (the policy's own)
    doc = _by_name(_objects(_compile()), "FailurePolicy", "nsd")
    assert all("namespace" not in w for w in doc["spec"]["workloads"])


def test_operator_may_act_in_every_vnf_namespace() -> None:
    objs = _objects(_compile(ns_namespaces="per-vnf"))
    for vnf in ("shop", "blog", "data"):
        role = objs[("Role", vnf, "xfc-operator")]
        verbs = {(g, r): set(rule["verbs"]) for rule in role["rules"]
                 for g in rule["apiGroups"] for r in rule["resources"]}
        assert verbs[("apps", "deployments/scale")] == {"get", "patch"}
        assert verbs[("", "pods")] == {"list"}
        binding = objs[("RoleBinding", vnf, "xfc-operator")]
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "xfc-operator",
                                        "namespace": "nsd"}]


def test_prometheus_rule_matches_pods_in_their_vnfs_namespace() -> None:
    unit = _compile(ns_namespaces="per-vnf")
    text = next(f.content.decode() for f in unit.outputs if f.path.endswith("prometheusrule.yaml"))
    assert 'namespace=\\"data\\",pod=~\\"data-store-' in text
    assert 'namespace=\\"nsd\\",pod' not in text


def test_templates_of_a_vnf_have_its_namespace_others_the_services() -> None:
    from compiler.emitters.kubernetes.common import Ctx
    from compiler.ns.namespaces import Placement

    place = Placement(namespace="svc", vnfs={"a": "a", "b": "b"},
                      templates={"a-x": "a", "b-db": "b"})
    ctx = Ctx(unit=None, diags=None, topology=None, namespace="svc", part_of="p",
              placement=place)
    assert ctx.ns_of("a-x") == "a" and ctx.ns_of("frontnet") == "svc"
    assert Ctx(unit=None, diags=None, topology=None, namespace=None, part_of="p").ns_of("a-x") is None


@pytest.mark.parametrize("namespace,code", [("shop", "ns-namespace"), ("default", None)])
def test_a_vnf_namespace_that_is_taken_is_a_positioned_error(namespace, code) -> None:
    unit = compiler.compile(str(NSD), dataclasses.replace(Options(), ns_namespaces="per-vnf",
                                                         namespace=namespace))
    errors = [d for d in unit.diagnostics if d.code == "ns-namespace"]
    if code is None:
        assert not errors
        return
    [err] = errors
    assert (err.span.line, err.span.column) == (16, 5) and "'shop'" in err.message


def test_placement_refuses_long_invalid_and_reserved_names() -> None:
    from compiler.diagnostics import Diagnostics
    from compiler.ns.namespaces import placement

    class Topo:
        nodes: dict = {}
        span = None
        metadata = {"template_name": "svc"}

    class X:
        units = {"a" * 64: ("t1",), "kube-x": ("t2",), "Web_1": ("t3",), "web-1": ("t4",),
                 "ok": ("t5",)}

    diags = Diagnostics()
    place = placement(Topo(), X(), Options(ns_namespaces="per-vnf"), diags)
    messages = sorted(d.message for d in diags)
    assert len(messages) == 3, messages
    assert any("64 characters" in m for m in messages)
    assert any("kube-x" in m and "Kubernetes keeps" in m for m in messages)
    assert any("also VNF node" in m for m in messages)
    assert place.of("t5") == "ok" and place.namespace == "svc"


def test_cli_flag(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "compiler", "compile", str(NSD), "--ns-namespaces",
                        "per-vnf", "-o", str(out), "-q"], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert (out / "kubernetes" / "namespace-shop.yaml").is_file()
    r = subprocess.run([sys.executable, "-m", "compiler", "compile", str(NSD), "--ns-namespaces",
                        "each", "-o", str(out)], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2 and "per-vnf" in r.stderr


def _rendered_places(text: str) -> dict[tuple[str, str], str]:
    return {(d["kind"], d["metadata"]["name"]): d["metadata"].get("namespace", "")
            for d in yaml.safe_load_all(text) if isinstance(d, dict) and "kind" in d}


def test_bundles_keep_each_objects_namespace(tmp_path: Path) -> None:
    """The Helm chart (a subchart per VNF) and the Kustomize base (a component per VNF)
    render every object in the namespace the compiler gave it, and each VNF's Namespace
    goes with that VNF's part."""
    from tests.support.validators import helm_template, kubectl_kustomize, require_tool

    want = {("Deployment", "shop-front"): "shop", ("StatefulSet", "data-store"): "data",
            ("NetworkAttachmentDefinition", "frontnet"): "nsd", ("FailurePolicy", "nsd"): "nsd"}
    require_tool("helm")
    r = subprocess.run([sys.executable, "-m", "compiler", "bundle", str(NSD), "--ns-namespaces",
                        "per-vnf", "-f", "helm", "-o", str(tmp_path / "h"), "-q"],
                       capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stderr
    chart = tmp_path / "h" / "helm" / "nsd"
    assert (chart / "charts" / "shop" / "templates" / "namespace-shop.yaml").is_file()
    rc, text = helm_template(chart)
    assert rc == 0, text
    places = _rendered_places(text)
    assert {k: places[k] for k in want} == want
    assert places[("Namespace", "blog")] == ""
    require_tool("kubectl")
    r = subprocess.run([sys.executable, "-m", "compiler", "bundle", str(NSD), "--ns-namespaces",
                        "per-vnf", "-f", "kustomize", "-o", str(tmp_path / "k"), "-q"],
                       capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "k" / "kustomize" / "components" / "shop" / "namespace-shop.yaml").is_file()
    rc, text = kubectl_kustomize(tmp_path / "k" / "kustomize" / "base")
    assert rc == 0, text
    places = _rendered_places(text)
    assert {k: places[k] for k in want} == want


def test_a_backing_service_in_another_namespace_is_located_by_its_namespaced_name() -> None:
    from types import SimpleNamespace as NS_

    from compiler.emitters.kubernetes import workloads
    from compiler.emitters.kubernetes.common import Ctx
    from compiler.ns.namespaces import Placement

    place = Placement(namespace="svc", vnfs={"a": "a", "b": "b"},
                      templates={"a-x": "a", "a-cache": "a", "b-db": "b"})
    ctx = Ctx(unit=None, diags=None, topology=NS_(nodes={}), namespace="svc", part_of="p",
              placement=place)
    node = NS_(name="a-x", requirements=[NS_(node="b-db"), NS_(node="a-cache")])
    w = workloads.Workload(node=node, name="a-x", stateful=False, containers=[{}])
    workloads.add_backing_env(ctx, w, {"b-db": NS_(locator=None), "a-cache": NS_(locator=None)})
    env = {e["name"]: e["value"] for e in w.containers[0]["env"]}
    assert env == {"B_DB_LOCATOR": "b-db.b", "A_CACHE_LOCATOR": "a-cache"}


def test_the_namespace_error_does_not_depend_on_the_back_ends_run() -> None:
    """compiler.ns checks the VNF namespaces, so a policies-only compile reports them too
    (it would otherwise write a FailurePolicy naming a namespace that cannot be)."""
    unit = compiler.compile(str(NSD), dataclasses.replace(
        Options(), ns_namespaces="per-vnf", namespace="shop", emitters=("policies",)))
    assert unit.diagnostics.has_errors
    assert {d.code for d in unit.diagnostics if d.code.startswith("ns-")} == {"ns-namespace"}
    assert not unit.outputs
