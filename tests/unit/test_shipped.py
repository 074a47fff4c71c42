"""Shipped manifests (Files/kubernetes, YAML artifacts): read once by the loader, under its
limits, carried in the IR; Tacker's file selection; duplicate objects and budgets."""

from __future__ import annotations

import collections
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import compiler
from compiler.diagnostics import Diagnostics
from compiler.emitters.kubernetes.tacker import selectors_overlap, selects
from compiler.loader.fs import DirFS
from compiler.loader.shipped import read_shipped
from compiler.loader.yamlpos import DEFAULT_LIMITS
from compiler.pipeline import Options, back_end, front_end
from compiler.resolve.flavours import flavour_ids

REPO = Path(__file__).resolve().parents[2]
BOMB = REPO / "tests/diagnostics/yaml-alias-limit/fail-shipped"
DUPS = REPO / "tests/diagnostics/k8s-duplicate-object/fail"
MAIN = ("tosca_definitions_version: tosca_simple_yaml_1_3\n"
        "topology_template:\n  node_templates:\n    app:\n      type: tosca.nodes.Root\n")


@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
@pytest.mark.parametrize("command", ["check", "compile"])
def test_alias_bomb_in_a_shipped_manifest_is_refused_fast(command, tmp_path):
    """The 500-byte package of issue 11: compile used to hang while check passed."""
    size = sum(p.stat().st_size for p in BOMB.rglob("*") if p.is_file())
    assert size < 600
    args = [sys.executable, "-m", "compiler", command, str(BOMB)]
    if command == "compile":
        args += ["-o", str(tmp_path / "out")]
    # CPU time of the child, not wall time: the machine running the suite may be loaded;
    # the hang this pins spent minutes of CPU
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert cpu < 2.0 and elapsed < 20, (cpu, elapsed)
    out = proc.stdout + proc.stderr
    assert "Files/kubernetes/cm.yaml:10:13: error[yaml-alias-limit]" in out, out
    assert not (tmp_path / "out").exists()


def _csar(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in {"TOSCA-Metadata/TOSCA.meta": "TOSCA-Meta-File-Version: 1.0\n"
                       "CSAR-Version: 1.1\nCreated-By: t\nEntry-Definitions: main.yaml\n",
                       "main.yaml": MAIN, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_back_end_never_opens_a_file(tmp_path, monkeypatch):
    root = _csar(tmp_path, {"Files/kubernetes/cm.yaml":
                            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n"})
    unit = front_end(str(root), Options())
    assert unit.ok, unit.diagnostics.render_text()
    [shipped] = unit.topology.shipped
    assert shipped.name == "Files/kubernetes/cm.yaml" and shipped.kubernetes

    def refuse(*a, **k):
        raise AssertionError("a back end opened a package file")

    monkeypatch.setattr(DirFS, "read_bytes", refuse)
    monkeypatch.setattr(DirFS, "names", refuse)
    back_end(unit)
    assert [f.path for f in unit.outputs if f.path.startswith("kubernetes/")] == [
        "kubernetes/configmap-cm.yaml"]


def test_manifests_are_multi_document_yaml_11_frozen_and_positioned(tmp_path):
    root = _csar(tmp_path, {"Files/kubernetes/x.yaml":
                            "kind: A\nmode: 0644\nflag: yes\n---\n# c\nkind: B\nlist: [1, 2]\n",
                            "Files/kubernetes/chart/Chart.yaml": "name: {{ .x }}\n",
                            "Files/kubernetes/chart/templates/d.yaml": "a: {{ .Values.x }}\n"})
    shipped = read_shipped(DirFS(root), (), Diagnostics(), DEFAULT_LIMITS)
    [f] = shipped  # the Helm chart's Go templates are not YAML and are not read
    a, b = f.documents
    # as Kubernetes (go-yaml, YAML 1.1) reads a manifest: octal modes, yes/no booleans
    assert a == {"kind": "A", "mode": 420, "flag": True}
    assert (b.span.line, b.value_span("list").line, b["list"].item_span(1).column) == (6, 7, 11)
    with pytest.raises(TypeError):
        b["kind"] = "C"
    with pytest.raises(TypeError):
        b["list"].append(3)


def test_a_yaml_artifact_is_read_by_the_loader(tmp_path):
    main = MAIN + "      artifacts:\n        svc: {file: k8s/svc.yaml, type: tosca.artifacts.File}\n"
    root = _csar(tmp_path, {"main.yaml": main, "k8s/svc.yaml": "kind: Service\n"})
    loaded = compiler.load(str(root))
    assert [(f.name, f.artifact_of, f.kubernetes) for f in loaded.package.shipped] == [
        ("k8s/svc.yaml", ("app",), False)]
    (root / "k8s/svc.yaml").write_text("kind: Service\nspec: [\n")
    result = compiler.check(str(root))
    assert [(d.code, d.span.file.endswith("k8s/svc.yaml")) for d in result.diagnostics.errors()] \
        == [("yaml-syntax", True)]


def _kube_paths(result) -> list[str]:
    return sorted(f.path for f in result.outputs if f.path.startswith("kubernetes/"))


def test_duplicates_are_errors_and_never_two_files():
    result = compiler.compile(str(DUPS))
    errs = [(d.code, Path(d.span.file).name, d.span.line) for d in result.diagnostics.errors()]
    assert errs == [("k8s-duplicate-object", "b.yaml", 4), ("k8s-duplicate-object", "b.yaml", 11)]


@pytest.mark.parametrize("value", ["Files/kubernetes/a.yaml", "a.yaml", ["a.yaml"]])
def test_lcm_kubernetes_def_files_selects_the_files(value):
    result = compiler.compile(str(DUPS), params={"lcm-kubernetes-def-files": value})
    assert result.ok, result.diagnostics.render_text()
    assert _kube_paths(result) == ["kubernetes/configmap-settings.yaml",
                                   "kubernetes/poddisruptionbudget-web.yaml"]


def test_lcm_kubernetes_def_files_with_two_files_and_an_unknown_one():
    both = compiler.compile(str(DUPS), params={"lcm-kubernetes-def-files": "b.yaml, a.yaml"})
    assert [d.code for d in both.diagnostics.errors()] == ["k8s-duplicate-object"] * 2
    unknown = compiler.compile(str(DUPS), params={"lcm-kubernetes-def-files": "a.yaml,nope.yaml"})
    [err] = unknown.diagnostics.errors()
    assert err.code == "k8s-object-missing" and "'nope.yaml'" in err.message
    assert "Files/kubernetes/b.yaml" in err.hint


@pytest.mark.parametrize("a,b,overlap", [
    ({"matchLabels": {"app": "web"}}, {"matchLabels": {"app": "web", "tier": "x"}}, True),
    ({"matchLabels": {"app": "web"}}, {"matchLabels": {"app": "db"}}, False),
    ({"matchLabels": {"app": "web"}},
     {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]}, True),
    ({"matchLabels": {"app": "web"}},
     {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}, False),
    ({"matchLabels": {"app": "web"}},
     {"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, False),
    ({"matchExpressions": [{"key": "a", "operator": "Exists"}]},
     {"matchExpressions": [{"key": "b", "operator": "Exists"}]}, True),
    ({}, {"matchLabels": {"app": "db"}}, True),  # an empty selector selects every pod
    (None, {"matchLabels": {"app": "db"}}, False),  # a null one none (policy/v1)
])
def test_selectors_overlap(a, b, overlap):
    assert selectors_overlap(a, b) is overlap
    assert selectors_overlap(b, a) is overlap


def test_selects():
    sel = {"matchLabels": {"app": "web"},
           "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]}
    assert selects(sel, {"app": "web", "tier": "front"})
    assert not selects(sel, {"app": "web", "tier": "db"})
    assert not selects(sel, {"app": "api"})


def _tacker_cnf_packages(corpus: Path) -> list[Path]:
    dirs = (corpus / "CSAR_DIRS.txt").read_text().split()
    return [corpus / d for d in dirs if (corpus / d / "Files/kubernetes").is_dir()]


def test_tacker_cnf_packages_have_one_object_per_kind_and_name(corpus):
    """Every Tacker CNF package of the corpus, in every flavour: no two objects of one kind,
    namespace and name, no two budgets over the same pods, and no file named twice."""
    packages = _tacker_cnf_packages(corpus)
    assert len(packages) >= 10
    compiled = 0
    for pkg in packages:
        loaded = compiler.load(str(pkg))
        flavours = flavour_ids(loaded.package, loaded.options) if loaded.package else ()
        for flavour in flavours or (None,):
            result = compiler.compile(str(pkg), flavour=flavour)
            where = f"{pkg.relative_to(corpus)} (flavour {flavour})"
            keys = collections.Counter()
            pdbs = []
            for f in result.outputs:
                if not f.path.startswith("kubernetes/"):
                    continue
                obj = yaml.safe_load(f.content)
                meta = obj["metadata"]
                keys[(obj["kind"], meta.get("namespace", ""), meta["name"])] += 1
                if obj["kind"] == "PodDisruptionBudget":
                    pdbs.append((meta.get("namespace", ""), meta["name"], obj["spec"].get("selector")))
            assert [k for k, n in keys.items() if n > 1] == [], where
            for i, (ns, name, sel) in enumerate(pdbs):
                for ns2, other, sel2 in pdbs[i + 1:]:
                    assert ns != ns2 or not selectors_overlap(sel, sel2), f"{where}: {name}, {other}"
            compiled += bool(result.outputs)
    assert compiled >= 8  # most packages get as far as the back end


MULTI_NS = "tacker/samples/tests/etc/samples/etsi/nfv/test_cnf_multi_ns"


def _budgets(result) -> list[tuple]:
    out = []
    for f in result.outputs:
        if "poddisruptionbudget" in f.path:
            obj = yaml.safe_load(f.content)
            out.append((obj["metadata"]["name"], obj["metadata"].get("namespace")))
    return sorted(out, key=str)


def test_a_generated_budget_lives_in_its_workloads_namespace(corpus):
    # vdu1 ships in multi-namespace02, vdu2 in none; both select app=webserver
    result = compiler.compile(str(corpus / MULTI_NS))
    assert result.ok, result.diagnostics.render_text()
    assert _budgets(result) == [("vdu1", "multi-namespace02"), ("vdu2", None)]


def test_no_second_budget_over_the_same_pods(corpus):
    # --namespace puts both workloads, and so both budgets, in one namespace
    result = compiler.compile(str(corpus / MULTI_NS), namespace="one")
    assert _budgets(result) == [("vdu1", "one")]
    [warn] = [d for d in result.diagnostics if "no PodDisruptionBudget" in d.message]
    assert warn.code == "unsupported" and "VDU2" in warn.message


def test_no_budget_where_the_package_ships_one(tmp_path):
    from compiler.emitters.kubernetes import EMITTER
    from compiler.loader.package import Package
    from tests.unit.k8s_fixtures import node, unit

    files = {
        "Files/kubernetes/web.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
            "  selector: {matchLabels: {app: web}}\n  template:\n"
            "    metadata: {labels: {app: web, tier: front}}\n"
            "    spec: {containers: [{name: c, image: 'nginx:1.25'}]}\n"
            "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web-pdb}\n"
            "spec: {minAvailable: 1, selector: {matchLabels: {tier: front}}}\n"),
    }
    root = _csar(tmp_path, files)
    fs = DirFS(root)
    pkg = Package(root=str(root), entry="main.yaml", files=(), fs=fs, kind="dir",
                  shipped=read_shipped(fs, (), Diagnostics(), DEFAULT_LIMITS))
    vdu = node("VDU1", "tosca.nodes.nfv.Vdu.Compute", 10, {
        "name": "web", "vdu_profile": {"min_number_of_instances": 1, "max_number_of_instances": 3}})
    u = unit([vdu], package=pkg)
    paths = sorted(f.path for f in EMITTER.emit(u, u.diagnostics))
    assert paths == ["kubernetes/deployment-web.yaml", "kubernetes/poddisruptionbudget-web-pdb.yaml"]


SCALE = "tacker/samples/tests/etc/samples/etsi/nfv/test_cnf_scale"


def test_one_vdu_shipped_as_three_kinds_warns_until_files_are_chosen(corpus):
    every = compiler.compile(str(corpus / SCALE), flavour="simple")
    workloads = sorted(p for p in _kube_paths(every) if "vdu1-scale" in p and "budget" not in p)
    assert workloads == ["kubernetes/deployment-vdu1-scale.yaml",
                         "kubernetes/replicaset-vdu1-scale.yaml",
                         "kubernetes/statefulset-vdu1-scale.yaml"]
    [warn] = [d for d in every.diagnostics if "Tacker deploys one object per VDU" in d.message]
    assert warn.code == "unsupported" and "lcm-kubernetes-def-files" in warn.hint
    chosen = compiler.compile(str(corpus / SCALE), flavour="simple",
                              params={"lcm-kubernetes-def-files": "Files/kubernetes/deployment_scale.yaml"})
    assert chosen.ok, chosen.diagnostics.render_text()
    assert [p for p in _kube_paths(chosen) if "vdu1-scale" in p] == [
        "kubernetes/deployment-vdu1-scale.yaml", "kubernetes/poddisruptionbudget-vdu1-scale.yaml"]
    assert not [d for d in chosen.diagnostics if "one object per VDU" in d.message]
