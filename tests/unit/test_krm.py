"""xfc as a KRM function (compiler.krm, ``xfc krm``), in process and under the real kpt.

The kpt tests run ``kpt fn eval --exec`` and ``kpt fn render --allow-exec`` on a copy of
samples/kpt-5g-slice/ with an ``xfc`` on PATH that runs this worktree's compiler, and
compare the rendered objects with what ``xfc compile`` writes for the same descriptor.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compiler import krm
from compiler.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "kpt-5g-slice"
INTERNAL_PATH = "internal.config.kubernetes.io/path"


def _items(pkg: Path) -> list[dict]:
    """The package's KRM resources as kpt hands them to a function."""
    items = []
    for f in sorted(pkg.rglob("*")):
        rel = f.relative_to(pkg).as_posix()
        if f.is_dir() or rel.startswith(("tosca/", ".")) or not (f.suffix in (".yaml", ".yml") or f.name == "Kptfile"):
            continue
        for i, doc in enumerate(yaml.safe_load_all(f.read_text())):
            ann = doc.setdefault("metadata", {}).setdefault("annotations", {})
            ann.update({INTERNAL_PATH: rel, "config.kubernetes.io/path": rel,
                        "internal.config.kubernetes.io/index": str(i)})
            items.append(doc)
    return items


def _rl(items: list, data: dict) -> dict:
    return {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items,
            "functionConfig": {"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "fn"}, "data": data}}


@pytest.fixture()
def pkg(tmp_path: Path) -> Path:
    dest = tmp_path / "work" / "kpt-5g-slice"
    shutil.copytree(SAMPLE, dest)
    return dest


CFG = {"descriptor": "tosca/upf-slice.yaml", "namespace": "slice-embb", "inputs": "dnn: internet"}


def test_compiles_into_items_and_keeps_the_others(pkg: Path) -> None:
    before = _items(pkg)
    out = krm.run(_rl(before, CFG), cwd=pkg.parent.parent)  # found two levels down
    assert not out.failed, out.resource_list.get("results")
    items = out.resource_list["items"]
    assert items[: len(before)] == before  # existing items kept as they were
    new = items[len(before):]
    kinds = sorted({i["kind"] for i in new})
    assert {"Deployment", "StatefulSet", "Service", "FailurePolicy", "PrometheusRule"} <= set(kinds)
    for it in new:
        ann = it["metadata"]["annotations"]
        assert ann[INTERNAL_PATH] == ann["config.kubernetes.io/path"]
        assert ann[INTERNAL_PATH].startswith("compiled/upf-slice/")
        assert ann["xfactor.io/compiled-from"] == "tosca/upf-slice.yaml"
    # a second run replaces its own items instead of adding to them
    again = krm.run(_rl(items, CFG), cwd=pkg)
    assert again.resource_list["items"] == items


def test_errors_become_results_and_leave_items_alone(pkg: Path) -> None:
    src = pkg / "tosca" / "upf-slice.yaml"
    src.write_text(src.read_text().replace("kind: session_store", "kind: session_stor"))
    items = _items(pkg)
    out = krm.run(_rl(items, CFG), cwd=pkg)
    assert out.failed
    assert out.resource_list["items"] == items
    errors = [r for r in out.resource_list["results"] if r["severity"] == "error"]
    assert errors
    r = errors[0]
    assert r["file"] == {"path": "tosca/upf-slice.yaml", "index": 0}
    assert r["field"]["path"].startswith("topology_template.node_templates[\"session-store\"]")
    assert r["message"].startswith(f"[{r['tags']['code']}] ")
    assert "(at tosca/upf-slice.yaml:" in r["message"]


def test_an_import_leaving_the_package_is_an_error(pkg: Path) -> None:
    (pkg.parent / "outside.yaml").write_text("tosca_definitions_version: tosca_simple_yaml_1_3\n")
    src = pkg / "tosca" / "upf-slice.yaml"
    src.write_text(src.read_text().replace("  - xfactor/1.0/profile.yaml",
                                           "  - xfactor/1.0/profile.yaml\n  - ../../outside.yaml"))
    out = krm.run(_rl(_items(pkg), CFG), cwd=pkg)
    assert out.failed
    assert "import-outside-root" in [r.get("tags", {}).get("code") for r in out.resource_list["results"]]


def test_inline_descriptor_in_an_xfccompile_config() -> None:
    text = (SAMPLE / "tosca" / "upf-slice.yaml").read_text()
    rl = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [],
          "functionConfig": {"apiVersion": "xfactor.io/v1alpha1", "kind": "XfcCompile",
                             "metadata": {"name": "x"}, "inline": {"slice.yaml": text},
                             "inputs": {"dnn": "internet"}, "outputDir": "out",
                             "targets": ["kubernetes", "onap"]}}
    out = krm.run(rl)
    assert not out.failed, out.resource_list.get("results")
    paths = {i["metadata"]["annotations"][INTERNAL_PATH] for i in out.resource_list["items"]}
    assert "out/kubernetes/deployment-upf.yaml" in paths
    # ONAP's policy is not a KRM resource: an info result says so instead of an item
    infos = [r for r in out.resource_list.get("results", []) if r["severity"] == "info"]
    assert all("not" in r["message"] for r in infos)


@pytest.mark.parametrize("fc,needle", [
    (None, "no functionConfig"),
    ({"kind": "ConfigMap", "data": {}}, "exactly one of 'descriptor'"),
    ({"kind": "ConfigMap", "data": {"descriptor": "../x.yaml"}}, "inside the package"),
    ({"kind": "ConfigMap", "data": {"descriptor": "a.yaml", "colour": "x"}}, "unknown key 'colour'"),
    ({"kind": "Secret", "data": {}}, "not supported"),
    ({"kind": "ConfigMap", "data": {"descriptor": "a.yaml", "namespace": "Bad_NS"}}, "DNS-1123"),
])
def test_misconfiguration_is_one_error_result(pkg: Path, fc, needle: str) -> None:
    rl = _rl(_items(pkg), {})
    rl["functionConfig"] = fc
    if fc is None:
        del rl["functionConfig"]
    out = krm.run(rl, cwd=pkg)
    assert out.failed
    assert needle in out.resource_list["results"][0]["message"]


def test_cli_reads_stdin_and_exits_1_on_errors(monkeypatch) -> None:
    for text, code in (("{: not yaml", 1), ("kind: Pod\n", 1)):
        monkeypatch.setattr("sys.stdin", io.StringIO(text))
        out = io.StringIO()
        assert main(["krm"], out) == code
        doc = yaml.safe_load(out.getvalue())
        assert doc["kind"] == "ResourceList" and doc["results"][0]["severity"] == "error"


# ------------------------------------------------------------------ the real kpt


def _kpt() -> str:
    kpt = shutil.which("kpt")
    if kpt is None:
        msg = "kpt is not installed"
        if os.environ.get("CI") == "true" and os.environ.get("XFC_REQUIRE_TOOLS") == "1":
            pytest.fail(msg + " (required: CI=true and XFC_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip(msg)
    return kpt


@pytest.fixture()
def xfc_on_path(tmp_path: Path) -> dict:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "xfc"
    script.write_text(f"#!/bin/sh\nPYTHONPATH={REPO} exec {sys.executable} -m compiler \"$@\"\n")
    script.chmod(0o755)
    return dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}")


def _expected(tmp_path: Path, *, in_package: bool = True) -> dict[str, dict]:
    out = tmp_path / "expected"
    # A descriptor read from the kpt package is compiled confined to the package (its
    # root), so source annotations are relative to it (tosca/upf-slice.yaml:LINE); one
    # read from a ConfigMap source is a package of its own files (upf-slice.yaml:LINE).
    root = ["--root", str(SAMPLE)] if in_package else []
    assert main(["compile", str(SAMPLE / "tosca" / "upf-slice.yaml"), "-o", str(out), *root,
                 "--namespace", "slice-embb", "--set", "dnn=internet", "-q"],
                io.StringIO()) == 0
    return {p.relative_to(out).as_posix(): yaml.safe_load(p.read_text())
            for p in out.rglob("*.yaml")}


def _strip(doc: dict) -> dict:
    doc = dict(doc, metadata=dict(doc["metadata"]))
    ann = {k: v for k, v in doc["metadata"].get("annotations", {}).items()
           if k != "xfactor.io/compiled-from"}
    doc["metadata"]["annotations"] = ann
    if not ann:
        del doc["metadata"]["annotations"]
    return doc


def _check_rendered(pkg: Path, prefix: str, tmp_path: Path) -> None:
    expected = _expected(tmp_path)
    got = {p.relative_to(pkg / prefix).as_posix(): yaml.safe_load(p.read_text())
           for p in (pkg / prefix).rglob("*.yaml")}
    assert sorted(got) == sorted(expected)
    for name, doc in got.items():
        assert _strip(doc) == expected[name], name
    assert (pkg / "base" / "namespace.yaml").read_text() == (SAMPLE / "base" / "namespace.yaml").read_text()
    assert (pkg / "tosca" / "upf-slice.yaml").read_bytes() == (SAMPLE / "tosca" / "upf-slice.yaml").read_bytes()


def test_kpt_fn_render_runs_the_pipeline(pkg: Path, xfc_on_path: dict, tmp_path: Path) -> None:
    kpt = _kpt()
    proc = subprocess.run([kpt, "fn", "render", str(pkg), "--allow-exec"], env=xfc_on_path,
                          cwd=pkg.parent, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _check_rendered(pkg, "compiled/upf-slice", tmp_path)
    snapshot = {p: p.read_bytes() for p in pkg.rglob("*") if p.is_file()}
    proc = subprocess.run([kpt, "fn", "render", str(pkg), "--allow-exec"], env=xfc_on_path,
                          cwd=pkg.parent, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {p: p.read_bytes() for p in pkg.rglob("*") if p.is_file()} == snapshot  # idempotent


def test_kpt_fn_eval_exec(pkg: Path, xfc_on_path: dict, tmp_path: Path) -> None:
    kpt = _kpt()
    proc = subprocess.run(
        [kpt, "fn", "eval", str(pkg), "--exec", "xfc krm", "--", "descriptor=tosca/upf-slice.yaml",
         "namespace=slice-embb", "inputs=dnn: internet", "outputDir=rendered"],
        env=xfc_on_path, cwd=pkg.parent, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _check_rendered(pkg, "rendered", tmp_path)


def test_kpt_shows_the_diagnostics_and_fails(pkg: Path, xfc_on_path: dict, tmp_path: Path) -> None:
    kpt = _kpt()
    src = pkg / "tosca" / "upf-slice.yaml"
    src.write_text(src.read_text().replace("image: registry.example.net/5gc/upf:2.1.0", "imagex: 1"))
    results = tmp_path / "results"
    proc = subprocess.run([kpt, "fn", "render", str(pkg), "--allow-exec", "--results-dir", str(results)],
                          env=xfc_on_path, cwd=pkg.parent, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "[tosca-unknown-property]" in proc.stdout + proc.stderr
    doc = yaml.safe_load((results / "results.yaml").read_text())
    res = doc["items"][0]["results"]
    assert {"tosca-unknown-property", "tosca-missing-property"} <= {r["tags"]["code"] for r in res}
    assert not (pkg / "compiled").exists()


def _source_configmap(pkg: Path) -> None:
    """Carry the descriptor as a local-config ConfigMap item instead of a file on disk."""
    text = (pkg / "tosca" / "upf-slice.yaml").read_text()
    cm = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": "upf-slice-descriptor",
                       "annotations": {"config.kubernetes.io/local-config": "true"}},
          "data": {"upf-slice.yaml": text}}
    (pkg / "descriptor.yaml").write_text(yaml.safe_dump(cm, sort_keys=False))
    shutil.rmtree(pkg / "tosca")


def test_descriptor_from_a_configmap_item(pkg: Path, tmp_path: Path) -> None:
    _source_configmap(pkg)
    items = _items(pkg)
    cfg = {"source": "upf-slice-descriptor", "namespace": "slice-embb", "inputs": "dnn: internet"}
    out = krm.run(_rl(items, cfg), cwd=tmp_path / "nowhere")  # no disk needed
    assert not out.failed, out.resource_list.get("results")
    new = out.resource_list["items"][len(items):]
    assert {i["metadata"]["annotations"]["xfactor.io/compiled-from"] for i in new} == {
        "configmap:upf-slice-descriptor/upf-slice.yaml"}
    # a diagnostic in it is reported at the ConfigMap item, the data key in the message
    cm = yaml.safe_load((pkg / "descriptor.yaml").read_text())
    cm["data"]["upf-slice.yaml"] = cm["data"]["upf-slice.yaml"].replace("image: registry.example.net/5gc/upf:2.1.0", "imagex: 1")
    (pkg / "descriptor.yaml").write_text(yaml.safe_dump(cm, sort_keys=False))
    out = krm.run(_rl(_items(pkg), cfg))
    assert out.failed
    err = [r for r in out.resource_list["results"] if r["severity"] == "error"][0]
    assert err["file"] == {"path": "descriptor.yaml", "index": 0}
    assert "(at upf-slice.yaml:" in err["message"]
    out = krm.run(_rl(_items(pkg), dict(cfg, source="nope")))
    assert out.failed and "no ConfigMap of that name" in out.resource_list["results"][0]["message"]


def test_kpt_fn_render_with_a_configmap_source(pkg: Path, xfc_on_path: dict, tmp_path: Path) -> None:
    kpt = _kpt()
    _source_configmap(pkg)
    kptfile = yaml.safe_load((pkg / "Kptfile").read_text())
    kptfile["pipeline"]["mutators"][0]["configMap"] = {
        "source": "upf-slice-descriptor", "namespace": "slice-embb", "inputs": "dnn: internet"}
    (pkg / "Kptfile").write_text(yaml.safe_dump(kptfile, sort_keys=False))
    # run from elsewhere: the function needs no disk access to the package
    proc = subprocess.run([kpt, "fn", "render", str(pkg), "--allow-exec"], env=xfc_on_path,
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    expected = _expected(tmp_path, in_package=False)
    got = {p.relative_to(pkg / "compiled" / "upf-slice").as_posix(): yaml.safe_load(p.read_text())
           for p in (pkg / "compiled" / "upf-slice").rglob("*.yaml")}
    assert sorted(got) == sorted(expected)
    for name, doc in got.items():
        assert _strip(doc) == expected[name], name
