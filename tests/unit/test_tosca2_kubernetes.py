"""xfc's Kubernetes-oriented TOSCA 2.0 profile, io.xfactor.kubernetes:1.0
(compiler/profiles/xfactor-kubernetes/1.0/profile.yaml; docs/tosca-2.md, "Profiles"): its
names derive from the X-factor types, so a microservice application written with them
compiles through the same IR to the same Kubernetes objects as one written with the
X-factor types; and the bookshop-2.0 sample that uses it (its objects are golden files of
test_k8s_golden.py, dry-run on the API server by test_apiserver_samples.py)."""

from __future__ import annotations

import io
from pathlib import Path

import yaml

import compiler
from compiler.cli import main
from compiler.pipeline import Options
from tests.unit.tosca2_support import HEAD, check, codes

REPO = Path(__file__).resolve().parents[2]
BOOKSHOP = REPO / "samples" / "bookshop-2.0" / "bookshop.yaml"

APP = """service_template:
  node_templates:
    store:
      type: {store}
      properties: {{ kind: database, image: "postgres:16", ports: [ {{ port: 5432 }} ] }}
    api:
      type: {service}
      properties:
        image: api:1
        ports: [ {{ name: http, port: 8080, protocol: TCP }} ]
        env: {{ MODE: prod }}
        replicas: {{ min: 2, max: 4 }}
        process: {{ state: stateless }}
      requirements:
        - {uses}: store
    web:
      type: {service}
      properties:
        image: web:1
        ports: [ {{ name: http, port: 8080, protocol: TCP }} ]
        replicas: {{ min: 2, max: 2 }}
        process: {{ state: stateless }}
      requirements:
        - {calls}: api
"""


def _compile(tmp_path: Path, name: str, text: str):
    # the same file name in its own folder: the service name (part-of) is the file's
    (tmp_path / name).mkdir()
    p = tmp_path / name / "app.yaml"
    p.write_text(text)
    unit = compiler.compile(str(p), Options(targets=("kubernetes",)))
    return unit, {f.path: yaml.safe_load(f.content) for f in unit.outputs
                  if f.path.startswith("kubernetes/")}


def test_the_profile_types_are_the_xfactor_types(tmp_path):
    unit = check(tmp_path, HEAD + "imports:\n  - profile: io.xfactor.kubernetes:1.0\n" +
                 APP.format(store="Datastore", service="Microservice", uses="uses",
                            calls="calls"))
    assert codes(unit) == [], unit.diagnostics.render_text()
    nodes = unit.topology.nodes
    assert "xfactor.nodes.CNF" in nodes["api"].types
    assert "xfactor.nodes.BackingService" in nodes["store"].types
    (calls,) = nodes["web"].requirements
    assert calls.node == "api" and "xfactor.relationships.Wiring" in calls.relationship_types


def test_a_microservice_app_compiles_as_its_xfactor_twin(tmp_path):
    k8s = HEAD + "imports:\n  - profile: io.xfactor.kubernetes:1.0\n" + APP.format(
        store="Datastore", service="Microservice", uses="uses", calls="calls")
    xf = HEAD + "imports:\n  - profile: io.xfactor:1.0\n" + APP.format(
        store="xfactor.nodes.BackingService", service="xfactor.nodes.CNF",
        uses="backing_service", calls="wiring")
    a, objs_a = _compile(tmp_path, "k8s", k8s)
    b, objs_b = _compile(tmp_path, "xf", xf)
    assert a.ok and b.ok, a.diagnostics.render_text() + b.diagnostics.render_text()
    assert sorted(objs_a) == sorted(objs_b)
    assert {"kubernetes/deployment-api.yaml", "kubernetes/deployment-web.yaml",
            "kubernetes/service-api.yaml", "kubernetes/statefulset-store.yaml",
            "kubernetes/networkpolicy-api.yaml"} <= set(objs_a)

    def strip(o):
        o = dict(o)
        meta = dict(o["metadata"])
        ann = {k: v for k, v in meta.get("annotations", {}).items()
               if k not in ("xfactor.io/source", "xfactor.io/type")}
        meta["annotations"] = ann
        o["metadata"] = meta
        return o

    for path in objs_a:
        assert strip(objs_a[path]) == strip(objs_b[path]), path
    assert objs_a["kubernetes/deployment-api.yaml"]["metadata"]["annotations"][
        "xfactor.io/type"] == "Microservice"


def test_the_bookshop_sample_is_a_microservice_app(tmp_path):
    unit = compiler.compile(str(BOOKSHOP), Options(targets=("kubernetes",)))
    assert unit.ok and not [d for d in unit.diagnostics if d.severity.name != "NOTE"], \
        unit.diagnostics.render_text()
    kinds = sorted({yaml.safe_load(f.content)["kind"] for f in unit.outputs
                    if f.path.startswith("kubernetes/")})
    assert kinds == ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "NetworkPolicy",
                     "PodDisruptionBudget", "Service", "StatefulSet"]
    assert len(unit.xmodel.wirings) == 5


def test_a_tosca2_descriptor_is_not_bundled_for_tacker(tmp_path):
    # Tacker's tosca-parser reads TOSCA 1.x only (it refused this CSAR with InvalidCSAR)
    buf = io.StringIO()
    code = main(["bundle", str(BOOKSHOP), "-f", "csar", "--target", "tacker", "--param",
                 "vnf_instance_id=x", "-o", str(tmp_path / "out"), "-q"], buf)
    assert code == 1
    assert "a TOSCA 2.0 file, and Tacker 16.0.0 reads TOSCA 1.x only" in buf.getvalue()
    assert not list(tmp_path.glob("out/*.csar"))
    # without the Tacker target the CSAR is written
    assert main(["bundle", str(BOOKSHOP), "-f", "csar", "-o", str(tmp_path / "plain"), "-q"],
                io.StringIO()) == 0
    assert list((tmp_path / "plain").glob("*.csar"))
