"""What `xfc compile` writes to run the operator (compiler/emitters/operator.py), and the
packages that carry it or leave it out."""

from __future__ import annotations

import io
import tarfile
import zipfile

import yaml

import compiler
from compiler.bundlers import Settings
from compiler.emitters import operator as emitter
from compiler.pipeline import Options
from tests.unit.bundle_support import run_bundler

SLICE = "samples/5g-core-slice/slice.yaml"


def _files(**opts):
    unit = compiler.compile(SLICE, Options(**opts))
    assert unit.ok, unit.diagnostics.render_text()
    return unit, {f.path: f.content for f in unit.outputs}


def test_compile_writes_operator_beside_kubernetes_and_policies():
    _, files = _files(namespace="core")
    ops = sorted(p for p in files if p.startswith("operator/"))
    assert ops == ["operator/deployment.yaml", "operator/role.yaml", "operator/rolebinding.yaml",
                   "operator/serviceaccount.yaml"]
    dep = yaml.safe_load(files["operator/deployment.yaml"])
    pod = dep["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    assert c["args"] == ["operator", "--namespace", "$(POD_NAMESPACE)"]
    assert {e["name"]: e["valueFrom"]["fieldRef"]["fieldPath"] for e in c["env"]} == \
        {"POD_NAMESPACE": "metadata.namespace", "POD_NAME": "metadata.name"}
    assert c["image"] == emitter.DEFAULT_IMAGE == f"xfc:{compiler.__version__}"
    assert pod["serviceAccountName"] == "xfc-operator"
    for p in ops:
        assert yaml.safe_load(files[p])["metadata"]["namespace"] == "core"


def test_no_operator_and_operator_image():
    _, files = _files(operator=False)
    assert not [p for p in files if p.startswith("operator/")]
    assert "policies/failurepolicy.yaml" in files
    _, files = _files(operator_image="registry.example.net/xfc:1.2.3")
    dep = yaml.safe_load(files["operator/deployment.yaml"])
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == \
        "registry.example.net/xfc:1.2.3"


def test_no_failure_policy_no_operator():
    unit = compiler.compile("samples/oam-console", Options())
    paths = [f.path for f in unit.outputs]
    if any(p.startswith("policies/failurepolicy") for p in paths):
        assert any(p.startswith("operator/") for p in paths)
    else:
        assert not any(p.startswith("operator/") for p in paths)


def test_orchestrator_packages_leave_the_operator_out(tmp_path):
    unit, _ = _files()
    for fmt, settings in (("csar", Settings(target="tacker")), ("csar", Settings(target="onap")),
                          ("onap-helm", Settings()), ("osm", Settings())):
        out = run_bundler(fmt, unit, settings)
        names = []
        for f in out:
            if f.path.endswith((".csar", ".zip")):
                with zipfile.ZipFile(io.BytesIO(f.content)) as z:
                    for n in z.namelist():
                        names.append(n)
                        if n.endswith(".tgz"):
                            with tarfile.open(fileobj=io.BytesIO(z.read(n))) as t:
                                names += t.getnames()
            elif f.path.endswith(".tar.gz"):
                with tarfile.open(fileobj=io.BytesIO(f.content)) as t:
                    names += t.getnames()
            else:
                names.append(f.path)
        assert names, fmt
        assert not [n for n in names if "operator" in n.rsplit("/", 1)[-1]], (fmt, names)
    # while the Helm chart carries it, behind operator.enabled
    helm = run_bundler("helm", unit)
    tmpl = {f.path.rsplit("/", 1)[-1]: f.content.decode() for f in helm}
    assert tmpl["operator-role.yaml"].startswith("{{- if .Values.operator.enabled }}\n")
    values = yaml.safe_load(tmpl["values.yaml"])
    assert values["operator"] == {"enabled": True, "image": emitter.DEFAULT_IMAGE}


def test_helm_operator_enabled_false_leaves_it_out(tmp_path):
    """`helm template` with operator.enabled=false renders every compiled object but the
    operator's; the default renders them all (test_bundle_helm checks the equality)."""
    from tests.support.validators import _helm_run, require_tool
    from tests.unit.bundle_support import bundle, expected, rendered

    require_tool("helm")
    unit, files = bundle(SLICE, "helm", tmp_path / "out")
    (chart,) = {f.path.split("/")[1] for f in files}
    path = str(tmp_path / "out" / "helm" / chart)
    rc, out = _helm_run(["template", "rel", path, "--set", "operator.enabled=false"])
    assert rc == 0, out
    got = rendered(out)
    assert sorted(got) == sorted(k for k in expected(unit, operator=False)
                                 if k[1] != "CustomResourceDefinition")
    rc, out = _helm_run(["template", "rel", path, "--set", "operator.image=r.example/xfc:2"])
    assert rc == 0, out
    dep = rendered(out)[("apps/v1", "Deployment", "xfc-operator")]
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "r.example/xfc:2"
