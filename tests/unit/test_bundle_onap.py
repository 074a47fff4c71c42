"""The ONAP native Helm package: a .zip with MANIFEST.json and the chart, which helm reads."""

from __future__ import annotations

import json
import tarfile
import zipfile

from compiler.bundlers.gates import sdc_helm_package
from tests.support.validators import _helm_run, require_tool
from tests.unit.bundle_support import assert_same_objects, bundle, expected, rendered


def test_zip_manifest_and_chart(tmp_path):
    require_tool("helm")
    unit, files = bundle("samples/5g-core-slice/slice.yaml", "onap-helm", tmp_path)
    (f,) = files
    assert f.path == "5g-core-slice-helm.zip"  # SDC takes this route only for a .zip
    with zipfile.ZipFile(tmp_path / f.path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members["MANIFEST.json"])
    assert manifest["name"] == "5g-core-slice"
    assert manifest["data"] == [{"file": "5g-core-slice-1.0.0.tgz", "type": "HELM", "isBase": "true"}]
    assert sdc_helm_package(members, f.path) == []
    tgz = tmp_path / "chart.tgz"
    tgz.write_bytes(members["5g-core-slice-1.0.0.tgz"])
    with tarfile.open(tgz) as tf:
        assert {n.split("/")[0] for n in tf.getnames()} == {"5g-core-slice"}
    # SDC's Helm validator renders and lints each chart: the real helm does both here
    rc, out = _helm_run(["lint", "--strict", str(tgz)])
    assert rc == 0, out
    rc, out = _helm_run(["template", "rel", str(tgz), "--include-crds"])
    assert rc == 0, out
    assert_same_objects(rendered(out), expected(unit, operator=False))  # ONAP acts on its own policies
