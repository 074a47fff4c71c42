"""Object names by the rule of their kind: RFC 1035 labels for Services, DNS-1123 names
(which may start with a digit) for everything else, IANA service names for ports."""

from __future__ import annotations

import re

import pytest
import yaml

from compiler.emitters.kubernetes import EMITTER
from compiler.emitters.kubernetes.common import (
    dns1035_label,
    dns_label,
    is_dns_label,
    object_name,
    port_name,
)
from compiler.emitters.naming import service_name
from compiler.model.xfactor import BackingService, Process
from tests.support.validators import validate_object
from tests.unit.k8s_fixtures import node, req, unit

RFC1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
IANA_SVC = re.compile(r"(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*\Z")


def name_errors(obj: dict) -> list[str]:
    """The API server's name rules for the objects xfc emits (the schemas do not check them)."""
    errors = []
    kind, name = obj["kind"], obj["metadata"]["name"]
    if kind == "Service":
        if not (len(name) <= 63 and RFC1035.match(name)):
            errors.append(f"Service name {name!r} is not an RFC 1035 label")
    elif kind in ("Deployment", "StatefulSet"):
        if not (len(name) <= 63 and DNS1123_LABEL.match(name)):
            errors.append(f"{kind} name {name!r} is not a DNS-1123 label")
    elif not (len(name) <= 253 and DNS1123_SUBDOMAIN.match(name)):
        errors.append(f"{kind} name {name!r} is not a DNS-1123 subdomain")
    spec = obj.get("spec") or {}
    pod = (spec.get("template") or {}).get("spec") or {}
    for c in pod.get("containers", []):
        if not (len(c["name"]) <= 63 and DNS1123_LABEL.match(c["name"])):
            errors.append(f"container name {c['name']!r}")
        for p in c.get("ports", []):
            if not (len(p["name"]) <= 15 and IANA_SVC.match(p["name"])):
                errors.append(f"container port name {p['name']!r}")
    for p in spec.get("ports", []) if kind == "Service" else []:
        if not (len(p["name"]) <= 15 and IANA_SVC.match(p["name"])):
            errors.append(f"Service port name {p['name']!r}")
    return errors


def emit(u):
    files = EMITTER.emit(u, u.diagnostics)
    objs = {f.path: yaml.safe_load(f.content) for f in files}
    for path, obj in objs.items():
        assert validate_object(obj) == [], path
        assert name_errors(obj) == [], path
    return objs


def test_label_rules():
    assert dns_label("5G_Core") == "5g-core"
    assert dns_label("VDU_1") == "vdu-1"
    assert dns_label("--a__b--") == "a-b"
    # nothing left after cleaning: "x-" and the name's stable hash (compiler.names), so
    # names of only symbols or non-ASCII letters stay apart
    assert dns_label("") == "x-e3b0c442"
    assert dns_label("веб") != dns_label("апп") and dns_label("веб").startswith("x-")
    assert dns1035_label("5g-core") == "x-5g-core"
    assert dns1035_label("amf") == "amf"
    long = "9" + "x" * 80
    assert len(dns1035_label(long)) == 63 and dns1035_label(long).startswith("x-9")
    assert len(dns_label(long)) == 63 and dns_label(long).startswith("9")
    assert object_name("Service", "1cp") == "x-1cp"
    for kind in ("Deployment", "StatefulSet", "ConfigMap", "PersistentVolumeClaim",
                 "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkAttachmentDefinition"):
        assert object_name(kind, "1cp") == "1cp"
    assert port_name("8080") is None and port_name("SIP_TLS") == "sip-tls"
    assert port_name("5g-n2-interface") == "5g-n2-interface"  # 15 characters: kept
    cut = port_name("5g-n2-interfaces")
    assert len(cut) == 14 and re.fullmatch(r"5g-n2-[0-9a-f]{8}", cut)
    assert is_dns_label("5g") and not is_dns_label("5G") and not is_dns_label("a.b")


def test_service_name_of_the_package_is_shared_with_the_policies_back_end():
    u = unit([node("amf", "xfactor.nodes.CNF", 10, {"image": "a:1"})], inputs={"x": 1},
             metadata={"template_name": "5G Core Slice"})
    objs = emit(u)
    assert service_name(u.topology) == "5g-core-slice"
    cm = objs["kubernetes/configmap-5g-core-slice-inputs.yaml"]
    assert cm["metadata"]["name"] == "5g-core-slice-inputs"
    assert cm["metadata"]["labels"]["app.kubernetes.io/part-of"] == "5g-core-slice"


def test_digit_names_per_kind():
    u = unit(
        [
            node("5gc-amf", "xfactor.nodes.CNF", 10, {
                "image": "reg/amf:1", "ports": [{"name": "8080", "port": 8080}, {"name": "N2_sctp", "port": 38412,
                                                  "protocol": "SCTP"}],
                "replicas": {"min": 1, "max": 3},
                "volumes": [{"name": "1data", "mount_path": "/data", "size": "1 GiB", "persistent": True}],
            }),
            node("5gc-udm", "xfactor.nodes.CNF", 30, {"image": "reg/udm:1",
                                                       "replicas": {"min": 2, "max": 2}}),
            node("9db", "xfactor.nodes.BackingService", 50, {"image": "redis:7"}),
            node("7ext", "xfactor.nodes.BackingService", 60, {"locator": "pg.example.org"}),
        ],
        processes={"5gc-udm": Process(node="5gc-udm", state="stateful")},
        backing={"9db": BackingService(node="9db", image="redis:7"),
                 "7ext": BackingService(node="7ext", locator="pg.example.org")},
        wirings=[("5gc-amf", "5gc-udm", ["reconnect"])],
        metadata={"template_name": "5g"},
    )
    objs = emit(u)
    paths = set(objs)
    # workloads, their HPA / PDB / claims keep the digit; Services get the x- prefix
    assert {"kubernetes/deployment-5gc-amf.yaml", "kubernetes/statefulset-5gc-udm.yaml",
            "kubernetes/statefulset-9db.yaml", "kubernetes/horizontalpodautoscaler-5gc-amf.yaml",
            "kubernetes/poddisruptionbudget-5gc-amf.yaml", "kubernetes/poddisruptionbudget-5gc-udm.yaml",
            "kubernetes/service-x-5gc-amf.yaml", "kubernetes/service-x-5gc-udm.yaml",
            "kubernetes/service-x-9db.yaml", "kubernetes/service-x-7ext.yaml"} <= paths
    assert not any(p.startswith("kubernetes/service-5") or p.startswith("kubernetes/service-9")
                   for p in paths)
    sts = objs["kubernetes/statefulset-5gc-udm.yaml"]
    assert sts["spec"]["serviceName"] == "x-5gc-udm"
    assert objs["kubernetes/service-x-5gc-udm.yaml"]["spec"]["clusterIP"] == "None"
    assert objs["kubernetes/statefulset-9db.yaml"]["spec"]["serviceName"] == "x-9db"
    dep = objs["kubernetes/deployment-5gc-amf.yaml"]
    assert dep["metadata"]["labels"]["app.kubernetes.io/name"] == "5gc-amf"
    c = dep["spec"]["template"]["spec"]["containers"][0]
    assert c["name"] == "5gc-amf"
    assert [p["name"] for p in c["ports"]] == ["tcp-8080", "n2-sctp"]
    hpa = objs["kubernetes/horizontalpodautoscaler-5gc-amf.yaml"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == "5gc-amf"
    # the Service selects the workload's pods by their labels
    svc = objs["kubernetes/service-x-5gc-amf.yaml"]
    assert svc["spec"]["selector"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()


def test_backing_locator_env_names_the_service():
    u = unit(
        [node("app", "xfactor.nodes.CNF", 10, {"image": "a:1"}, reqs=(req("cache", "9db"),)),
         node("9db", "xfactor.nodes.BackingService", 50, {"image": "redis:7"})],
        backing={"9db": BackingService(node="9db", image="redis:7")},
    )
    objs = emit(u)
    env = objs["kubernetes/deployment-app.yaml"]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [{"name": "_9DB_LOCATOR", "value": "x-9db"}]
    assert "kubernetes/service-x-9db.yaml" in objs


def test_cp_service_and_link_names():
    u = unit(
        [
            node("5vdu", "tosca.nodes.nfv.Vdu.Compute", 10, {
                "name": "5vdu", "sw_image_data": {"name": "reg/app", "version": "1", "container_format": "docker"}}),
            node("3vl", "tosca.nodes.nfv.VnfVirtualLink", 30, {}),
            node("2cp", "tosca.nodes.nfv.VduCp", 40, {"order": 0},
                 reqs=(req("virtual_binding", "5vdu"), req("virtual_link", "3vl"))),
            node("1vcp", "tosca.nodes.nfv.VirtualCp", 50, {
                "additionalServiceData": [{"portData": [{"name": "80", "port": 80, "protocol": "TCP"}]}]},
                reqs=(req("target", "5vdu"),)),
        ],
    )
    objs = emit(u)
    assert "kubernetes/networkattachmentdefinition-3vl.yaml" in objs
    svc = objs["kubernetes/service-x-1vcp.yaml"]
    assert svc["spec"]["ports"][0]["name"] == "tcp-80"
    assert list(svc["spec"]["selector"]) == ["xfactor.io/cp-1vcp"]


@pytest.mark.parametrize("kind", ["Service", "Deployment", "ConfigMap"])
def test_names_are_valid_for_hostile_text(kind):
    for text in ["", "-", "___", "9", "Ä", "a" * 300, "9" * 300, "x.y.z", "--5--"]:
        name = object_name(kind, text)
        assert len(name) <= 63 and DNS1123_LABEL.match(name)
        if kind == "Service":
            assert RFC1035.match(name)
