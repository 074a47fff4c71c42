"""``xfc serve``'s /v1/bundle for a network service: an NS package uploaded as a zip,
bundled in both ``ns-layout`` forms (issue 26, item 4), each the files ``xfc bundle
--ns-layout`` writes, byte for byte."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.unit.test_serve import REPO, _tree, cli, client  # noqa: F401 - the fixture

NS_DIR = REPO / "samples" / "5g-core-slice-ns"
VNFS = ("cp", "sd", "up")  # the NSD's VNF nodes: a subchart each


def _ns_zip() -> bytes:
    """The NS sample as an uploaded package: the NSD and the VNFDs it imports."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in sorted(NS_DIR.rglob("*.yaml")):
            z.writestr(zipfile.ZipInfo(p.relative_to(NS_DIR).as_posix()), p.read_bytes())
    return buf.getvalue()


@pytest.mark.parametrize("layout", ["subcharts", "flat"])
def test_bundle_ns_layout_over_http_is_the_cli_bundle(client, tmp_path: Path,  # noqa: F811
                                                      layout: str) -> None:
    body = _ns_zip()
    r = client.post(f"/v1/bundle?name=ns.zip&format=helm&ns-layout={layout}", content=body)
    assert r.status_code == 200, r.text
    got = {n: z.read(n) for z in [zipfile.ZipFile(io.BytesIO(r.content))] for n in z.namelist()}
    code, out, _ = cli(tmp_path, "ns.zip", body, ["bundle", "--diagnostics-format", "json",
                                                 "-f", "helm", "--ns-layout", layout,
                                                 "-o", "out"])
    assert code == 0
    assert got.pop("diagnostics.json").decode() == out
    assert got == _tree(sorted(tmp_path.iterdir())[-1] / "out")
    charts = sorted(n for n in got if n.endswith("/Chart.yaml"))
    root = "helm/5g-core-slice-ns/"
    if layout == "subcharts":  # a parent chart and one subchart per VNF
        assert charts == [root + "Chart.yaml"] + [f"{root}charts/{v}/Chart.yaml" for v in VNFS]
    else:  # one chart holding every VNF's objects
        assert charts == [root + "Chart.yaml"]
        assert {f"{root}templates/deployment-{w}.yaml" for w in ("cp-amf", "up-upf")} <= set(got)


def test_bundle_ns_layout_refuses_a_layout_it_does_not_know(client) -> None:  # noqa: F811
    r = client.post("/v1/bundle?name=ns.zip&format=helm&ns-layout=deep", content=_ns_zip())
    assert r.status_code == 400 and "ns-layout" in r.text
