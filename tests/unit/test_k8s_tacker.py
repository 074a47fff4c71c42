"""Tacker CNF packages: shipped Files/kubernetes objects are matched to VDUs and enriched."""

from __future__ import annotations

import yaml

from compiler.emitters.kubernetes import EMITTER
from compiler.diagnostics import Diagnostics
from compiler.loader.fs import DirFS
from compiler.loader.shipped import read_shipped
from compiler.loader.yamlpos import DEFAULT_LIMITS
from compiler.loader.package import Package
from compiler.model.xfactor import Process
from tests.support.validators import validate_object
from tests.unit.k8s_fixtures import node, unit

HEAL = "tacker/samples/tests/etc/samples/etsi/nfv/test_cnf_heal"


def _package(root):
    # the shipped manifests as the loader reads them (compiler.loader.shipped)
    fs = DirFS(root)
    shipped = read_shipped(fs, (), Diagnostics(), DEFAULT_LIMITS)
    return Package(root=str(root), entry="Definitions/x.yaml", files=(), fs=fs, kind="dir",
                   shipped=shipped)


def _vdu(name, vname, line, lo=1, hi=1):
    return node(name, "tosca.nodes.nfv.Vdu.Compute", line, {
        "name": vname, "description": "kubernetes resource",
        "vdu_profile": {"min_number_of_instances": lo, "max_number_of_instances": hi}})


def test_shipped_objects_are_enriched(corpus):
    u = unit([_vdu("VDU1", "vdu1-heal-complex", 40, 2, 3), _vdu("VDU2", "vdu2-heal", 50)],
             processes={"VDU1": Process(node="VDU1", graceful_shutdown=20.0)},
             package=_package(corpus / HEAL), namespace="tenant")
    files = EMITTER.emit(u, u.diagnostics)
    objs = {f.path: yaml.safe_load(f.content) for f in files}
    for path, obj in objs.items():
        assert validate_object(obj) == [], path
    # only the complex flavour's objects: vdu1-heal-simple belongs to the other flavour
    assert sorted(objs) == [
        "kubernetes/deployment-vdu1-heal-complex.yaml",
        "kubernetes/pod-vdu2-heal.yaml",
        "kubernetes/poddisruptionbudget-vdu1-heal-complex.yaml",
    ]
    dep = objs["kubernetes/deployment-vdu1-heal-complex.yaml"]
    ann = dep["metadata"]["annotations"]
    assert ann["xfactor.io/source"] == "Files/kubernetes/deployment_heal_complex.yaml:1"
    assert ann["xfactor.io/template"] == "VDU1"
    assert ann["xfactor.io/origin"] == "shipped"
    assert dep["metadata"]["namespace"] == "tenant"
    assert dep["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "xfc"
    assert dep["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 20
    # the shipped selector and container stay as written
    assert dep["spec"]["selector"] == {"matchLabels": {"app": "webserver"}}
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx"
    pdb = objs["kubernetes/poddisruptionbudget-vdu1-heal-complex.yaml"]
    assert pdb["spec"]["selector"] == dep["spec"]["selector"]
    codes = sorted({d.code for d in u.diagnostics})
    assert codes == ["k8s-insecure", "k8s-latest-tag"]


def test_vdu_without_its_object_is_an_error(corpus):
    u = unit([_vdu("VDU1", "no-such-object", 40)], package=_package(corpus / HEAL))
    EMITTER.emit(u, u.diagnostics)
    errs = [(d.code, d.span.line) for d in u.diagnostics.errors()]
    assert errs == [("k8s-object-missing", 42)]  # the span of properties.name


def test_tacker_namespaced_kinds_are_one_list() -> None:
    """The emitter's one-namespace rule and --verify's offline Tacker rule read the same
    list of Tacker's namespaced kinds (kept in two modules: bundlers import no emitter)."""
    from compiler.bundlers.gates import TACKER_NAMESPACED as verify_kinds
    from compiler.emitters.kubernetes.tacker_namespace import TACKER_NAMESPACED as emit_kinds

    assert emit_kinds == verify_kinds


def test_one_namespace_rule_takes_any_yaml_in_a_shipped_namespace(tmp_path) -> None:
    """A shipped manifest may write anything under metadata.namespace: the Tacker
    namespace rule compares it as written and never raises (bad input never crashes)."""
    import shutil
    from pathlib import Path

    import compiler

    case = Path(__file__).resolve().parents[1] / "diagnostics" / "k8s-namespace-not-uniform" / "fail"
    pkg = tmp_path / "pkg"
    shutil.copytree(case, pkg)
    for value in ("[edge, core]", "{a: 1}", "7"):
        b = pkg / "Files" / "kubernetes" / "b.yaml"
        b.write_text(b.read_text().replace("namespace: edge", f"namespace: {value}")
                     if "namespace: edge" in b.read_text() else
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tuning\n"
                     f"  namespace: {value}\ndata:\n  level: high\n")
        unit = compiler.compile(str(pkg), targets=("tacker",))  # raises nothing
        assert unit.diagnostics.errors(), value  # never silently accepted
