"""``mcio_identification_data`` (SOL001 4.4.1) on ``Vdu.OsContainerDeployableUnit``: the
name names the workload object, the type must agree with the process state (spec §5)."""

from __future__ import annotations

import yaml

from compiler.model.xfactor import Process
from tests.unit.k8s_fixtures import node, req, unit
from tests.unit.test_k8s_emitter import _image
from tests.unit.test_k8s_names import emit


def du(name: str, line: int, mcio, **props):
    p = {"name": name, "vdu_profile": {"min_number_of_instances": 1, "max_number_of_instances": 2}}
    p.update(props)
    if mcio is not None:
        p["mcio_identification_data"] = mcio
    return [
        node(name, "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit", line, p,
             reqs=(req("container", f"{name}-c"),)),
        node(f"{name}-c", "tosca.nodes.nfv.Vdu.OsContainer", line + 10, {"name": f"{name}-c"},
             artifacts={"sw_image": _image(name, "1.0")}),
    ]


def warnings(u):
    return [(d.span.line, d.message) for d in u.diagnostics if d.code == "unsupported"]


def test_name_names_the_workload_and_everything_made_from_it():
    u = unit(du("VDU1", 10, {"name": "ims-pcscf", "type": "Deployment"}))
    objs = emit(u)
    assert warnings(u) == []
    dep = objs["kubernetes/deployment-ims-pcscf.yaml"]
    assert dep["metadata"]["name"] == "ims-pcscf"
    assert dep["metadata"]["annotations"]["xfactor.io/template"] == "VDU1"
    assert dep["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == "ims-pcscf"
    assert objs["kubernetes/poddisruptionbudget-ims-pcscf.yaml"]["spec"]["selector"] == dep["spec"]["selector"]
    assert objs["kubernetes/horizontalpodautoscaler-ims-pcscf.yaml"]["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1", "kind": "Deployment", "name": "ims-pcscf"}
    assert not any("vdu1" in p for p in objs)


def test_matching_stateful_type_is_silent():
    u = unit(du("hss", 10, {"name": "hss-0db", "type": "StatefulSet"}),
             processes={"hss": Process(node="hss", state="stateful", origin="policy")})
    objs = emit(u)
    assert warnings(u) == []
    sts = objs["kubernetes/statefulset-hss-0db.yaml"]
    assert sts["spec"]["serviceName"] == "hss-0db"
    assert objs["kubernetes/service-hss-0db.yaml"]["spec"]["clusterIP"] == "None"


def test_deployment_type_on_a_stateful_process_keeps_the_statefulset_and_warns():
    u = unit(du("db", 10, {"name": "db", "type": "Deployment"}),
             processes={"db": Process(node="db", state="stateful", origin="native")})
    objs = emit(u)
    assert "kubernetes/statefulset-db.yaml" in objs and "kubernetes/deployment-db.yaml" not in objs
    (d,) = [d for d in u.diagnostics if d.code == "unsupported"]
    # no package here: the value's own position is unknown, the property's is used
    assert (d.span.line, d.span.column) == (14, 9)
    assert "MCIO type 'Deployment'" in d.message and "stateful" in d.message and "StatefulSet" in d.message
    assert d.path.endswith('properties["mcio_identification_data"]["type"]')
    assert "StatefulSet" in d.hint


def test_statefulset_type_on_a_stateless_process_keeps_the_deployment_and_warns():
    u = unit(du("web", 10, {"name": "web", "type": "StatefulSet"}),
             processes={"web": Process(node="web", state="stateless", origin="policy")})
    objs = emit(u)
    assert "kubernetes/deployment-web.yaml" in objs and "kubernetes/statefulset-web.yaml" not in objs
    ((line, msg),) = warnings(u)
    assert line == 14 and "its process is stateless" in msg


def test_statefulset_type_without_traits_says_how_to_get_one():
    u = unit(du("web", 10, {"name": "web", "type": "StatefulSet"}))  # origin "default"
    objs = emit(u)
    assert "kubernetes/deployment-web.yaml" in objs
    (d,) = [d for d in u.diagnostics if d.code == "unsupported"]
    assert "no process traits" in d.message and "state: stateful" in d.hint


def test_unknown_type_warns():
    u = unit(du("w", 10, {"name": "w", "type": "DaemonSet"}))
    objs = emit(u)
    assert "kubernetes/deployment-w.yaml" in objs
    ((line, msg),) = warnings(u)
    assert "'DaemonSet'" in msg and "only as Deployment or StatefulSet" in msg


def test_invalid_name_is_converted_with_a_warning():
    u = unit(du("w", 10, {"name": "Web_Front.v2", "type": "Deployment"}))
    objs = emit(u)
    assert "kubernetes/deployment-web-front-v2.yaml" in objs
    (d,) = [d for d in u.diagnostics if d.code == "unsupported"]
    assert "'Web_Front.v2' is not a DNS-1123 label" in d.message and "'web-front-v2'" in d.message
    assert d.path.endswith('["name"]')


def test_a_name_another_workload_has_is_not_taken():
    u = unit(du("a", 10, {"name": "b", "type": "Deployment"}) + du("b", 40, None))
    objs = emit(u)
    assert {"kubernetes/deployment-a.yaml", "kubernetes/deployment-b.yaml"} <= set(objs)
    ((line, msg),) = warnings(u)
    assert line == 14 and "already the name of another workload" in msg


def test_no_mcio_data_keeps_the_template_name():
    u = unit(du("VDU_2", 10, None))
    objs = emit(u)
    assert "kubernetes/deployment-vdu-2.yaml" in objs and warnings(u) == []


def test_the_v4_sample_compiles_without_an_unavoidable_warning():
    from pathlib import Path

    from compiler import compile as compile_
    from compiler.pipeline import Options

    sample = Path(__file__).resolve().parents[2] / "samples" / "sol001-v4-container-vnf" / "vnfd.yaml"
    result = compile_(str(sample), Options(targets=("kubernetes",)))
    assert result.ok, result.diagnostics.render_text()
    assert "unsupported" not in result.diagnostics.codes()
    kinds = {yaml.safe_load(f.content)["metadata"]["name"]: yaml.safe_load(f.content)["kind"]
             for f in result.outputs if f.path.startswith("kubernetes/") and
             yaml.safe_load(f.content)["kind"] in ("Deployment", "StatefulSet")}
    assert kinds == {"pcscf": "Deployment", "scscf": "Deployment", "hss": "StatefulSet"}


def test_workload_name_is_a_pure_function_other_back_ends_can_share():
    from compiler.emitters.kubernetes.common import workload_name

    u = unit(du("a", 10, {"name": "same", "type": "Deployment"})
             + du("b", 40, {"name": "same", "type": "Deployment"})
             + du("c", 70, {"name": "Cee", "type": "Deployment"})
             + du("5d", 100, None))
    objs = emit(u)
    names = {o["metadata"]["annotations"]["xfactor.io/template"]: o["metadata"]["name"]
             for o in objs.values() if o["kind"] in ("Deployment", "StatefulSet")}
    assert names == {"a": "a", "b": "b", "c": "cee", "5d": "5d"}
    for template, name in names.items():
        assert workload_name(u.topology, template) == name


def test_alert_pod_patterns_follow_the_mcio_name():
    import re

    from compiler.emitters.policies import EMITTER as POLICIES

    u = unit(du("VDU1", 10, {"name": "front", "type": "Deployment"})
             + du("VDU2", 40, {"name": "back", "type": "Deployment"}),
             wirings=[("VDU1", "VDU2", ["reconnect"])])
    objs = emit(u)
    assert "kubernetes/deployment-back.yaml" in objs
    rule = next(f for f in POLICIES.emit(u, u.diagnostics) if f.path.endswith("prometheusrule.yaml"))
    patterns = re.findall(r'pod=~\\?"([^"\\]+)', rule.content.decode())
    assert patterns and all(re.fullmatch(p, "back-5d8f7c9b4-x2x7z") for p in patterns)
