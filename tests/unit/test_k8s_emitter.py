"""Kubernetes back end on hand-built IR: X-factor semantics (spec §5), SOL001 mapping,
safety defaults, diagnostics at exact positions, schema validity of every object."""

from __future__ import annotations

import yaml

from compiler.emitters.kubernetes import EMITTER
from compiler.model.xfactor import BackingService, Process
from tests.support.validators import validate_object
from tests.unit.k8s_fixtures import node, policy, req, unit


def emit(u):
    files = EMITTER.emit(u, u.diagnostics)
    objs = {f.path: yaml.safe_load(f.content) for f in files}
    for path, obj in objs.items():
        assert validate_object(obj) == [], path
    return objs


def xfactor_unit(**kw):
    return unit(
        [
            node("smf", "xfactor.nodes.CNF", 10, {
                "image": "reg/smf:1.2",
                "ports": [{"name": "sbi", "port": 8080, "protocol": "TCP"}],
                "env": {"B": 3, "A": "x"},
                "resources": {"cpu": 0.5, "memory": "256 MiB"},
                "replicas": {"min": 2, "max": 5},
                "volumes": [{"name": "cache", "mount_path": "/cache", "size": "1 GiB"}],
            }),
            node("upf", "xfactor.nodes.CNF", 30, {
                "image": "reg/upf:2",
                "replicas": {"min": 2, "max": 2},
                "volumes": [{"name": "data", "mount_path": "/data", "size": "2 GiB", "persistent": True}],
            }),
            node("amf", "xfactor.nodes.CNF", 45, {"image": "reg/amf:1"}),
            node("db", "xfactor.nodes.BackingService", 50, {"image": "redis:7", "kind": "session_store"}),
            node("ext", "xfactor.nodes.BackingService", 60, {"locator": "postgres://pg.example.org:5432/x"},
                 reqs=()),
        ],
        processes={
            "upf": Process(node="upf", state="stateful", graceful_shutdown=45.5),
            "smf": Process(node="smf", scratch_size="64 MiB", graceful_shutdown=10.0),
        },
        backing={
            "db": BackingService(node="db", image="redis:7", kind="session_store", expiry=True),
            "ext": BackingService(node="ext", locator="postgres://pg.example.org:5432/x"),
        },
        wirings=[("smf", "upf", ["notify"]), ("smf", "amf", ["reconnect", "notify"])],
        **kw,
    )


def test_stateless_deployment_stateful_statefulset_with_headless_service():
    objs = emit(xfactor_unit())
    assert objs["kubernetes/deployment-smf.yaml"]["kind"] == "Deployment"
    sts = objs["kubernetes/statefulset-upf.yaml"]
    assert sts["spec"]["serviceName"] == "upf"
    assert sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "2Gi"
    svc = objs["kubernetes/service-upf.yaml"]
    assert svc["spec"]["clusterIP"] == "None"
    assert "kubernetes/deployment-upf.yaml" not in objs
    # a backing service with an image is a StatefulSet; one with a host locator an ExternalName
    assert objs["kubernetes/statefulset-db.yaml"]["kind"] == "StatefulSet"
    assert objs["kubernetes/service-ext.yaml"]["spec"] == {
        "externalName": "pg.example.org", "sessionAffinity": "None", "type": "ExternalName"}


def test_reconnect_target_gets_service_without_affinity():
    objs = emit(xfactor_unit())
    svc = objs["kubernetes/service-amf.yaml"]  # amf has no ports: headless, still a Service
    assert svc["spec"]["sessionAffinity"] == "None"
    assert svc["metadata"]["annotations"]["xfactor.io/reconnect-from"] == "smf"
    for obj in objs.values():
        if obj["kind"] == "Service":
            assert obj["spec"].get("sessionAffinity") != "ClientIP"


def test_graceful_shutdown_pdb_hpa_resources_probes():
    objs = emit(xfactor_unit())
    dep = objs["kubernetes/deployment-smf.yaml"]
    pod = dep["spec"]["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] == 10
    assert objs["kubernetes/statefulset-upf.yaml"]["spec"]["template"]["spec"][
        "terminationGracePeriodSeconds"] == 46
    c = pod["containers"][0]
    assert c["resources"] == {"limits": {"cpu": "500m", "memory": "256Mi"},
                              "requests": {"cpu": "500m", "memory": "256Mi"}}
    assert c["env"] == [{"name": "A", "value": "x"}, {"name": "B", "value": "3"}]
    assert c["readinessProbe"]["tcpSocket"] == {"port": 8080}
    assert c["livenessProbe"]["tcpSocket"] == {"port": 8080}
    assert {"mountPath": "/tmp", "name": "xf-tmp"} in c["volumeMounts"]
    assert {"emptyDir": {"sizeLimit": "64Mi"}, "name": "xf-tmp"} in pod["volumes"]
    assert dep["spec"]["replicas"] == 2
    hpa = objs["kubernetes/horizontalpodautoscaler-smf.yaml"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 5)
    # a PDB for every workload that can run more than one replica, and only those
    pdbs = sorted(p for p in objs if "poddisruptionbudget" in p)
    assert pdbs == ["kubernetes/poddisruptionbudget-smf.yaml", "kubernetes/poddisruptionbudget-upf.yaml"]
    # every container has requests and limits and the safe defaults
    for obj in objs.values():
        if obj["kind"] in ("Deployment", "StatefulSet"):
            for c in obj["spec"]["template"]["spec"]["containers"]:
                assert set(c["resources"]) == {"requests", "limits"}
                assert c["securityContext"]["runAsNonRoot"] is True
                assert c["securityContext"]["allowPrivilegeEscalation"] is False
                assert c["securityContext"]["readOnlyRootFilesystem"] is True
                assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]


def test_labels_annotations_namespace_and_backing_env():
    objs = emit(xfactor_unit(namespace="core"))
    for obj in objs.values():
        meta = obj["metadata"]
        assert meta["namespace"] == "core"
        assert meta["labels"]["app.kubernetes.io/managed-by"] == "xfc"
        assert meta["labels"]["app.kubernetes.io/part-of"] == "demo"
        assert "xfactor.io/source" in meta["annotations"]
        assert "xfactor.io/template" in meta["annotations"]
    dep = objs["kubernetes/deployment-smf.yaml"]
    assert dep["metadata"]["annotations"]["xfactor.io/source"] == "svc.yaml:10"
    assert dep["metadata"]["annotations"]["xfactor.io/template"] == "smf"


def test_latest_tag_and_loosened_security_warn_at_source():
    u = unit([
        node("a", "xfactor.nodes.CNF", 10, {"image": "nginx"}, prop_lines={"image": 12},
             metadata={"xfactor.io/run-as-root": "true", "xfactor.io/security-reason": "binds :80"}),
    ])
    objs = emit(u)
    got = [(d.code, d.span.line, d.span.column) for d in u.diagnostics]
    assert ("k8s-latest-tag", 12, 7) in got
    assert ("k8s-insecure", 10, 5) in got
    insecure = [d for d in u.diagnostics if d.code == "k8s-insecure"][0]
    assert "runAsNonRoot: false" in insecure.message and "binds :80" in insecure.message
    c = objs["kubernetes/deployment-a.yaml"]["spec"]["template"]["spec"]["containers"][0]
    assert c["securityContext"]["runAsNonRoot"] is False
    assert c["imagePullPolicy"] == "Always"


def sol001_unit(**kw):
    return unit(
        [
            node("VNF", "tosca.nodes.nfv.VNF", 5, {"product_name": "Demo VNF"}),
            node("vdu1", "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit", 10, {
                "name": "vdu1", "description": "front end",
                "vdu_profile": {"min_number_of_instances": 1, "max_number_of_instances": 4},
                "logical_node": {"x": {"y": 1}},
            }, reqs=(req("container", "c1"), req("container", "c2"), req("virtual_storage", "st1"))),
            node("c1", "tosca.nodes.nfv.Vdu.OsContainer", 30, {
                "name": "web", "description": "web",
                "requested_cpu_resources": 250, "cpu_resource_limit": 1000,
                "requested_memory_resources": "128 MiB", "memory_resource_limit": "512 MiB",
                "requested_ephemeral_storage_resources": "1 GiB",
                "huge_pages_resources": [{"x": 1}],
            }, artifacts={"sw_image": _image("nginx", "1.25")}),
            node("c2", "tosca.nodes.nfv.Vdu.OsContainer", 45, {"name": "side", "description": "d"},
                 artifacts={"sw_image": _image("busybox", "1.36")}),
            node("st1", "tosca.nodes.nfv.Vdu.VirtualBlockStorage", 55, {
                "virtual_block_storage_data": {"size_of_storage": "10 GB"}}),
            node("vl1", "tosca.nodes.nfv.VnfVirtualLink", 60, {
                "connectivity_type": {"layer_protocols": ["ipv4"]},
                "vl_profile": {"virtual_link_protocol_data": [{"associated_layer_protocol": "ipv4",
                               "l3_protocol_data": {"cidr": "10.1.0.0/24", "gateway_ip": "10.1.0.1"}}]},
            }),
            node("cp1", "tosca.nodes.nfv.VduCp", 70, {"layer_protocols": ["ipv4"], "order": 0},
                 reqs=(req("virtual_binding", "vdu1"), req("virtual_link", "vl1"))),
            node("vcp", "tosca.nodes.nfv.VirtualCp", 80, {
                "additionalServiceData": [{"portData": [{"name": "http", "port": 80, "protocol": "TCP"}]}],
            }, reqs=(req("target", "vdu1"),)),
        ],
        processes={"vdu1": Process(node="vdu1", state="stateful")},
        policies=[
            policy("anti", "tosca.policies.nfv.AntiAffinityRule", ("vdu1",), {"scope": "zone"}),
            policy("delta", "tosca.policies.nfv.VduInitialDelta", ("vdu1",),
                   {"initial_delta": {"number_of_instances": 2}}, line=100),
            policy("deltas", "tosca.policies.nfv.VduScalingAspectDeltas", ("vdu1",),
                   {"aspect": "a", "deltas": {"d1": {"number_of_instances": 2}}}, line=110),
        ],
        metadata={},
        **kw,
    )


def _image(name, version):
    from compiler.model import Artifact
    return Artifact(name="sw_image", type="tosca.artifacts.nfv.SwImage", file=f"images/{name}.tar",
                    properties={"name": name, "version": version, "container_format": "docker"})


def test_sol001_container_deployable_unit():
    u = sol001_unit(namespace="vnf")
    objs = emit(u)
    sts = objs["kubernetes/statefulset-vdu1.yaml"]
    assert sts["metadata"]["labels"]["app.kubernetes.io/part-of"] == "demo-vnf"
    assert sts["spec"]["replicas"] == 2
    pod = sts["spec"]["template"]
    web, side = pod["spec"]["containers"]
    assert web["image"] == "nginx:1.25" and side["image"] == "busybox:1.36"
    assert web["resources"] == {
        "requests": {"cpu": "250m", "memory": "128Mi", "ephemeral-storage": "1Gi"},
        "limits": {"cpu": "1000m", "memory": "512Mi", "ephemeral-storage": "1Gi"},
    }
    assert web["ports"] == [{"containerPort": 80, "name": "http", "protocol": "TCP"}]
    assert {"mountPath": "/mnt/st1", "name": "st1"} in web["volumeMounts"]
    assert sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "10G"
    assert pod["metadata"]["annotations"]["k8s.v1.cni.cncf.io/networks"] == (
        '[{"interface":"net1","name":"vl1","namespace":"vnf"}]')
    nad = objs["kubernetes/networkattachmentdefinition-vl1.yaml"]
    assert nad["apiVersion"] == "k8s.cni.cncf.io/v1"
    assert '"subnet":"10.1.0.0/24"' in nad["spec"]["config"]
    anti = pod["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert anti[0]["topologyKey"] == "topology.kubernetes.io/zone"
    svc = objs["kubernetes/service-vcp.yaml"]
    assert svc["spec"]["ports"] == [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}]
    assert pod["metadata"]["labels"][list(svc["spec"]["selector"])[0]] == "true"
    hpa = objs["kubernetes/horizontalpodautoscaler-vdu1.yaml"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (1, 4)
    assert hpa["behavior"]["scaleUp"]["policies"][0]["value"] == 2
    assert "kubernetes/poddisruptionbudget-vdu1.yaml" in objs


def test_sol001_dropped_keys_warn_at_their_values():
    u = sol001_unit()
    emit(u)
    warned = sorted((d.span.line, d.span.column, d.message.split(": ")[1])
                    for d in u.diagnostics if d.code == "unsupported")
    # logical_node of vdu1 (4th property, line 10+2+3), huge_pages_resources of c1 (8th),
    # connectivity_type of vl1, layer_protocols of cp1
    assert warned == [(15, 9, "vdu1"), (39, 9, "c1"), (62, 9, "vl1"), (72, 9, "cp1")]


def test_vm_vdu_is_not_expressible():
    from compiler.model import Artifact
    u = unit([node("vm", "tosca.nodes.nfv.Vdu.Compute", 10, {"name": "vm"}, artifacts={
        "sw_image": Artifact(name="sw_image", type="tosca.artifacts.nfv.SwImage", file="cirros.qcow2",
                             properties={"container_format": "bare", "disk_format": "qcow2"})})])
    objs = emit(u)
    assert not any("deployment" in p or "statefulset" in p for p in objs)
    assert [(d.code, d.span.line) for d in u.diagnostics if d.severity >= 1] == [("unsupported", 10)]


def test_container_vdu_and_container_application():
    from compiler.model import Artifact
    u = unit([
        node("v", "tosca.nodes.nfv.Vdu.Compute", 10, {
            "name": "v", "sw_image_data": {"name": "reg/app", "version": "3.1", "container_format": "docker"},
            "vdu_profile": {"min_number_of_instances": 3, "max_number_of_instances": 3}}),
        node("app", "tosca.nodes.Container.Application", 30, {}, artifacts={
            "image": Artifact(name="image", type="tosca.artifacts.Deployment.Image", file="reg/x:9")}),
    ])
    objs = emit(u)
    v = objs["kubernetes/deployment-v.yaml"]
    assert v["spec"]["replicas"] == 3
    assert v["spec"]["template"]["spec"]["containers"][0]["image"] == "reg/app:3.1"
    assert "kubernetes/horizontalpodautoscaler-v.yaml" not in objs
    assert "kubernetes/poddisruptionbudget-v.yaml" in objs
    assert objs["kubernetes/deployment-app.yaml"]["spec"]["template"]["spec"]["containers"][0]["image"] == "reg/x:9"


def test_missing_image_is_an_error():
    u = unit([node("d", "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit", 10,
                   {"name": "d", "vdu_profile": {}}, reqs=(req("container", "c"),)),
              node("c", "tosca.nodes.nfv.Vdu.OsContainer", 20, {"name": "c"})])
    emit(u)
    assert [(d.code, d.span.line) for d in u.diagnostics.errors()] == [("k8s-no-image", 20)]


def test_long_and_odd_names_are_dns_labels():
    long = "Very_Long_Node_Template_Name_" * 4
    u = unit([node(long, "xfactor.nodes.CNF", 10, {"image": "a:1"})])
    objs = emit(u)
    (path,) = [p for p in objs if "deployment" in p]
    name = objs[path]["metadata"]["name"]
    assert len(name) <= 63 and name.startswith("very-long-node-template-name-")
    assert name == objs[path]["spec"]["template"]["spec"]["containers"][0]["name"]
