"""SOL001 facts through the real pipeline: virtual compute, storage, VNF identification.

Issue 9 item 2: a ``Vdu.Compute``'s ``virtual_compute`` capability becomes the container's
requests and limits and a ``kubernetes.io/arch`` node selector; block and file storage
sizes become claims; what a pod cannot express warns at the value, naming it.
"""

from __future__ import annotations

import textwrap

import yaml

from compiler import compile as compile_
from compiler.pipeline import Options
from tests.support.validators import validate_object

HEAD = """\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml
topology_template:
  node_templates:
"""


def _compile(tmp_path, body: str, version: str = "v2.6.1"):
    path = tmp_path / "vnfd.yaml"
    head = HEAD.replace("v2.6.1", version)
    path.write_text(head + textwrap.indent(textwrap.dedent(body), "    "), encoding="utf-8")
    unit = compile_(str(path), Options(emitters=("kubernetes",)))
    assert unit.ok, unit.diagnostics.render_text()
    objs = {}
    for f in unit.outputs:
        obj = yaml.safe_load(f.content)
        assert validate_object(obj) == [], f.path
        objs[f.path] = obj
    return unit, objs


VDU = """\
vdu:
  type: tosca.nodes.nfv.Vdu.Compute
  properties:
    name: vdu
    description: a container VDU
    vdu_profile: {{ min_number_of_instances: 2, max_number_of_instances: 5 }}
    sw_image_data:
      name: registry.example.net/app
      version: "1.2"
      checksum: {{ algorithm: sha-256, hash: abc }}
      container_format: docker
      disk_format: raw
      min_disk: 1 GiB
      size: 1 GiB
    monitoring_parameters:
      - {{ name: cpu, performance_metric: v_cpu_usage_mean_vnf, collection_period: 30 s }}
  capabilities:
    virtual_compute:
      properties:
        virtual_cpu: {cpu}
        virtual_memory: {mem}
        virtual_local_storage:
          - size_of_storage: 1 GiB
          - size_of_storage: 512 MiB
"""


def _pod(objs):
    return objs["kubernetes/deployment-vdu.yaml"]["spec"]["template"]["spec"]


def test_virtual_compute_2_vcpu_4_gib_is_exactly_the_requests(tmp_path):
    unit, objs = _compile(tmp_path, VDU.format(
        cpu="{ num_virtual_cpu: 2, cpu_architecture: x86_64 }", mem="{ virtual_mem_size: 4 GiB }"))
    pod = _pod(objs)
    resources = pod["containers"][0]["resources"]
    assert resources == {
        "requests": {"cpu": "2", "memory": "4Gi", "ephemeral-storage": "1536Mi"},
        "limits": {"cpu": "2", "memory": "4Gi", "ephemeral-storage": "1536Mi"},
    }
    assert pod["nodeSelector"] == {"kubernetes.io/arch": "amd64"}
    dep = objs["kubernetes/deployment-vdu.yaml"]
    assert dep["spec"]["replicas"] == 2
    assert objs["kubernetes/horizontalpodautoscaler-vdu.yaml"]["spec"]["maxReplicas"] == 5
    ann = dep["metadata"]["annotations"]
    assert yaml.safe_load(ann["xfactor.io/monitoring-parameters"])[0]["performance_metric"] == (
        "v_cpu_usage_mean_vnf")
    assert pod["containers"][0]["image"] == "registry.example.net/app:1.2"


def test_aarch64_is_arm64_and_an_unknown_architecture_warns_at_its_value(tmp_path):
    _, objs = _compile(tmp_path, VDU.format(
        cpu="{ num_virtual_cpu: 1, cpu_architecture: aarch64 }", mem="{ virtual_mem_size: 512 MiB }"))
    assert _pod(objs)["nodeSelector"] == {"kubernetes.io/arch": "arm64"}
    assert _pod(objs)["containers"][0]["resources"]["requests"]["memory"] == "512Mi"
    unit, objs = _compile(tmp_path, VDU.format(
        cpu="{ num_virtual_cpu: 1, cpu_architecture: sparc64, virtual_cpu_oversubscription_policy: x }",
        mem="{ virtual_mem_size: 1 GiB, numa_enabled: true }"))
    assert "nodeSelector" not in _pod(objs)
    warned = {(d.message.split("'")[1], d.span.line, d.span.column) for d in unit.diagnostics
              if d.code == "unsupported" and d.message.startswith("kubernetes: vdu:")}
    # HEAD is 6 lines, the VDU starts at line 7: virtual_cpu's flow mapping is on line 26,
    # virtual_memory's on 27; each warning is at the value it names
    assert ("cpu_architecture", 26, 66) in warned
    assert ("virtual_cpu_oversubscription_policy", 26, 112) in warned
    assert ("numa_enabled", 27, 70) in warned


def test_vm_vdu_warning_names_every_lost_fact(tmp_path):
    body = VDU.format(cpu="{ num_virtual_cpu: 2 }", mem="{ virtual_mem_size: 4 GiB }").replace(
        "container_format: docker", "container_format: bare")
    unit, objs = _compile(tmp_path, body)
    assert not any("deployment" in p for p in objs)
    [msg] = [d.message for d in unit.diagnostics if d.code == "unsupported" and "no Kubernetes workload" in d.message]
    for fact in ("'vdu_profile'", "'sw_image_data'", "'virtual_cpu' of virtual_compute",
                 "'virtual_memory' of virtual_compute", "'monitoring_parameters'"):
        assert fact in msg


def test_block_and_file_storage_sizes_and_sharing(tmp_path):
    # SOL001 v4.4.1: per_vnfc_instance exists (v2/v3 storage is always per instance)
    body = textwrap.dedent("""\
    vdu:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: vdu
        description: a VDU with storage
        vdu_profile: { min_number_of_instances: 1, max_number_of_instances: 1 }
      artifacts:
        sw_image:
          type: tosca.artifacts.nfv.SwImage
          file: images/app.tar
          properties: { name: registry.example.net/app, version: "1.2", checksum: { algorithm: sha-256, hash: abc },
                        container_format: docker, disk_format: raw, min_disk: 1 GiB, size: 1 GiB }
      capabilities:
        virtual_compute:
          properties:
            virtual_cpu: { num_virtual_cpu: 1 }
            virtual_memory: { virtual_mem_size: 1 GiB }
      requirements:
        - virtual_storage: block
        - virtual_storage: files
    block:
      type: tosca.nodes.nfv.Vdu.VirtualBlockStorage
      properties:
        virtual_block_storage_data: { size_of_storage: 20 GiB, rdma_enabled: true }
        per_vnfc_instance: false
    files:
      type: tosca.nodes.nfv.Vdu.VirtualFileStorage
      properties:
        virtual_file_storage_data: { size_of_storage: 5 GiB, file_system_protocol: nfs }
    """)
    unit, objs = _compile(tmp_path, body, "v4.4.1")
    block = objs["kubernetes/persistentvolumeclaim-vdu-block.yaml"]["spec"]
    assert block == {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "20Gi"}}}
    files = objs["kubernetes/persistentvolumeclaim-vdu-files.yaml"]["spec"]
    assert files == {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "5Gi"}}}
    mounts = _pod(objs)["containers"][0]["volumeMounts"]
    assert {"mountPath": "/mnt/block", "name": "block"} in mounts
    assert {"mountPath": "/mnt/files", "name": "files"} in mounts
    assert _pod(objs)["containers"][0]["resources"]["requests"] == {"cpu": "1", "memory": "1Gi"}
    warned = {d.message.split("'")[1] for d in unit.diagnostics if d.code == "unsupported"}
    assert {"rdma_enabled", "file_system_protocol"} <= warned


def test_vdu_profile_keys_beyond_the_counts_warn():
    from tests.unit.k8s_fixtures import node, unit
    from compiler.emitters.kubernetes import EMITTER

    u = unit([node("v", "tosca.nodes.nfv.Vdu.Compute", 10, {
        "name": "v", "sw_image_data": {"name": "reg/app", "version": "3.1", "container_format": "docker"},
        "vdu_profile": {"min_number_of_instances": 1, "max_number_of_instances": 2,
                        "nfvi_maintenance_info": {"impact_notification_lead_time": "1 h"}}})])
    EMITTER.emit(u, u.diagnostics)
    [d] = [d for d in u.diagnostics if "vdu_profile" in d.message]
    assert "'nfvi_maintenance_info'" in d.message and d.span.line == 14  # vdu_profile's line


def test_vducp_order_with_no_interface_to_name_warns():
    from compiler.emitters.kubernetes import EMITTER
    from compiler.model import Artifact
    from tests.unit.k8s_fixtures import node, req, unit

    vm = Artifact(name="sw_image", type="tosca.artifacts.nfv.SwImage", file="vm.qcow2",
                  properties={"container_format": "bare", "disk_format": "qcow2"})
    u = unit([
        node("vm", "tosca.nodes.nfv.Vdu.Compute", 10, {"name": "vm"}, artifacts={"sw_image": vm}),
        node("app", "tosca.nodes.nfv.Vdu.Compute", 20, {
            "name": "app", "sw_image_data": {"name": "reg/app", "version": "1", "container_format": "docker"}}),
        node("cp-vm", "tosca.nodes.nfv.VduCp", 30, {"order": 1}, reqs=(req("virtual_binding", "vm"),)),
        node("cp-app", "tosca.nodes.nfv.VduCp", 40, {"order": 0}, reqs=(req("virtual_binding", "app"),)),
    ])
    EMITTER.emit(u, u.diagnostics)
    warned = {d.message.split(": ")[1]: d.span.line for d in u.diagnostics if "'order'" in d.message}
    assert warned == {"cp-vm": 32, "cp-app": 42}


def test_default_instantiation_level_sets_the_replicas():
    from compiler.emitters.kubernetes import EMITTER
    from compiler.model import Policy
    from tests.unit.k8s_fixtures import node, span, unit

    def pol(name, type_, targets, props):
        return Policy(name=name, type=type_, types=(type_, "tosca.policies.Root"), targets=targets,
                      properties=props, span=span(90), property_spans={k: span(91) for k in props})

    vdu = node("v", "tosca.nodes.nfv.Vdu.Compute", 10, {
        "name": "v", "sw_image_data": {"name": "reg/app", "version": "1", "container_format": "docker"},
        "vdu_profile": {"min_number_of_instances": 1, "max_number_of_instances": 5}})
    levels = {"small": {"number_of_instances": 2}, "large": {"number_of_instances": 4}}
    for default, replicas in (("small", 2), ("large", 4)):
        u = unit([vdu], policies=[
            pol("il", "tosca.policies.nfv.InstantiationLevels", (),
                {"levels": {"small": {}, "large": {}}, "default_level": default}),
            pol("vil", "tosca.policies.nfv.VduInstantiationLevels", ("v",), {"levels": levels}),
        ])
        files = {f.path: yaml.safe_load(f.content) for f in EMITTER.emit(u, u.diagnostics)}
        assert files["kubernetes/deployment-v.yaml"]["spec"]["replicas"] == replicas
