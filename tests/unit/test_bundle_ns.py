"""A network service's orchestrator packages: OSM (a KNF per VNF and the NS package),
ONAP SDC's native Helm package (a chart per VNF) and the ETSI NS CSAR, each through its
gate, and each gate failing on a broken package (issue 26, item 4)."""

from __future__ import annotations

import io
import json
import re
import tarfile
import zipfile

import yaml

from compiler.bundlers import Settings, k8s_objects
from compiler.bundlers.gates import osm, sdc_helm_package, sdc_sol004, verify
from tests.support.sol006 import sol006_errors
from tests.unit.bundle_support import NS_SAMPLES, bundle, compiled

NS = NS_SAMPLES[0]


def _untar(blob: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(blob)) as tf:
        return {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}


def _descriptor(content: dict[str, bytes], suffix: str) -> tuple[str, dict]:
    (name,) = [n for n in content if n.count("/") == 1 and n.endswith(suffix)]
    return name, yaml.safe_load(content[name])


def test_osm_ns_package_names_a_knf_per_vnf(tmp_path):
    unit, files = bundle(NS, "osm", tmp_path)
    by_name = {f.path: f for f in files}
    assert sorted(by_name) == [
        "5g-core-slice-ns-cp_knf.tar.gz", "5g-core-slice-ns-sd_knf.tar.gz",
        "5g-core-slice-ns-service_knf.tar.gz", "5g-core-slice-ns-up_knf.tar.gz",
        "5g-core-slice-ns_ns.tar.gz"]
    ns = _untar(by_name.pop("5g-core-slice-ns_ns.tar.gz").content)
    _, nsd_doc = _descriptor(ns, "nsd.yaml")
    assert sol006_errors(nsd_doc) is None  # SOL006 NSD (plus OSM's mgmt-network)
    (nsd,) = nsd_doc["nsd"]["nsd"]
    vnfds = {}
    charts: dict[str, str] = {}
    for name, f in by_name.items():
        content = _untar(f.content)
        assert osm(content) == []
        _, vnfd_doc = _descriptor(content, "nfd.yaml")
        assert sol006_errors(vnfd_doc) is None
        vnfds[vnfd_doc["vnfd"]["id"]] = vnfd_doc["vnfd"]
        for path in content:
            m = re.search(r"/helm-charts/[^/]+/templates/(.+\.yaml)$", path)
            if m:
                assert m[1] not in charts, f"{m[1]} in two KNFs"
                charts[m[1]] = name
    # the NSD names exactly the KNF packages written beside it, by VNFD id
    assert sorted(nsd["vnfd-id"]) == sorted(vnfds)
    profiles = {p["id"]: p for p in nsd["df"][0]["vnf-profile"]}
    assert set(profiles) == {"cp", "up", "sd", "service"}
    for p in profiles.values():
        (conn,) = p["virtual-link-connectivity"]
        (cpd,) = conn["constituent-cpd-id"]
        assert cpd["constituent-cpd-id"] in {c["id"] for c in vnfds[p["vnfd-id"]]["ext-cpd"]}
    # every compiled object (less the operator) is in one KNF's chart: the VNF's own
    # workloads in that VNF's, the service's (FailurePolicy, PrometheusRule) in the service's
    want = {o.path.rsplit("/", 1)[-1] for o in k8s_objects(unit.outputs)
            if not o.path.startswith("operator/") and o.kind != "CustomResourceDefinition"}
    assert set(charts) == want
    assert charts["deployment-cp-amf.yaml"] == "5g-core-slice-ns-cp_knf.tar.gz"
    assert charts["deployment-up-upf.yaml"] == "5g-core-slice-ns-up_knf.tar.gz"
    assert charts["failurepolicy.yaml"] == "5g-core-slice-ns-service_knf.tar.gz"
    # the gate reads the packages beside the NS package (as they are onboarded with it)
    assert verify(tmp_path / "5g-core-slice-ns_ns.tar.gz") == []


def _rewrite_nsd(content: dict[str, bytes], edit) -> dict[str, bytes]:
    name, doc = _descriptor(content, "nsd.yaml")
    edit(doc["nsd"]["nsd"][0])
    out = dict(content)
    out[name] = yaml.safe_dump(doc).encode()
    top = name.split("/")[0]
    import hashlib

    out[f"{top}/checksums.txt"] = "".join(
        f"{hashlib.md5(d).hexdigest()}  {n.split('/', 1)[1]}\n"
        for n, d in sorted(out.items()) if not n.endswith("checksums.txt")).encode()
    return out


def test_the_osm_gate_fails_a_broken_ns_package(tmp_path):
    unit, files = bundle(NS, "osm", tmp_path)
    ns_file = next(f for f in files if f.path.endswith("_ns.tar.gz"))
    content = _untar(ns_file.content)

    def unlisted(nsd):
        nsd["vnfd-id"].remove("5g-core-slice-ns-up")

    def bad_cp(nsd):
        conn = nsd["df"][0]["vnf-profile"][0]["virtual-link-connectivity"][0]
        conn["constituent-cpd-id"][0]["constituent-cpd-id"] = "eth0"
        conn["virtual-link-profile-id"] = "nowhere"

    rules = {f.rule for f in osm(_rewrite_nsd(content, unlisted))}
    assert rules == {"nsd.vnfd-id"}
    vnfds = {"5g-core-slice-ns-" + v: {"mgmt-ext"} for v in ("cp", "up", "sd", "service")}
    rules = {f.rule for f in osm(_rewrite_nsd(content, bad_cp), vnfds)}
    assert rules == {"nsd.vnf-package", "nsd.virtual-link"}
    # the NS package alone, without the VNF packages it names: refused
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / ns_file.path).write_bytes(ns_file.content)
    findings = verify(alone / ns_file.path)
    assert {f.rule for f in findings} == {"nsd.vnf-package"} and len(findings) == 4
    # and a package that is no NSD
    broken = _rewrite_nsd(content, lambda nsd: nsd.pop("id"))
    assert [f.rule for f in osm(broken)] == ["nsd.shape"]


def test_onap_helm_package_has_a_chart_per_vnf(tmp_path):
    unit, files = bundle(NS, "onap-helm", tmp_path)
    (f,) = files
    with zipfile.ZipFile(io.BytesIO(f.content)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members["MANIFEST.json"])
    entries = {d["file"]: d["isBase"] for d in manifest["data"]}
    assert entries == {"5g-core-slice-ns-service-1.0.0.tgz": "true",
                       "5g-core-slice-ns-cp-1.0.0.tgz": "false",
                       "5g-core-slice-ns-up-1.0.0.tgz": "false",
                       "5g-core-slice-ns-sd-1.0.0.tgz": "false"}
    assert sdc_helm_package(members, f.path) == []
    cp = _untar(members["5g-core-slice-ns-cp-1.0.0.tgz"])
    assert "5g-core-slice-ns-cp/templates/deployment-cp-amf.yaml" in cp
    assert not any("up-upf" in n for n in cp)
    # SDC refuses two base charts: the gate must say so
    manifest["data"][1]["isBase"] = "true"
    members["MANIFEST.json"] = json.dumps(manifest).encode()
    assert [x.rule for x in sdc_helm_package(members, f.path)] == ["isBase-not-unique"]


def test_ns_csar_carries_the_sol007_metadata(tmp_path):
    unit, files = bundle(NS, "csar", tmp_path, Settings(target="onap"))
    (f,) = files
    with zipfile.ZipFile(io.BytesIO(f.content)) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    meta = members["TOSCA-Metadata/TOSCA.meta"].decode()
    assert "Entry-Definitions: Definitions/nsd.yaml" in meta
    assert {"Definitions/vnfds/control_plane.yaml", "Definitions/vnfds/user_plane.yaml",
            "Definitions/vnfds/subscriber_data.yaml"} <= set(members)
    mf = members["nsd.mf"].decode()
    head = mf.split("\n\n", 1)[0]
    assert re.findall(r"^\s+(\w+):", head, re.M) == [
        "nsd_designer", "nsd_invariant_id", "nsd_name", "nsd_release_date_time",
        "nsd_file_structure_version"]
    assert "vnf_provider_id" not in mf and "nsd_name: 5g-core-slice-ns" in mf
    assert sdc_sol004(members) == []
    # a manifest that mixes VNF keys into the NS metadata is refused
    members["nsd.mf"] = mf.replace("    nsd_name: 5g-core-slice-ns\n",
                                   "    vnf_product_name: x\n").encode()
    assert {x.rule for x in sdc_sol004(members)} >= {"manifest.ns-metadata"}


def test_a_vnfd_keeps_its_single_packages(tmp_path):
    from compiler.bundlers.ns_split import is_ns
    from tests.unit.bundle_support import bundle_input

    assert not is_ns(bundle_input(compiled("samples/5g-core-slice/slice.yaml")))
    assert is_ns(bundle_input(compiled(NS)))
    _, files = bundle("samples/5g-core-slice/slice.yaml", "osm", tmp_path)
    assert [f.path for f in files] == ["5g-core-slice_knf.tar.gz"]  # no NS package


# --------------------------------------------------------------------------- Helm, Kustomize


def _helm(tmp_path, **settings):
    from tests.support.validators import require_tool

    require_tool("helm")
    unit, files = bundle(NS, "helm", tmp_path, Settings(**settings))
    return unit, tmp_path / "helm" / "5g-core-slice-ns"


def test_helm_parent_chart_has_a_subchart_per_vnf(tmp_path):
    from compiler.bundlers.gates import helm_lint, read_bundle
    from tests.support.validators import _helm_run
    from tests.unit.bundle_support import assert_same_objects, expected, rendered

    unit, chart = _helm(tmp_path)
    meta = yaml.safe_load((chart / "Chart.yaml").read_text())
    assert [(d["name"], d["version"]) for d in meta["dependencies"]] == [
        ("cp", "1.0.0"), ("up", "1.0.0"), ("sd", "1.0.0")]
    assert sorted(p.name for p in (chart / "charts").iterdir()) == ["cp", "sd", "up"]
    assert (chart / "charts/up/templates/deployment-up-upf.yaml").is_file()
    assert not list((chart / "charts/up/templates").glob("*cp-*"))
    # the service's own objects stay in the parent
    assert sorted(p.name for p in (chart / "templates").glob("*.yaml")
                  if not p.name.startswith("operator-")) == [
        "failurepolicy.yaml", "prometheusrule.yaml"]
    rc, out = _helm_run(["lint", "--strict", str(chart)])
    assert rc == 0, out
    rc, out = _helm_run(["template", "rel", str(chart), "--include-crds"])
    assert rc == 0, out
    assert_same_objects(rendered(out), expected(unit))
    # values per VNF: cp's are set under cp, and act on cp's objects alone
    rc, out = _helm_run(["template", "rel", str(chart), "--set",
                         "cp.workloads.cp-amf.replicas=5", "--set", "cp.namespace=control"])
    assert rc == 0, out
    deployments = {k[2]: v for k, v in rendered(out).items() if k[1] == "Deployment"}
    assert deployments["cp-amf"]["spec"]["replicas"] == 5
    assert deployments["cp-amf"]["metadata"]["namespace"] == "control"
    assert deployments["up-upf"]["spec"]["replicas"] == 2
    assert "namespace" not in deployments["up-upf"]["metadata"]
    # a subchart's schema still holds: helm and the offline gate both refuse a bad value
    rc, out = _helm_run(["template", "rel", str(chart), "--set", "up.workloads.up-upf.replicas=0"])
    assert rc != 0 and "up" in out
    _, files = read_bundle(chart)
    assert helm_lint(files) == []
    files["charts/up/values.yaml"] = files["charts/up/values.yaml"].replace(
        b"replicas: 2", b"replicas: -1", 1)
    found = helm_lint(files)
    assert [(f.rule, f.file) for f in found] == [("values.schema", "charts/up/values.yaml")]


def test_helm_flat_layout_is_one_chart(tmp_path):
    from tests.support.validators import _helm_run
    from tests.unit.bundle_support import assert_same_objects, expected, rendered

    unit, chart = _helm(tmp_path, ns_layout="flat")
    assert not (chart / "charts").exists()
    assert "dependencies" not in yaml.safe_load((chart / "Chart.yaml").read_text())
    assert (chart / "templates/deployment-cp-amf.yaml").is_file()
    rc, out = _helm_run(["template", "rel", str(chart), "--include-crds"])
    assert rc == 0, out
    assert_same_objects(rendered(out), expected(unit))


def test_kustomize_has_a_component_per_vnf(tmp_path):
    from tests.support.validators import kubectl_kustomize
    from tests.unit.bundle_support import assert_same_objects, expected, rendered

    unit, files = bundle(NS, "kustomize", tmp_path)
    root = tmp_path / "kustomize"
    base = yaml.safe_load((root / "base/kustomization.yaml").read_text())
    assert base["components"] == ["../components/cp", "../components/up", "../components/sd"]
    assert base["resources"] == ["failurepolicy-crd.yaml", "failurepolicy.yaml",
                                 "prometheusrule.yaml"]
    for vnf in ("cp", "up", "sd"):
        comp = yaml.safe_load((root / f"components/{vnf}/kustomization.yaml").read_text())
        assert comp["kind"] == "Component"
        assert comp["resources"] and all(f"-{vnf}-" in r for r in comp["resources"])
    rc, out = kubectl_kustomize(root / "base")
    assert rc == 0, out
    assert_same_objects(rendered(out), expected(unit, operator=False))
    # an overlay may take some VNFs only: the user plane alone
    overlay = root / "overlays/user-plane"
    overlay.mkdir(parents=True)
    (overlay / "kustomization.yaml").write_text(yaml.safe_dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
        "components": ["../../components/up"]}))
    rc, out = kubectl_kustomize(overlay)
    assert rc == 0, out
    want = sorted(k[2] for k in expected(unit) if k[2].startswith("up-"))
    assert "up-upf" in want and sorted(k[2] for k in rendered(out)) == want


# --------------------------------------------------------------------------- two of one VNFD

TWO = "tests/fixtures/ns/nsd.yaml"  # shop and blog: two instances of one web VNFD, an NS link


def test_two_instances_of_one_vnfd_and_an_ns_link(tmp_path):
    from tests.support.validators import _helm_run, kubectl_kustomize, require_tool
    from tests.unit.bundle_support import assert_same_objects, expected, rendered

    require_tool("helm")
    unit, _ = bundle(TWO, "helm", tmp_path / "h")
    chart = tmp_path / "h/helm" / next((tmp_path / "h/helm").iterdir()).name
    assert sorted(p.name for p in (chart / "charts").iterdir()) == ["blog", "data", "shop"]
    # the NS link's NetworkAttachmentDefinition is the service's, in the parent chart
    assert (chart / "templates/networkattachmentdefinition-frontnet.yaml").is_file()
    rc, out = _helm_run(["lint", "--strict", str(chart)])
    assert rc == 0, out
    rc, out = _helm_run(["template", "rel", str(chart), "--include-crds"])
    assert rc == 0, out
    assert_same_objects(rendered(out), expected(unit))

    bundle(TWO, "kustomize", tmp_path / "k")
    rc, out = kubectl_kustomize(tmp_path / "k/kustomize/base")
    assert rc == 0, out
    assert_same_objects(rendered(out), expected(unit, operator=False))

    _, files = bundle(TWO, "osm", tmp_path / "o")
    (ns_pkg,) = [f for f in files if f.path.endswith("_ns.tar.gz")]
    ns = ns_pkg.path[:-len("_ns.tar.gz")]
    assert sorted(f.path for f in files if f is not ns_pkg) == [
        f"{ns}-{v}_knf.tar.gz" for v in ("blog", "data", "service", "shop")]
    assert verify(tmp_path / "o" / ns_pkg.path) == []
    _, nsd_doc = _descriptor(_untar(ns_pkg.content), "nsd.yaml")
    assert sol006_errors(nsd_doc) is None

    _, (csar,) = bundle(TWO, "csar", tmp_path / "c", Settings(target="onap"))
    with zipfile.ZipFile(io.BytesIO(csar.content)) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    assert sdc_sol004(members) == []
    (tgz,) = [n for n in members if n.startswith("Artifacts/Deployment/non-mano/")]
    inner = _untar(members[tgz])
    assert any("/charts/shop/templates/deployment-shop-api.yaml" in n for n in inner)


def test_the_longest_vnf_prefix_owns_a_template():
    from compiler.bundlers.ns_split import owner

    vnfs = ["a", "a-b"]
    assert owner("a-b-c", vnfs) == "a-b"
    assert owner("a-x", vnfs) == "a"
    assert owner("ab-x", vnfs) is None and owner("a", vnfs) is None
    assert owner("frontnet", ["shop", "blog"]) is None  # an NS link is the service's


def test_osm_nsd_carries_the_ns_virtual_links(tmp_path):
    """The NS link ``frontnet`` is a SOL006 virtual-link-desc with a profile of its
    vl_profile's bitrates; each VNF whose external CP the NSD binds to it reaches it from
    an ext-cpd of its KNF VNFD (virtual-link-connectivity); all valid SOL006, and the OSM
    gate checks every reference against the packages beside it."""
    _, files = bundle(TWO, "osm", tmp_path)
    by_name = {f.path: f for f in files}
    (ns_path,) = [p for p in by_name if p.endswith("_ns.tar.gz")]
    _, nsd_doc = _descriptor(_untar(by_name[ns_path].content), "nsd.yaml")
    assert sol006_errors(nsd_doc) is None
    (nsd,) = nsd_doc["nsd"]["nsd"]
    descs = {d["id"]: d for d in nsd["virtual-link-desc"]}
    assert set(descs) == {"mgmtnet", "frontnet"}
    assert descs["frontnet"]["connectivity-type"]["layer-protocol"] == ["ipv4"]
    assert "mgmt-network" not in descs["frontnet"]
    (df,) = nsd["df"]
    profile = {p["id"]: p for p in df["virtual-link-profile"]}["frontnet"]
    assert profile["max-bitrate-requirements"] == {"root": 1000000}
    assert profile["min-bitrate-requirements"] == {"root": 100000}
    joined = {}
    for vp in df["vnf-profile"]:
        for conn in vp["virtual-link-connectivity"]:
            if conn["virtual-link-profile-id"] == "frontnet":
                joined[vp["id"]] = [c["constituent-cpd-id"] for c in conn["constituent-cpd-id"]]
    assert joined == {"shop": ["front-cp"], "blog": ["front-cp"]}  # not data, not service
    ns = ns_path[:-len("_ns.tar.gz")]
    content = _untar(by_name[f"{ns}-shop_knf.tar.gz"].content)
    _, vnfd_doc = _descriptor(content, "nfd.yaml")
    assert sol006_errors(vnfd_doc) is None
    cpds = {c["id"]: c for c in vnfd_doc["vnfd"]["ext-cpd"]}
    assert cpds["front-cp"]["k8s-cluster-net"] == "frontnet"
    assert {"id": "frontnet"} in vnfd_doc["vnfd"]["k8s-cluster"]["nets"]
    assert osm(content) == []
    assert verify(tmp_path / ns_path) == []
