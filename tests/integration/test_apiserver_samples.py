"""Every object xfc writes for Kubernetes 1.20 is accepted by a real kube-apiserver 1.20.2.

For every sample, ``xfc compile --kube-version 1.20`` and what each bundle renders — the
Helm chart through ``helm template``, the Kustomize base through ``kubectl kustomize``, the
kpt package through ``kpt fn render`` (xfc as its KRM function) — are applied with
``kubectl apply --dry-run=server`` (kubectl 1.20, validating against the server's OpenAPI
schema, so an unknown field is an error) in a fresh namespace.  CustomResourceDefinitions
are applied for real first — the FailurePolicy CRD that xfc writes, and the PrometheusRule
and NetworkAttachmentDefinition CRDs of tests/support/crds — so that the server validates
the custom resources against them too.  Every object must be reported as accepted.

The server is the session fixture of tests/support/apiserver.py; without its binaries the
tests skip (fail under CI=true XFC_REQUIRE_TOOLS=1).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.apiserver import ApiServer, apiserver  # noqa: F401  (the fixture)
from tests.support.samples import entry, samples
from tests.support.validators import CRD_DIR, helm_template, kubectl_kustomize, require_tool

REPO = Path(__file__).resolve().parents[2]
KUBE = "1.20"
ACCEPTED = ("created (server dry run)", "configured (server dry run)", "unchanged (server dry run)")


def _xfc(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "compiler", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=600)


def _docs(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict) and "kind" in d]


def _files_docs(root: Path) -> list[dict]:
    out = []
    for p in sorted(root.rglob("*.yaml")):
        out += _docs(p.read_text())
    return out


def _split(docs: list[dict]) -> tuple[list[dict], list[dict]]:
    crds = [d for d in docs if d["kind"] == "CustomResourceDefinition"]
    return crds, [d for d in docs if d["kind"] != "CustomResourceDefinition"]


def _stream(docs: list[dict]) -> str:
    return yaml.safe_dump_all(docs, sort_keys=False)


def _install_crds(server: ApiServer, crds: list[dict]) -> None:
    """Create (or update) CRDs for real and wait until their APIs are served."""
    if not crds:
        return
    rc, out = server.apply(_stream(crds), dry_run=False)
    assert rc == 0, f"the API server refused a CRD:\n{out}"
    for crd in crds:
        server.wait_established(crd["metadata"]["name"])


@pytest.fixture(scope="module")
def server(apiserver: ApiServer) -> ApiServer:  # noqa: F811
    """The session's server with the third-party CRDs xfc's objects refer to."""
    crds = _files_docs(CRD_DIR)
    assert {c["metadata"]["name"] for c in crds} >= {"prometheusrules.monitoring.coreos.com"}
    _install_crds(apiserver, crds)
    return apiserver


def _accepted(server: ApiServer, docs: list[dict], where: str, namespace: str | None = None) -> None:
    """Dry-run every object on the server in a fresh namespace; every one must be accepted."""
    crds, objects = _split(docs)
    _install_crds(server, crds)
    assert objects, f"{where}: nothing to apply"
    ns = namespace or server.namespace("dry")
    rc, out = server.apply(_stream(objects), namespace=ns)
    lines = [ln for ln in out.splitlines() if ln.strip()]
    ok = [ln for ln in lines if ln.endswith(ACCEPTED)]
    assert rc == 0 and len(ok) == len(objects), (
        f"{where}: kube-apiserver 1.20 accepted {len(ok)} of {len(objects)} objects:\n{out}")


SAMPLES = [p for p in samples()]


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_compiled_objects_are_accepted(server: ApiServer, sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = _xfc("compile", str(entry(sample)), "--kube-version", KUBE, "-o", str(out), "-q",
             *(["--set", "dnn=internet"] if sample.name == "kpt-5g-slice" else []))
    assert r.returncode == 0, r.stdout + r.stderr
    docs = _files_docs(out)
    assert docs, f"{sample.name}: compile wrote no Kubernetes object"
    assert not any(d["apiVersion"] in ("policy/v1", "autoscaling/v2") for d in docs)
    _accepted(server, docs, f"xfc compile {sample.name}")


def _bundle(sample: Path, tmp_path: Path, fmt: str) -> Path:
    out = tmp_path / "bundle"
    r = _xfc("bundle", str(entry(sample)), "--kube-version", KUBE, "-f", fmt, "-o", str(out), "-q",
             *(["--set", "dnn=internet"] if sample.name == "kpt-5g-slice" else []))
    assert r.returncode == 0, r.stdout + r.stderr
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_helm_template_is_accepted(server: ApiServer, sample: Path, tmp_path: Path) -> None:
    require_tool("helm")
    out = _bundle(sample, tmp_path, "helm")
    [chart] = sorted((out / "helm").iterdir())
    crds = _files_docs(chart / "crds") if (chart / "crds").is_dir() else []
    _install_crds(server, crds)  # what `helm install` does before the templates
    ns = server.namespace("helm")
    rc, text = helm_template(chart, namespace=ns)
    assert rc == 0, text
    _accepted(server, _docs(text), f"helm template {sample.name}", namespace=ns)


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_kustomize_build_is_accepted(server: ApiServer, sample: Path, tmp_path: Path) -> None:
    require_tool("kubectl")
    out = _bundle(sample, tmp_path, "kustomize")
    bases = sorted((out / "kustomize").rglob("kustomization.yaml"))
    assert bases
    for k in bases:
        rc, text = kubectl_kustomize(k.parent)
        assert rc == 0, text
        _accepted(server, _docs(text), f"kustomize build {k.parent.relative_to(out)} ({sample.name})")


def _kpt() -> str:
    kpt = shutil.which("kpt")
    if kpt is None:
        msg = "kpt is not installed"
        if os.environ.get("CI") == "true" and os.environ.get("XFC_REQUIRE_TOOLS") == "1":
            pytest.fail(msg + " (required: CI=true and XFC_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip(msg)
    return kpt


def test_kpt_render_is_accepted(server: ApiServer, tmp_path: Path) -> None:
    kpt = _kpt()
    pkg = tmp_path / "kpt-5g-slice"
    shutil.copytree(REPO / "samples" / "kpt-5g-slice", pkg)
    kptfile = yaml.safe_load((pkg / "Kptfile").read_text())
    [step] = kptfile["pipeline"]["mutators"]
    step["configMap"]["kubeVersion"] = KUBE
    (pkg / "Kptfile").write_text(yaml.safe_dump(kptfile, sort_keys=False))
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "xfc").write_text(f"#!/bin/sh\nPYTHONPATH={REPO} exec {sys.executable} -m compiler \"$@\"\n")
    (bindir / "xfc").chmod(0o755)
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}", HOME=str(tmp_path))
    r = subprocess.run([kpt, "fn", "render", str(pkg), "--allow-exec"], capture_output=True,
                       text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    docs = []
    for p in sorted(pkg.rglob("*.yaml")):
        if p.relative_to(pkg).parts[0] == "tosca":
            continue  # the descriptor (.krmignore keeps it from kpt)
        for d in _docs(p.read_text()):
            ann = (d.get("metadata") or {}).get("annotations") or {}
            if d["kind"] != "Kptfile" and ann.get("config.kubernetes.io/local-config") != "true":
                docs.append(d)
    namespaces = [d for d in docs if d["kind"] == "Namespace"]
    assert namespaces, "the kpt sample declares its namespace"
    rc, out = server.apply(_stream(namespaces), dry_run=False)  # objects are placed in it
    assert rc == 0, out
    others = [d for d in docs if d["kind"] != "Namespace"]
    assert any(d["kind"] == "PodDisruptionBudget" and d["apiVersion"] == "policy/v1beta1" for d in others)
    target = namespaces[0]["metadata"]["name"]
    _accepted(server, others, "kpt fn render kpt-5g-slice", namespace=target)


def test_the_current_output_is_refused_by_1_20(server: ApiServer, tmp_path: Path) -> None:
    """Without --kube-version the slice's budgets, HPAs and StatefulSets are refused: the
    test above would catch a --kube-version that changed nothing."""
    out = tmp_path / "out"
    r = _xfc("compile", str(REPO / "samples" / "5g-core-slice" / "slice.yaml"), "-o", str(out), "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    crds, objects = _split(_files_docs(out))
    _install_crds(server, crds)
    ns = server.namespace("current")
    for kind, needle in (("PodDisruptionBudget", "policy/v1"),
                         ("HorizontalPodAutoscaler", "autoscaling/v2"),
                         ("StatefulSet", "persistentVolumeClaimRetentionPolicy")):
        docs = [d for d in objects if d["kind"] == kind]
        assert docs, kind
        rc, text = server.apply(_stream(docs), namespace=ns)
        assert rc != 0 and needle in text, f"{kind}: {text}"


def test_ns_per_vnf_namespaces_are_accepted(server: ApiServer, tmp_path: Path) -> None:
    """An NSD compiled with --ns-namespaces per-vnf (issue 26): the Namespace objects xfc
    writes are created for real, then every other object — each in the namespace it names
    (its VNF's, or the service's) — is accepted by the server, the operator's RoleBindings
    across namespaces included."""
    out = tmp_path / "out"
    svc = server.namespace("nsns")  # the service's own namespace (--namespace)
    r = _xfc("compile", str(REPO / "tests" / "fixtures" / "ns" / "nsd.yaml"), "--kube-version",
             KUBE, "--ns-namespaces", "per-vnf", "--namespace", svc, "-o", str(out), "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    docs = _files_docs(out)
    crds, objects = _split(docs)
    _install_crds(server, crds)
    spaces = [d for d in objects if d["kind"] == "Namespace"]
    assert sorted(d["metadata"]["name"] for d in spaces) == ["blog", "data", "shop"]
    rc, text = server.apply(_stream(spaces), dry_run=False)
    assert rc == 0, text
    rest = [d for d in objects if d["kind"] != "Namespace"]
    assert {d["metadata"]["namespace"] for d in rest} == {svc, "blog", "data", "shop"}
    rc, text = server.apply(_stream(rest))  # no -n: each object names its namespace
    lines = [ln for ln in text.splitlines() if ln.strip()]
    ok = [ln for ln in lines if ln.endswith(ACCEPTED)]
    assert rc == 0 and len(ok) == len(rest), (
        f"kube-apiserver 1.20 accepted {len(ok)} of {len(rest)} objects:\n{text}")
