"""The container image of a VDU from what the descriptor says (issue 21 item 2): an image
artifact's registry reference first (SOL001 4.x), then sw_image_data (2.x/3.x); the
artifact's choice is annotated on the workload, and a warning names the winner when the
two disagree."""

from __future__ import annotations

import textwrap

import yaml

from compiler import compile as compile_
from compiler.diagnostics import Severity
from compiler.images import container_image, is_image_reference
from compiler.model import Artifact
from compiler.pipeline import Options

HEAD = """\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_common_types.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml
topology_template:
  node_templates:
    shop:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: shop
        description: storefront
        vdu_profile: { min_number_of_instances: 1, max_number_of_instances: 3 }
"""
SW_DATA = """\
        sw_image_data:
          name: {name}
          version: "{version}"
          checksum: {{ algorithm: sha-256, hash: "0a" }}
          container_format: docker
          disk_format: raw
          min_disk: 1 GB
          size: 1 GB
"""
CAPS = """\
      capabilities:
        virtual_compute:
          properties:
            virtual_memory: { virtual_mem_size: 256 MB }
            virtual_cpu: { num_virtual_cpu: 1 }
"""
ARTIFACT = """\
      artifacts:
        image:
          type: tosca.artifacts.nfv.SwImage
          file: {file}
"""


def _v3(text: str) -> str:
    """The same VNFD on SOL001 3.3.1, where sw_image_data is a property of the VDU."""
    return text.replace("v4.4.1", "v3.3.1")


def _compile(tmp_path, text: str):
    path = tmp_path / "vnfd.yaml"
    path.write_text(text, encoding="utf-8")
    unit = compile_(str(path), Options(emitters=("kubernetes",)))
    assert unit.ok, unit.diagnostics.render_text()
    dep = next(yaml.safe_load(f.content) for f in unit.outputs
               if f.path == "kubernetes/deployment-shop.yaml")
    return unit, dep


def _image(dep):
    return dep["spec"]["template"]["spec"]["containers"][0]["image"]


def _conflicts(unit):
    return [d for d in unit.diagnostics if d.code == "tosca-image-conflict"]


def test_the_registry_reference_the_author_wrote_is_the_image(tmp_path):
    unit, dep = _compile(tmp_path, HEAD + CAPS + ARTIFACT.format(file="quay.io/acme/shop:v2.1"))
    assert _image(dep) == "quay.io/acme/shop:v2.1"
    assert dep["metadata"]["annotations"]["xfactor.io/image-source"] == "artifact image"
    assert _conflicts(unit) == []


def test_artifact_reference_wins_over_sw_image_data_with_a_warning(tmp_path):
    unit, dep = _compile(tmp_path, _v3(HEAD + SW_DATA.format(name="acme/shop", version="1.9")
                         + CAPS + ARTIFACT.format(file="docker.io/acme/shop:v2.1")))
    assert _image(dep) == "docker.io/acme/shop:v2.1"
    [w] = _conflicts(unit)
    assert w.severity == Severity.WARNING
    assert "'docker.io/acme/shop:v2.1' is used" in w.message and "acme/shop:1.9" in w.message
    assert w.span.line == 27  # the artifact


def test_agreeing_sources_draw_no_warning(tmp_path):
    unit, dep = _compile(tmp_path, _v3(HEAD + SW_DATA.format(name="acme/shop", version="v2.1")
                         + CAPS + ARTIFACT.format(file="docker.io/acme/shop:v2.1")))
    assert _image(dep) == "docker.io/acme/shop:v2.1"
    assert _conflicts(unit) == []


def test_sw_image_data_alone_is_name_and_version_without_annotation(tmp_path):
    unit, dep = _compile(tmp_path, _v3(HEAD + SW_DATA.format(name="acme/shop", version="1.9")
                                       + CAPS))
    assert _image(dep) == "acme/shop:1.9"
    assert "xfactor.io/image-source" not in (dep["metadata"].get("annotations") or {})


def test_sol001_4x_artifact_properties_disagreeing_with_the_file(tmp_path):
    # SOL001 4.x: the artifact's own name/version describe the image its file names
    text = HEAD + CAPS + ARTIFACT.format(file="quay.io/acme/shop:v2.1") + """\
          properties:
            name: acme/shop
            version: "1.9"
            checksum: { algorithm: sha-256, hash: "0a" }
            container_format: docker
            disk_format: raw
            min_disk: 1 GB
            size: 1 GB
"""
    unit, dep = _compile(tmp_path, text)
    assert _image(dep) == "quay.io/acme/shop:v2.1"  # was acme/shop:1.9
    [w] = _conflicts(unit)
    assert "'acme/shop:1.9'" in w.message


def test_precedence_without_the_pipeline():
    art = Artifact(name="sw", type="tosca.artifacts.nfv.SwImage", file="Files/images/app.tar",
                   properties={"name": "acme/app", "version": "3", "container_format": "docker"})
    # a package file is no reference: sw_image_data first, then the artifact's name:version
    data = {"name": "acme/app", "version": "2", "container_format": "docker"}
    assert container_image({"sw_image_data": data}, {"sw": art}).image == "acme/app:2"
    assert container_image({}, {"sw": art}).image == "acme/app:3"
    ref = Artifact(name="sw", type="tosca.artifacts.nfv.SwImage", file="acme/app@sha256:" + "f" * 64)
    assert is_image_reference(ref.file)
    choice = container_image({"sw_image_data": data}, {"sw": ref})
    assert (choice.image, choice.overridden) == (ref.file, "acme/app:2")


def test_a_bare_name_and_its_registry_path_are_one_image():
    from compiler.images import same_image

    assert same_image("pcscf:3.2.0", "registry.example.net/ims/pcscf:3.2.0")
    assert same_image("nginx:1.25", "docker.io/library/nginx:1.25")
    assert not same_image("acme/shop:1.9", "docker.io/acme/shop:v2.1")
    assert not same_image("shop:1.9", "quay.io/acme/shop:v2.1")


def test_os_container_workload_names_each_containers_image_source():
    """A Vdu.OsContainerDeployableUnit records, per container, which artifact gave its image
    (item 2 for SOL001 4.x container VNFs), in container order."""
    from tests.unit.k8s_fixtures import node, req, unit
    from tests.unit.test_k8s_names import emit

    props = {"name": "ims", "vdu_profile": {"min_number_of_instances": 1,
                                             "max_number_of_instances": 2}}
    ref = Artifact(name="app_image", type="tosca.artifacts.nfv.SwImage",
                   file="quay.io/acme/app:v3")
    named = Artifact(name="sw_image", type="tosca.artifacts.nfv.SwImage", file="images/side.tar",
                     properties={"name": "acme/side", "version": "1.2",
                                 "container_format": "docker"})
    u = unit([
        node("ims", "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit", 10, props,
             reqs=(req("container", "app"), req("container", "side"))),
        node("app", "tosca.nodes.nfv.Vdu.OsContainer", 20, {"name": "app"},
             artifacts={"app_image": ref}),
        node("side", "tosca.nodes.nfv.Vdu.OsContainer", 30, {"name": "side"},
             artifacts={"sw_image": named}),
    ])
    dep = emit(u)["kubernetes/deployment-ims.yaml"]
    images = [c["image"] for c in dep["spec"]["template"]["spec"]["containers"]]
    assert images == ["quay.io/acme/app:v3", "acme/side:1.2"]
    assert dep["metadata"]["annotations"]["xfactor.io/image-source"] == \
        "app=artifact app_image, side=artifact sw_image"
