"""The OSM KNF package: layout, MD5 checksums, SOL006 YANG validation, and the osm gate."""

from __future__ import annotations

import hashlib
import io
import tarfile

import pytest
import yaml

from compiler.bundlers import targz_bytes
from compiler.bundlers.gates import osm
from tests.support.sol006 import sol006_errors
from tests.support.validators import _helm_run, require_tool
from tests.unit.bundle_support import VNF_SAMPLES, bundle


def _package(tmp_path, sample):
    unit, files = bundle(sample, "osm", tmp_path)
    (f,) = files
    with tarfile.open(fileobj=io.BytesIO(f.content)) as tf:
        members = tf.getmembers()
        content = {m.name: tf.extractfile(m).read() for m in members if m.isfile()}
    return unit, f, members, content


@pytest.mark.parametrize("sample", VNF_SAMPLES)  # an NS: tests/unit/test_bundle_ns.py
def test_layout_checksums_and_sol006(tmp_path, sample):
    unit, f, members, content = _package(tmp_path, sample)
    top = f.path[: -len(".tar.gz")]
    assert top.endswith("_knf")
    assert {m.name.split("/")[0] for m in members} == {top}  # one top folder
    inner = {n.split("/", 1)[1]: d for n, d in content.items()}
    (descriptor,) = [n for n in inner if "/" not in n and n.endswith("nfd.yaml")]
    # checksums.txt lists every other file with its MD5 (checked with hashlib)
    lines = inner["checksums.txt"].decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert set(listed) == set(inner) - {"checksums.txt"}
    for name, md5 in listed.items():
        assert hashlib.md5(inner[name]).hexdigest() == md5, name
    doc = yaml.safe_load(inner[descriptor])
    vnfd = doc["vnfd"]
    (kdu,) = vnfd["kdu"]
    assert f"helm-charts/{kdu['helm-chart']}/Chart.yaml" in inner
    assert vnfd["ext-cpd"][0]["k8s-cluster-net"] in {n["id"] for n in vnfd["k8s-cluster"]["nets"]}
    assert vnfd["df"] and "healing-aspect" not in vnfd["df"][0]
    assert sol006_errors(doc) is None
    assert osm(content) == []


def test_the_kdu_chart_passes_helm(tmp_path):
    require_tool("helm")
    unit, f, members, content = _package(tmp_path, "samples/5g-core-slice/slice.yaml")
    prefix = "5g-core-slice_knf/helm-charts/5g-core-slice/"
    chart = tmp_path / "chart.tgz"
    chart.write_bytes(targz_bytes({"5g-core-slice/" + n[len(prefix):]: d
                                   for n, d in content.items() if n.startswith(prefix)}))
    rc, out = _helm_run(["lint", "--strict", str(chart)])
    assert rc == 0, out


@pytest.mark.parametrize("change,needle", [
    (lambda v: v.pop("provider"), "provider"),
    (lambda v: [v["kdu"][0].pop(k) for k in ("helm-chart", "helm-version")], "mandatory choice"),
    (lambda v: v["ext-cpd"][0].update({"k8s-cluster-net": "elsewhere"}), "instance-required"),
    (lambda v: v["kdu"][0].update({"helm-version": "v9"}), "helm-version"),
    (lambda v: v["df"][0].pop("instantiation-level"), "must-violation"),
])
def test_sol006_model_refuses(tmp_path, change, needle):
    unit, f, members, content = _package(tmp_path, "samples/sol001-v4-container-vnf/vnfd.yaml")
    (name,) = [n for n in content if n.endswith("_vnfd.yaml")]
    doc = yaml.safe_load(content[name])
    change(doc["vnfd"])
    err = sol006_errors(doc)
    assert err is not None and needle in err, err


def test_osm_gate_rules(tmp_path):
    unit, f, members, content = _package(tmp_path, "samples/sol001-v4-container-vnf/vnfd.yaml")
    top = "cims-vnfd_knf/"

    def rules(files):
        return {x.rule for x in osm(files) if x.severity == "error"}

    assert rules({**content, "stray.txt": b"x"}) == {"layout.one-top-folder"}
    renamed = dict(content)
    renamed[top + "cims.yaml"] = renamed.pop(top + "cims-vnfd_vnfd.yaml")
    assert "layout.descriptor" in rules(renamed)
    assert "checksums.listed" in rules({**content, top + "extra.txt": b"x"})
    edited = {**content, top + "helm-charts/cims-vnfd/values.yaml":
              content[top + "helm-charts/cims-vnfd/values.yaml"] + b"# edited\n"}
    assert rules(edited) == {"checksums.md5"}
    no_chart = {k: v for k, v in content.items() if "/helm-charts/" not in k}
    assert "kdu.helm-chart" in rules(no_chart)
    doc = yaml.safe_load(content[top + "cims-vnfd_vnfd.yaml"])
    doc["vnfd"]["df"][0]["healing-aspect"] = [{"id": "h", "healing-policy": [
        {"vdu-id": "pcscf", "event-name": "e", "recovery-type": "automatic"}]}]
    healing = {**content, top + "cims-vnfd_vnfd.yaml": yaml.safe_dump(doc).encode()}
    assert "healing.vdu-id" in rules(healing)
