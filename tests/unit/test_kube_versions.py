"""``--kube-version``: the API versions and fields written for a Kubernetes release.

compiler/kubeversions.py holds the tables; these tests check them, the option on every
face (CLI compile/check/bundle, library, HTTP service, KRM function), that the default
output is the current one, and that docs/kubernetes-versions.md shows the same tables.
tests/integration/test_apiserver_samples.py proves the 1.20 output against a real server.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml

import compiler
from compiler import kubeversions
from compiler.cli import main
from compiler.errors import OptionsError
from compiler.pipeline import Options

REPO = Path(__file__).resolve().parents[2]
SLICE = REPO / "samples" / "5g-core-slice" / "slice.yaml"
DOC = REPO / "docs" / "kubernetes-versions.md"


def _objects(version: str | None, path: Path = SLICE) -> list[dict]:
    result = compiler.compile(str(path), Options(kube_version=version))
    assert result.ok, result.diagnostics.render_text()
    return [yaml.safe_load(f.content) for f in result.outputs if f.path.startswith("kubernetes/")]


def _by_kind(objs: list[dict], kind: str) -> list[dict]:
    return [o for o in objs if o["kind"] == kind]


@pytest.mark.parametrize("text, parsed", [
    ("1.20", (1, 20)), ("v1.20", (1, 20)), ("1.20.2", (1, 20)), (" 1.33 ", (1, 33)),
    ("1", None), ("1.x", None), ("", None), ("1.20.2.1", None), ("1.20-rc", None),
])
def test_parse(text: str, parsed) -> None:
    assert kubeversions.parse(text) == parsed


@pytest.mark.parametrize("text, needle", [
    ("1.19", "older than Kubernetes 1.20"), ("0.99", "older than"),
    ("latest", "is not a Kubernetes version"), ("1.2O", "is not a Kubernetes version"),
])
def test_problem(text: str, needle: str) -> None:
    assert needle in kubeversions.problem(text)


def test_tables() -> None:
    assert kubeversions.api_version("PodDisruptionBudget", (1, 20)) == "policy/v1beta1"
    assert kubeversions.api_version("PodDisruptionBudget", (1, 21)) == "policy/v1"
    assert kubeversions.api_version("HorizontalPodAutoscaler", (1, 22)) == "autoscaling/v2beta2"
    assert kubeversions.api_version("HorizontalPodAutoscaler", (1, 23)) == "autoscaling/v2"
    assert kubeversions.api_version("HorizontalPodAutoscaler", None) == "autoscaling/v2"
    for f in kubeversions.FIELDS:
        assert not kubeversions.serves(f, (1, 26)) and kubeversions.serves(f, (1, 27))
        assert kubeversions.serves(f, None)


def test_1_20_objects() -> None:
    objs = _objects("1.20")
    pdbs, hpas, sets = (_by_kind(objs, k) for k in
                        ("PodDisruptionBudget", "HorizontalPodAutoscaler", "StatefulSet"))
    assert pdbs and hpas and sets
    assert {o["apiVersion"] for o in pdbs} == {"policy/v1beta1"}
    assert {o["apiVersion"] for o in hpas} == {"autoscaling/v2beta2"}
    assert all("unhealthyPodEvictionPolicy" not in o["spec"] for o in pdbs)
    assert all("persistentVolumeClaimRetentionPolicy" not in o["spec"] for o in sets)
    # what stays: the HPA's behavior (v2beta2 has it since 1.18), the PDB's budget
    assert all(o["spec"]["maxUnavailable"] == 1 for o in pdbs)
    assert all(o["spec"]["metrics"] for o in hpas)


def test_between_releases() -> None:
    objs = _objects("1.22")
    assert {o["apiVersion"] for o in _by_kind(objs, "PodDisruptionBudget")} == {"policy/v1"}
    assert {o["apiVersion"] for o in _by_kind(objs, "HorizontalPodAutoscaler")} == {"autoscaling/v2beta2"}
    objs = _objects("1.27")
    assert {o["apiVersion"] for o in _by_kind(objs, "HorizontalPodAutoscaler")} == {"autoscaling/v2"}
    assert all("persistentVolumeClaimRetentionPolicy" in o["spec"] for o in _by_kind(objs, "StatefulSet"))
    assert all("unhealthyPodEvictionPolicy" in o["spec"] for o in _by_kind(objs, "PodDisruptionBudget"))


def test_default_is_the_current_release() -> None:
    default = compiler.compile(str(SLICE), Options())
    future = compiler.compile(str(SLICE), Options(kube_version="1.99"))
    assert [(f.path, f.content) for f in default.outputs] == [(f.path, f.content) for f in future.outputs]
    objs = _objects(None)
    assert {o["apiVersion"] for o in _by_kind(objs, "PodDisruptionBudget")} == {"policy/v1"}


def test_library_refuses_an_old_release() -> None:
    with pytest.raises(OptionsError, match=r"Options.kube_version '1.19' is older"):
        compiler.compile(str(SLICE), Options(kube_version="1.19"))


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        code = main(list(argv), out)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("verb", ["compile", "check", "bundle"])
def test_cli_refuses_a_bad_version(verb: str, tmp_path: Path) -> None:
    extra = {"compile": ["--stdout"], "check": [], "bundle": ["-f", "helm", "-o", str(tmp_path / "b")]}[verb]
    code, _, err = _cli(verb, str(SLICE), "--kube-version", "1.19", *extra)
    assert code == 2 and "--kube-version '1.19' is older than Kubernetes 1.20" in err
    code, _, err = _cli(verb, str(SLICE), "--kube-version", "one", *extra)
    assert code == 2 and "is not a Kubernetes version" in err


def test_cli_compile_and_bundle(tmp_path: Path) -> None:
    code, out, _ = _cli("compile", str(SLICE), "--kube-version", "1.20", "--stdout", "-q")
    assert code == 0 and "policy/v1beta1" in out and "autoscaling/v2beta2" in out
    assert "policy/v1\n" not in out
    code, _, _ = _cli("bundle", str(SLICE), "--kube-version", "v1.20.2", "-f", "helm", "-f",
                      "kustomize", "-o", str(tmp_path / "b"), "-q")
    assert code == 0
    text = "".join(p.read_text() for p in (tmp_path / "b").rglob("*.yaml"))
    assert "policy/v1beta1" in text and "autoscaling/v2beta2" in text
    assert not re.search(r"apiVersion: \"?(policy/v1|autoscaling/v2)\"?\n", text)


def test_service_passes_it_on() -> None:
    pytest.importorskip("starlette", reason="the 'serve' extra is not installed")
    from starlette.testclient import TestClient

    from compiler.service import Settings, create_app
    from compiler.service.worker import Limits

    with TestClient(create_app(Settings(workers=1, limits=Limits(seconds=60)))) as client:
        r = client.post("/v1/compile?name=slice.yaml&output=yaml&kube-version=1.20",
                        content=SLICE.read_bytes())
        assert r.status_code == 200, r.text
        assert "policy/v1beta1" in r.text
        r = client.post("/v1/compile?name=slice.yaml&kube-version=1.19", content=SLICE.read_bytes())
        assert r.status_code == 400 and "older than" in r.text
        spec = client.get("/openapi.json").json()
        params = spec["paths"]["/v1/bundle"]["post"]["parameters"]
        assert "kube-version" in {p["name"] for p in params}


def test_krm_function_config(tmp_path: Path) -> None:
    from compiler import krm

    text = (REPO / "samples" / "kpt-5g-slice" / "tosca" / "upf-slice.yaml").read_text()
    fc = {"apiVersion": "xfactor.io/v1alpha1", "kind": "XfcCompile", "metadata": {"name": "fn"},
          "inline": {"upf-slice.yaml": text}, "inputs": {"dnn": "internet"}, "kubeVersion": "1.20"}
    rl = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [],
          "functionConfig": fc}
    out = krm.run(rl, cwd=tmp_path)
    assert not out.failed, out.resource_list.get("results")
    kinds = {(i["kind"], i["apiVersion"]) for i in out.resource_list["items"]}
    assert ("PodDisruptionBudget", "policy/v1beta1") in kinds
    fc["kubeVersion"] = 1.2  # an unquoted 1.20 in YAML
    out = krm.run(rl, cwd=tmp_path)
    assert out.failed and "kubeVersion must be a string" in str(out.resource_list["results"])
    fc["kubeVersion"] = "1.19"
    out = krm.run(rl, cwd=tmp_path)
    assert out.failed and "older than" in str(out.resource_list["results"])


def _doc_rows() -> list[list[str]]:
    rows = []
    for line in DOC.read_text().splitlines():
        if line.startswith("| ") and not line.startswith("| ---") and not line.startswith("|---"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def _minor(text: str) -> tuple[int, int]:
    m = re.match(r"1\.(\d+)", text)
    assert m, text
    return (1, int(m.group(1)))


def test_docs_show_the_tables() -> None:
    rows = _doc_rows()
    api_rows = [r for r in rows if len(r) == 3 and r[0] in kubeversions.API_VERSIONS]
    shown: dict[str, list[tuple[tuple[int, int], str]]] = {}
    for kind, api, releases in api_rows:
        shown.setdefault(kind, []).append((_minor(releases), api.strip("`")))
    for kind, table in kubeversions.API_VERSIONS.items():
        want = [(max(since, kubeversions.MINIMUM), api) for since, api in table]
        assert sorted(shown[kind], reverse=True) == want, kind
    field_rows = {r[0].split("`")[1]: _minor(r[1]) for r in rows
                  if len(r) == 3 and r[0].startswith("`") and "." in r[0].split("`")[1]}
    assert field_rows == kubeversions.FIELDS
    assert f"oldest release accepted is **{kubeversions.MINIMUM[0]}.{kubeversions.MINIMUM[1]}**" in DOC.read_text()
