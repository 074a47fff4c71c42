"""Network services (issue 26, compiler/ns): an NSD compiles with its VNFs into one service.

The inputs are tests/fixtures/ns/: a web VNFD (front end + API, its front end's CP the
VNF's external link), a database VNFD, and NSDs that use them.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

import compiler
from compiler.pipeline import Options
from tests.support.validators import validate_object

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "ns"
NSD = HERE / "nsd.yaml"


def _compile(path: Path, **opts):
    unit = compiler.compile(str(path), dataclasses.replace(Options(), **opts))
    assert not unit.diagnostics.has_errors, unit.diagnostics.render_text()
    return unit


def _objects(unit) -> dict[tuple[str, str], dict]:
    out = {}
    for f in unit.outputs:
        for doc in yaml.safe_load_all(f.content):
            if isinstance(doc, dict) and "kind" in doc:
                out[(doc["kind"], doc["metadata"]["name"])] = doc
    return out


def _policy(unit) -> dict:
    return next(o for (kind, _), o in _objects(unit).items() if kind == "FailurePolicy")["spec"]


def test_imported_vnfds_substitute_every_vnf_node_under_its_own_names() -> None:
    unit = _compile(NSD)
    objs = _objects(unit)
    workloads = sorted(name for kind, name in objs if kind in ("Deployment", "StatefulSet")
                       and name != "xfc-operator")
    # two instances of one VNFD (shop, blog) and the db VNF: no collision, VNF-VDU names
    assert workloads == ["blog-api", "blog-front", "data-store", "shop-api", "shop-front"]
    assert objs[("StatefulSet", "data-store")]["kind"] == "StatefulSet"
    assert unit.xmodel.workloads == ("shop-front", "shop-api", "blog-front", "blog-api",
                                     "data-store")
    assert "k8s-name-collision" not in unit.diagnostics.codes()


def test_every_object_is_valid_kubernetes() -> None:
    unit = _compile(NSD)
    errors = [f"{k}: {e}" for k, obj in _objects(unit).items() for e in validate_object(obj)]
    assert not errors, errors


def test_ns_virtual_link_is_a_nad_the_external_cps_join() -> None:
    objs = _objects(_compile(NSD))
    nad = objs[("NetworkAttachmentDefinition", "frontnet")]
    assert json.loads(nad["spec"]["config"])["name"] == "frontnet"
    for vnf in ("shop", "blog"):
        pod = objs[("Deployment", f"{vnf}-front")]["spec"]["template"]["metadata"]
        nets = json.loads(pod["annotations"]["k8s.v1.cni.cncf.io/networks"])
        assert nets == [{"interface": "net1", "name": "frontnet"}]
    api = objs[("Deployment", "shop-api")]["spec"]["template"]["metadata"]
    assert "k8s.v1.cni.cncf.io/networks" not in (api.get("annotations") or {})


def test_ns_order_follows_nsd_dependencies_and_each_vnfds_order() -> None:
    order = _policy(_compile(NSD))["order"]
    # shop depends on data (NSD dependency): all of shop after all of data; inside each
    # web VNF the front end (source of the front-to-api wiring) after its API
    assert order.index("data-store") < order.index("shop-api") < order.index("shop-front")
    assert order.index("blog-api") < order.index("blog-front")


def test_ns_level_sets_the_number_of_vnf_instances() -> None:
    small = _objects(_compile(NSD))
    big = _objects(_compile(NSD, ns_level="1"))
    assert small[("Deployment", "shop-api")]["spec"]["replicas"] == 2
    assert big[("Deployment", "shop-api")]["spec"]["replicas"] == 4  # 2 instances x 2
    assert big[("HorizontalPodAutoscaler", "shop-front")]["spec"]["maxReplicas"] == 8
    assert big[("Deployment", "blog-api")]["spec"]["replicas"] == 2  # no mapping: 1 VNF


def test_ns_level_wiring_over_vnf_units_reaches_the_failure_policy() -> None:
    spec = _policy(_compile(NSD))
    wirings = {w["name"]: w for w in spec["wirings"]}
    # each VNFD's own wiring, renamed with its VNF node
    assert wirings["shop-front-to-api"]["source"] == "shop-front"
    assert wirings["blog-front-to-api"]["target"] == "blog-api"
    # the NSD's wiring names a VDU of one VNF and another VNF node as a unit
    w = wirings["shop-to-data"]
    assert (w["source"], w["target"], w["chain"]) == ("shop-api", "data-store", "shop-path")
    scopes = {s["name"]: s["members"] for s in spec["scopes"]}
    reinst = next(s for s in w["steps"] if s["action"] == "reinstantiate")
    # scope=[data, shop]: every workload of both VNFs, in startup order
    assert scopes[reinst["scope"]] == ["data-store", "shop-api", "shop-front"]
    chain = next(c for c in spec["chains"] if c["name"] == "shop-path")
    assert scopes[chain["scope"]] == ["data-store", "shop-api", "shop-front"]


def test_simulate_acts_on_every_workload_of_a_vnf_unit() -> None:
    proc = subprocess.run([sys.executable, "-m", "compiler", "simulate", str(NSD), "--fail",
                           "data-store"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "shop-to-data step 2/3: reinstantiate(scope=[data-store, shop-api, shop-front])" \
        in proc.stdout
    assert "restarted: data-store, shop-api, shop-front\n" in proc.stdout


def test_default_reinstantiate_of_a_wiring_to_a_vnf_acts_on_the_whole_vnf() -> None:
    # data-to-blog targets the blog VNF node; its reinstantiate has the default scope
    # (target): every wiring it becomes restarts all of blog's workloads, in blog's order
    unit = _compile(HERE / "nsd_unit.yaml")
    assert unit.xmodel.unit_wirings["data-to-blog"] == ("data-to-blog.blog-front",
                                                        "data-to-blog.blog-api")
    assert "blog-api" in unit.xmodel.units["blog"] and unit.xmodel.unit_of("blog-api") == "blog"
    spec = _policy(unit)
    scopes = {s["name"]: s["members"] for s in spec["scopes"]}
    for w in spec["wirings"]:
        if w["name"].startswith("data-to-blog."):
            reinst = next(s for s in w["steps"] if s["action"] == "reinstantiate")
            assert scopes[reinst["scope"]] == ["blog-api", "blog-front"], w["name"]
    from compiler.graph.simulate import simulate

    sim = simulate(_compile(HERE / "nsd_unit.yaml"), "blog-api")
    # blog-front-to-api (inside blog) restarts blog first; the NS wiring then recovers
    assert [(a["node"], a["replicas"]) for a in sim.scaling] == [
        ("blog-front", 0), ("blog-api", 0), ("blog-api", 2), ("blog-front", 2)]
    sim = simulate(_compile(HERE / "nsd_unit.yaml"), "blog")
    assert [(a["wiring"], a["node"], a["replicas"]) for a in sim.scaling] == [
        ("data-to-blog.blog-api", "blog-front", 0), ("data-to-blog.blog-api", "blog-api", 0),
        ("data-to-blog.blog-api", "blog-api", 2), ("data-to-blog.blog-api", "blog-front", 2)]


def test_vnfds_given_with_vnf(tmp_path: Path) -> None:
    nsd = tmp_path / "given.yaml"
    nsd.write_text((HERE / "nsd_given.yaml").read_text())
    (tmp_path / "db_types.yaml").write_text((HERE / "db_types.yaml").read_text())
    unit = compiler.compile(str(nsd), Options())
    assert "ns-vnf-unsubstituted" in unit.diagnostics.codes()
    unit = _compile(nsd, vnfs=(str(HERE / "db_vnfd.yaml"),))
    names = {name for kind, name in _objects(unit) if kind == "StatefulSet"}
    assert names == {"db1-store", "db2-store"}
    # the db VNFD maps no virtual_link: the VNF nodes' links reach no CP, said at each
    lost = [(d.span.line, d.span.column) for d in unit.diagnostics if d.code == "ns-unsupported"]
    assert lost == [(16, 11), (21, 11)]


def test_cli_vnf_and_ns_level(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "compiler", "compile", str(NSD), "--ns-level",
                           "1", "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    dep = yaml.safe_load((out / "kubernetes" / "deployment-shop-api.yaml").read_text())
    assert dep["spec"]["replicas"] == 4
    proc = subprocess.run([sys.executable, "-m", "compiler", "check", str(NSD), "--vnf",
                           str(tmp_path / "missing.yaml")], capture_output=True, text=True)
    assert proc.returncode == 2 and "--vnf" in proc.stderr


# --------------------------------------------------------------------------- the sample

REPO = Path(__file__).resolve().parents[2]


def _ladders(path: Path, strip: str) -> dict:
    """The FailurePolicy's workloads, ladders and chains with names normalised: the
    prefix ``strip`` removed, scopes given by their members, wirings keyed by their ends."""
    import re

    spec = _policy_of(_compile(path))

    def n(x):
        return re.sub(strip, "", x) if isinstance(x, str) else x

    scopes: dict = {}
    for s in spec["scopes"]:  # its members, then those of the earlier scopes it includes
        scopes[s["name"]] = [n(m) for m in s["members"]] + [
            m for i in s.get("includes", []) for m in scopes[i]]

    def step(s: dict) -> dict:
        d = {k: n(v) for k, v in s.items()}
        if "scope" in s:
            d["scope"] = scopes[s["scope"]]
        return d

    return {
        "wirings": sorted(({"source": n(w["source"]), "target": n(w["target"]),
                            "stickiness": w["stickiness"], "chain": n(w.get("chain")),
                            "detect_after": w["detect_after"],
                            "propagate": {k: sorted(scopes[v]) for k, v in w["propagate"].items()},
                            "steps": [step(s) for s in w["steps"]]} for w in spec["wirings"]),
                          key=lambda w: (w["source"], w["target"])),
        "workloads": sorted(({"name": n(w["name"]), "kind": w["kind"], "object": n(w["object"]),
                              "replicas": w["replicas"], "service": n(w.get("service")),
                              "selector": n(w["selector"]["app.kubernetes.io/name"])}
                             for w in spec["workloads"]), key=lambda w: w["name"]),
        "chains": sorted(({"name": n(c["name"]), "fragile": c["fragile"],
                           "members": scopes[c["scope"]]} for c in spec["chains"]),
                         key=lambda c: c["name"]),
        "order": [n(x) for x in spec["order"]],
    }


def _policy_of(unit) -> dict:
    return next(yaml.safe_load(f.content)["spec"] for f in unit.outputs
                if f.path.endswith("failurepolicy.yaml"))


def test_5g_slice_as_an_ns_has_the_single_vnfd_slices_workloads_and_ladders() -> None:
    single = _ladders(REPO / "samples" / "5g-core-slice" / "slice.yaml", r"^$")
    ns = _ladders(REPO / "samples" / "5g-core-slice-ns" / "nsd.yaml", r"^(cp|up|sd)-")
    assert ns["workloads"] == single["workloads"]
    assert ns["wirings"] == single["wirings"]
    assert ns["chains"] == single["chains"]
    # the startup order: the same workloads, each wiring's target before its source (ties
    # between independent workloads follow source order, which differs)
    assert sorted(ns["order"]) == sorted(single["order"])
    for w in ns["wirings"]:
        assert ns["order"].index(w["target"]) < ns["order"].index(w["source"])
    assert len(ns["wirings"]) == 4 and len(ns["chains"]) == 2


def test_5g_slice_ns_objects_match_the_single_vnfd_slice() -> None:
    import re

    single = _objects(_compile(REPO / "samples" / "5g-core-slice" / "slice.yaml"))
    ns = _objects(_compile(REPO / "samples" / "5g-core-slice-ns" / "nsd.yaml"))

    def kinds(objs, strip):
        # named after the service; the inputs ConfigMap records the NSD's own inputs, and
        # this NSD has none (the VNFDs' inputs keep their defaults: docs/conversion.md)
        return sorted((k, re.sub(strip, "", n)) for k, n in objs
                      if k not in ("FailurePolicy", "PrometheusRule")
                      and not (k == "ConfigMap" and n.endswith("-inputs")))
    assert kinds(ns, r"^(cp|up|sd)-") == kinds(single, r"^$")
    assert ns[("StatefulSet", "sd-udr")]["metadata"]["annotations"]["xfactor.io/vnfd-id"] == \
        "5c7e9a1b-3d5f-4a6c-8e0a-2b4d6f8a0c22"


def test_simulate_fails_a_vnf_node_as_one_unit() -> None:
    from compiler.graph.simulate import render_text, simulate

    unit = compiler.check(str(REPO / "samples" / "5g-core-slice-ns" / "nsd.yaml"))
    sim = simulate(unit, "sd")
    text = render_text(sim)
    # every workload of the subscriber-data VNF fails with it
    assert {n for n, s in sim.state.items() if s == "failed"} >= {"sd-udm", "sd-udr",
                                                                    "sd-subscriber-db"}
    assert "sd is a VNF: its workloads sd-udr, sd-udm, sd-subscriber-db fail with it" in text
    # the wiring into the VNF runs its ladder; the one inside it goes down with its source
    assert "n8" in sim.phases and "sd-n35" not in sim.phases
    assert "wiring sd-n35 (sd-udm -> sd-udr) goes down with its source" in text


def test_one_vnfd_imported_and_given_with_vnf_is_one_vnfd() -> None:
    unit = _compile(NSD, vnfs=(str(HERE / "web_vnfd.yaml"),))
    assert "ns-vnf-ambiguous" not in unit.diagnostics.codes()


def test_flavour_option_on_an_nsd_is_an_error() -> None:
    unit = compiler.check(str(NSD), flavour="small")
    assert [d.code for d in unit.diagnostics if d.severity.name == "ERROR"] == ["tosca-flavour"]


def test_vnfd_given_as_a_csar_folder_or_archive(tmp_path: Path) -> None:
    import zipfile

    folder = HERE / "db_csar"
    archive = tmp_path / "db.csar"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(folder).as_posix())
    for given in (folder, archive):
        unit = _compile(HERE / "nsd_given.yaml", vnfs=(str(given),))
        assert {n for k, n in _objects(unit) if k == "StatefulSet"} == {"db1-store", "db2-store"}


def test_graph_draws_each_vnf_as_a_frame_of_its_templates() -> None:
    # judged by Graphviz itself: its JSON layout lists each cluster's nodes and subclusters
    from tests.support.validators import require_tool

    require_tool("dot")
    dot = shutil.which("dot")
    ns = str(REPO / "samples" / "5g-core-slice-ns" / "nsd.yaml")
    text = subprocess.run([sys.executable, "-m", "compiler", "graph", ns], capture_output=True,
                          text=True, check=True).stdout
    assert "a solid blue frame is a VNF" in text
    laid = json.loads(subprocess.run([dot, "-Tjson"], input=text, capture_output=True,
                                     text=True, check=True).stdout)
    objs = laid["objects"]
    clusters = {o["label"]: ({objs[i]["name"] for i in o.get("nodes", [])},
                             {objs[i]["label"] for i in o.get("subgraphs", [])})
                for o in objs if o["name"].startswith("cluster")}
    assert clusters["VNF cp (FiveGcControlPlane)"] == (
        {"cp", "cp-session-store", "cp-smf", "cp-amf"}, set())
    assert clusters["VNF up (FiveGcUserPlane)"] == ({"up", "up-upf"}, set())
    # the chain of two VNFs wraps both frames; the chain inside sd is drawn inside it
    assert clusters["chain session-path (fragile)"][1] == {"VNF cp (FiveGcControlPlane)",
                                                          "VNF up (FiveGcUserPlane)"}
    assert clusters["VNF sd (FiveGcSubscriberData)"] == (
        {"sd", "sd-subscriber-db", "sd-udr", "sd-udm"}, {"chain sd-subscriber-data"})


def test_graph_mermaid_and_json_name_the_vnf_units() -> None:
    from compiler.graph.render import to_json, to_mermaid

    unit = _compile(NSD)
    data = to_json(unit)
    assert {u["name"]: u["members"] for u in data["units"]}["shop"] == [
        n for n in unit.plan.nodes if n.startswith("shop-")]
    lines = to_mermaid(unit).splitlines()
    # the chain of shop and data wraps both VNF frames; blog is a frame of its own
    start = lines.index('  subgraph c0["chain shop-path"]')
    assert lines[start + 1].startswith('    subgraph v') and "VNF shop (Web)" in lines[start + 1]
    assert any(line.startswith('  subgraph v') and "VNF blog (Web)" in line for line in lines)
    # a drawing without VNFs has neither frames nor the note (golden graphs unchanged)
    plain = compiler.check(str(REPO / "samples" / "5g-core-slice" / "slice.yaml"))
    assert "units" not in to_json(plain) and "VNF" not in to_mermaid(plain)


def test_report_boxes_each_vnf() -> None:
    from compiler.report import build_view
    from tests.support.validators import require_tool

    require_tool("dot")
    unit = compiler.check(str(REPO / "samples" / "5g-core-slice-ns" / "nsd.yaml"))
    view = build_view(unit)
    assert view["graph"]["engine"] == "graphviz"
    svg = view["graph"]["svg"]
    for j, label in enumerate(("VNF cp (FiveGcControlPlane)", "VNF up (FiveGcUserPlane)",
                               "VNF sd (FiveGcSubscriberData)")):
        assert f'id="v{j}"' in svg and label in svg
    assert {n["name"]: n["vnf"] for n in view["nodes"]}["up-upf"] == "up"
    assert "a solid blue frame is a VNF: its workloads move together" in view["legend"]["note"]


def test_explain_names_the_vnf_of_an_ns_wiring() -> None:
    nsd = str(HERE / "nsd_unit.yaml")
    proc = subprocess.run([sys.executable, "-m", "compiler", "explain", nsd, "--wiring",
                           "data-to-blog"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    head = proc.stdout.splitlines()[0]
    assert head == ("NS wiring data-to-blog names VNF data (data-store) and VNF blog "
                    "(blog-front, blog-api), whose workloads move together: it is 2 wiring(s), "
                    "one per pair of workloads: data-to-blog.blog-front, data-to-blog.blog-api")
    # every part is explained, and the restart covers the whole blog VNF in its order
    assert proc.stdout.count("\nwiring data-to-blog.") == 2
    assert ("reinstantiate: shut blog-api, blog-front down in the order blog-front, blog-api"
            in proc.stdout)
    part = subprocess.run([sys.executable, "-m", "compiler", "explain", nsd, "--wiring",
                           "data-to-blog.blog-api"], capture_output=True, text=True)
    assert part.returncode == 0, part.stderr
    assert ("  part of NS wiring data-to-blog (between VNF data and VNF blog; "
            "xfc explain --wiring data-to-blog explains every part)") in part.stdout
    # a wiring written between workloads of two VNFs names their VNFs too
    ns = str(REPO / "samples" / "5g-core-slice-ns" / "nsd.yaml")
    n4 = subprocess.run([sys.executable, "-m", "compiler", "explain", ns, "--wiring", "n4"],
                        capture_output=True, text=True)
    assert n4.returncode == 0, n4.stderr
    assert n4.stdout.splitlines()[1] == "  in VNFs: cp-smf is in VNF cp, up-upf is in VNF up"


def test_generic_vnf_node_is_substituted_by_descriptor_id() -> None:
    # db1 and db2 are tosca.nodes.nfv.VNF naming the db VNFD's descriptor_id (its type's
    # default): each becomes its own instance of that VNFD
    nsd = HERE / "nsd_generic.yaml"
    unit = _compile(nsd, vnfs=(str(HERE / "db_vnfd.yaml"),))
    assert unit.xmodel.workloads == ("db1-store", "db2-store")
    assert set(unit.xmodel.units) == {"db1", "db2"}


def test_generic_vnf_node_descriptor_id_none_or_two_match(tmp_path: Path) -> None:
    nsd = HERE / "nsd_generic.yaml"
    # a VNFD is given, but not the one named: an error at the descriptor_id
    unit = compiler.check(str(nsd), vnfs=(str(HERE / "web_vnfd.yaml"),))
    errs = [d for d in unit.diagnostics if d.code == "ns-vnf-unsubstituted"]
    assert [(d.span.line, d.span.column) for d in errs] == [(15, 24), (27, 24)]
    assert "no VNFD has descriptor_id '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f'" in errs[0].message
    assert "0b3a1c52-6c4d-4f5e-9a7b-1d2e3f4a5b6c" in errs[0].hint  # the id the VNFD found has
    # no VNFD at all: the NSD is checked as written, its generic nodes not compiled
    unit = compiler.check(str(nsd))
    assert not unit.diagnostics.has_errors, unit.diagnostics.render_text()
    warns = [d for d in unit.diagnostics if d.code == "ns-unsupported"]
    assert [(d.span.line, d.span.column) for d in warns] == [(15, 24), (27, 24)]
    two = compiler.check(str(nsd), vnfs=(str(HERE / "db_vnfd.yaml"), str(HERE / "db_csar")))
    errs = [d for d in two.diagnostics if d.code == "ns-vnf-ambiguous"]
    assert [(d.span.line, d.span.column) for d in errs] == [(15, 24), (27, 24)]
    assert "2 VNFDs have descriptor_id" in errs[0].message
    # a generic node that names no descriptor_id: the type requires one (resolve says so)
    bare = tmp_path / "bare.yaml"
    bare.write_text(nsd.read_text().replace(
        "        descriptor_id: 7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f\n", "", 1))
    unit = compiler.check(str(bare), vnfs=(str(HERE / "db_vnfd.yaml"),))
    errs = [d for d in unit.diagnostics if d.severity.name == "ERROR"]
    assert [(d.code, d.span.line, d.span.column) for d in errs] == [
        ("tosca-missing-property", 14, 7)]


def _cpu(unit) -> dict[str, str]:
    return {name: obj["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"]
            for (kind, name), obj in _objects(unit).items() if kind == "Deployment"
            and name != "xfc-operator"}


def test_nsd_values_flow_into_the_vnfds_mapped_inputs() -> None:
    # api_vnfd maps its VNF type's property api_cpu to its input cpu; front sets it from
    # an NSD input, back with a value, spare not at all (the VNFD's default)
    nsd = HERE / "inputs" / "nsd.yaml"
    unit = _compile(nsd)
    assert _cpu(unit) == {"front-server": "750m", "back-server": "2000m", "spare-server": "500m"}
    # the property is consumed: no back end is told it cannot map it
    assert not [d for d in unit.diagnostics
                if d.code == "unsupported" and d.message.startswith("kubernetes:")]
    unit = _compile(nsd, inputs={"front_cpu": 1200})
    assert _cpu(unit) == {"front-server": "1200m", "back-server": "2000m", "spare-server": "500m"}


def test_a_value_the_vnfds_input_refuses_is_reported_at_the_nsd_property(tmp_path: Path) -> None:
    for name in ("api_vnfd.yaml", "nsd.yaml"):
        (tmp_path / name).write_text((HERE / "inputs" / name).read_text())
    vnfd = tmp_path / "api_vnfd.yaml"
    vnfd.write_text(vnfd.read_text().replace("api_cpu: { type: integer", "api_cpu: { type: string"))
    nsd = tmp_path / "nsd.yaml"
    nsd.write_text(nsd.read_text().replace("api_cpu: 2000", "api_cpu: lots")
                   .replace("type: integer", "type: string").replace("default: 750", 'default: "750"'))
    unit = compiler.check(str(nsd))
    errs = [d for d in unit.diagnostics if d.severity.name == "ERROR"]
    assert [(d.code, d.span.file, d.span.line, d.span.column) for d in errs] == [
        ("tosca-wrong-type", str(nsd), 26, 18)]
