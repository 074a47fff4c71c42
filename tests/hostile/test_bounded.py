"""Issue 22, item 3: every verb bounded.  Each class ends in exit 1 (or the KRM function's
error result) with a positioned diagnostic, within 2 s of CPU and 500 MB (the harness).

Classes: a path longer than the file-name limit (check, and check of several inputs,
which is batch mode); nesting, items and functionConfig values on the KRM function's
standard input; the argument count of one function call; the requirement assignments
of one node template.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.hostile import shapes
from tests.hostile.harness import REPO, assert_refused, run

KRM_HEAD = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"


def test_a_path_longer_than_the_file_name_limit_is_input_not_found(tmp_path):
    long = tmp_path / ("n" * 300 + ".yaml")  # NAME_MAX is 255
    d = assert_refused(run(["check", long]), "input-not-found", positioned=False)
    assert "cannot be opened" in d["message"] and "too long" in d["message"]


def test_a_too_long_path_among_several_inputs_fails_that_input_only(tmp_path):
    good = tmp_path / "ok.yaml"
    good.write_text(shapes.cnf())
    long = tmp_path / ("n" * 300 + ".yaml")
    proc = subprocess.run([sys.executable, "-m", "compiler", "check", str(long), str(good),
                           "--jobs", "1"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "internal error" not in text, text
    assert "error[input-not-found]" in text and "1 errors, 1 ok" in text, text


def test_krm_stdin_nested_past_max_depth(tmp_path):
    rl = tmp_path / "rl.yaml"
    rl.write_text(KRM_HEAD + "items: " + "[" * 20_000 + "]" * 20_000 + "\n")
    d = assert_refused(run(["krm"], stdin=rl), "krm-error", positioned=False, line=3)
    assert "max_depth = 100" in d["message"]


def test_krm_resource_list_of_200000_items(tmp_path):
    rl = tmp_path / "rl.yaml"
    rl.write_text(KRM_HEAD + "items:\n"
                  + "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n" * 200_000)
    d = assert_refused(run(["krm"], stdin=rl), "krm-error", positioned=False, line=10_004)
    assert "max_krm_items = 10,000" in d["message"]


def test_krm_function_config_of_100000_values(tmp_path):
    rl = tmp_path / "rl.yaml"
    rl.write_text(KRM_HEAD + "items: []\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n"
                  "  data:\n" + "".join(f"    k{i}: v\n" for i in range(100_000)))
    d = assert_refused(run(["krm"], stdin=rl), "krm-error", positioned=False)
    assert "max_config_values = 10,000" in d["message"] and d["line"] > 1


def test_krm_inputs_text_nested_or_wide(tmp_path):
    head = (KRM_HEAD + "items: []\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n"
            "  data:\n    descriptor: x.yaml\n    inputs: '")
    deep, wide = tmp_path / "deep.yaml", tmp_path / "wide.yaml"
    deep.write_text(head + "{a: " * 3000 + "1" + "}" * 3000 + "'\n")
    wide.write_text(head + "{" + ", ".join(f"a{i}: 1" for i in range(20_000)) + "}'\n")
    d = assert_refused(run(["krm"], stdin=deep), "krm-error", positioned=False, line=1)
    assert "functionConfig inputs" in d["message"] and "max_depth" in d["message"]
    d = assert_refused(run(["krm"], stdin=wide), "krm-error", positioned=False, line=1)
    assert "max_config_values" in d["message"]


@pytest.mark.parametrize("args,limit", [
    # the list itself is past the reader's max_collection_items (issue 22), so the reader
    # refuses it before any function is evaluated
    (100_000, "max_collection_items = 50,000"),
    # a list the reader takes, past the argument count of one call
    (40_000, "max_function_args = 1,000"),
])
def test_a_concat_of_100000_arguments(tmp_path, args, limit):
    p = tmp_path / "c.yaml"
    p.write_text(shapes.HEAD + "topology_template:\n  node_templates:\n    n0:\n"
                 "      type: tosca.nodes.ObjectStorage\n      properties:\n"
                 "        name: { concat: [ " + ", ".join(["a"] * args) + " ] }\n")
    d = assert_refused(run(["check", p]), "limit-exceeded", line=p.read_text().count("\n"))
    assert limit in d["message"], d
    if args == 40_000:
        assert "40,000 arguments" in d["message"]


def test_requirements_of_one_node_past_the_limit(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(shapes.HEAD + "topology_template:\n  node_templates:\n    b:\n"
                 "      type: tosca.nodes.Compute\n    a:\n      type: tosca.nodes.SoftwareComponent\n"
                 "      requirements:\n" + "        - host: b\n" * 20_000)
    d = assert_refused(run(["check", p]), "limit-exceeded", line=8)
    assert "max_requirements = 1,000" in d["message"] and "'a'" in d["message"]


# -- issue 22 leftovers: relationship templates, manifest blocks, HTTP bodies ----------

REL_HEAD = (shapes.HEAD + "node_types:\n  my.N:\n    derived_from: tosca.nodes.Root\n"
            "    properties:\n      s: { type: string, default: \"%s\" }\n"
            "relationship_types:\n  my.Rel:\n    derived_from: tosca.relationships.DependsOn\n"
            "    properties:\n      p: { type: string, required: false }\n"
            "topology_template:\n  node_templates:\n")


def test_relationship_templates_past_the_limit(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(REL_HEAD % "x" + "    a:\n      type: my.N\n  relationship_templates:\n"
                 + "".join(f"    r{i}: {{ type: my.Rel }}\n" for i in range(5_000)))
    d = assert_refused(run(["check", p]), "limit-exceeded", line=16)
    assert "5,000 relationship templates" in d["message"]
    assert "max_relationship_templates = 1,000" in d["message"]


def test_relationship_templates_concatenating_a_long_source_property(tmp_path):
    """200 templates (under the count limit), each the concat of its SOURCE's 1 MB
    property four times: 800 MB of text (7.9 GB peak with 1,000 of them, exit 0).  The
    texts the functions build are bounded together, not only one by one."""
    n = 200
    arg = "{get_property: [SOURCE, s]}"
    p = tmp_path / "r.yaml"
    p.write_text(REL_HEAD % ("v" * 1_000_000) + "    a:\n      type: my.N\n      requirements:\n"
                 + "".join(f"        - dependency: {{ node: b, relationship: r{i} }}\n"
                           for i in range(n))
                 + "    b:\n      type: my.N\n  relationship_templates:\n"
                 + "".join(f"    r{i}:\n      type: my.Rel\n      properties:\n"
                           f"        p: {{concat: [{', '.join([arg] * 4)}]}}\n" for i in range(n)))
    out = run(["check", p])
    d = assert_refused(out, "limit-exceeded")
    assert "max_built_chars = 67,108,864" in d["message"], out.show()
    assert len(out.of("limit-exceeded")) == 1, out.show()  # one cause, one error


def _csar(root, meta_tail: str = "", manifest: str | None = None):
    (root / "TOSCA-Metadata").mkdir(parents=True)
    (root / "Definitions").mkdir()
    (root / "Definitions" / "main.yaml").write_text(
        shapes.HEAD + "topology_template:\n  node_templates:\n    a:\n      type: tosca.nodes.Root\n")
    (root / "TOSCA-Metadata" / "TOSCA.meta").write_text(
        shapes.META + ("ETSI-Entry-Manifest: main.mf\n" if manifest is not None else "") + meta_tail)
    if manifest is not None:
        (root / "main.mf").write_text(manifest)
    return root


def test_a_manifest_of_250000_source_blocks(tmp_path):
    """99 s of CPU and 1.2 GB in the manifest grammar before; counted first now."""
    head = ("metadata:\n  vnf_product_name: x\n  vnf_provider_id: y\n  vnf_package_version: 1.0\n"
            "  vnf_release_date_time: 2020-01-01T00:00:00+00:00\n\n")
    blocks = "".join(f"Source: Files/f{i}.txt\nAlgorithm: SHA-256\nHash: {'0' * 64}\n\n"
                     for i in range(250_000))
    root = _csar(tmp_path / "pkg", manifest=head + blocks)
    d = assert_refused(run(["check", root]), "limit-exceeded", file="main.mf",
                       line=6 + 4 * 10_000 + 1)
    assert "'Source' block past the first 10,000" in d["message"]
    assert "max_manifest_blocks = 10,000" in d["message"]


def test_a_tosca_meta_of_250000_file_blocks(tmp_path):
    tail = "".join(f"\nName: Files/f{i}.txt\nContent-Type: text/plain\n" for i in range(250_000))
    root = _csar(tmp_path / "pkg", meta_tail=tail)
    d = assert_refused(run(["check", root]), "limit-exceeded", file="TOSCA.meta",
                       line=4 + 3 * 10_000 + 2)
    assert "'Name' block past the first 10,000" in d["message"]


def test_a_manifest_within_the_limit_is_read(tmp_path):
    head = ("metadata:\n  vnf_product_name: x\n  vnf_provider_id: y\n  vnf_package_version: 1.0\n"
            "  vnf_release_date_time: 2020-01-01T00:00:00+00:00\n\n")
    root = _csar(tmp_path / "pkg", manifest=head + "Source: Definitions/main.yaml\n")
    out = run(["check", root])
    assert "limit-exceeded" not in out.codes(), out.show()


def test_an_http_body_nested_past_max_depth(tmp_path):
    """The service reads an upload with the descriptor's reader: 20,000 nested brackets
    are a 422 naming yaml-too-deep at its line and column (and, through the CLI, exit 1
    within the budget)."""
    import pytest

    pytest.importorskip("starlette", reason="the 'serve' extra is not installed")
    from starlette.testclient import TestClient

    from compiler.service import Settings, create_app
    from compiler.service.worker import Limits as ServiceLimits

    body = (shapes.HEAD + "metadata:\n  x: " + "[" * 20_000 + "]" * 20_000 + "\n").encode()
    with TestClient(create_app(Settings(workers=1, limits=ServiceLimits(seconds=20)))) as c:
        r = c.post("/v1/check?name=deep.yaml", content=body)
    assert r.status_code == 422, r.text
    (d,) = [d for d in r.json()["diagnostics"] if d["code"] == "yaml-too-deep"]
    assert d["file"] == "deep.yaml" and d["line"] == 3 and d["column"] >= 1, d
    p = tmp_path / "deep.yaml"
    p.write_bytes(body)
    assert_refused(run(["check", p]), "yaml-too-deep", line=3)


def test_a_10_mb_line_of_one_mapping_with_a_duplicate_key(tmp_path):
    """900,000 keys on one line (the last a duplicate) took 19 s and passed 500 MB: the
    entries of one mapping are bounded, reported at the first one past the limit."""
    p = tmp_path / "wide.yaml"
    p.write_text(shapes.HEAD + "metadata: {" + ", ".join(f"k{i}: v" for i in range(900_000))
                 + ", k5: v}\n")
    assert p.stat().st_size > 10_000_000
    d = assert_refused(run(["check", p]), "limit-exceeded", line=2)
    assert "max_collection_items = 50,000" in d["message"]
    assert d["column"] == len("metadata: {") + sum(len(f"k{i}: v, ") for i in range(50_000)) + 1


def test_2000_prefixed_imports_of_the_sol001_types(tmp_path):
    """Each namespace_prefix import defines the file's 117 types again: 2,000 of them took
    20 s and 580 MB; the types of one package are bounded."""
    import shutil

    types = REPO / "compiler/profiles/etsi-nfv-sol001/4.4.1/etsi_nfv_sol001_vnfd_types.yaml"
    shutil.copy(types, tmp_path / types.name)
    shutil.copy(types.with_name("etsi_nfv_sol001_common_types.yaml"), tmp_path)
    p = tmp_path / "vnfd.yaml"
    p.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n"
                 + "".join(f"  - {{ file: {types.name}, namespace_prefix: p{i} }}\n"
                           for i in range(2000))
                 + "topology_template:\n  node_templates:\n    a:\n      type: tosca.nodes.Root\n")
    out = run(["check", p])
    d = assert_refused(out, "limit-exceeded", file=types.name)
    assert "max_types = 3,000" in d["message"] and "namespace_prefix 'p" in d["message"]


def test_a_12_mb_shipped_manifest_of_80000_configmaps(tmp_path):
    """It passed 500 MB (exit 3 under the cap); the documents of one stream are bounded."""
    root = _csar(tmp_path / "pkg")
    (root / "Files" / "kubernetes").mkdir(parents=True)
    big = root / "Files" / "kubernetes" / "big.yaml"
    big.write_text("".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n"
                           f"data:\n  k: {'v' * 100}\n" for i in range(80_000)))
    assert big.stat().st_size > 12_000_000
    d = assert_refused(run(["check", root]), "limit-exceeded", file="big.yaml",
                       line=7 * 5_000 + 1)
    assert "max_documents = 5,000" in d["message"]


def test_an_nsd_of_1000_vnf_nodes(tmp_path):
    """Issue 26: every VNF node of an NSD becomes a renamed copy of its VNFD (templates,
    policies, X-factor model); 1,000 of one small VNFD is refused at the 201st node
    (Limits.max_vnfs), before any VNFD is substituted."""
    fixtures = REPO / "tests" / "fixtures" / "ns"
    for name in ("db_vnfd.yaml", "db_types.yaml"):
        (tmp_path / name).write_text((fixtures / name).read_text())
    p = tmp_path / "ns.yaml"
    p.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n"
                 "  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_nsd_types.yaml\n"
                 "  - db_vnfd.yaml\ntopology_template:\n  node_templates:\n"
                 + "".join(f"    db{i}:\n      type: example.nodes.nfv.Db\n" for i in range(1000)))
    d = assert_refused(run(["check", p]), "limit-exceeded", line=7 + 2 * 200)
    assert "the NSD's 1,000 VNF nodes exceeds the limit max_vnfs = 200" in d["message"]


def test_an_nsd_wiring_between_two_vnfs_of_120_workloads(tmp_path):
    """Issue 26: a wiring to or from a VNF node is one wiring per pair of workloads, so
    five lines of an NSD made 14,400 wirings (12 s of CPU, a 2.6 MB FailurePolicy);
    refused at that wiring (Limits.max_unit_wirings)."""
    n = 120
    (tmp_path / "big_vnfd.yaml").write_text(
        "tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n"
        "  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml\n"
        "  - xfactor/1.0/profile.yaml\nnode_types:\n  example.nodes.nfv.Big:\n"
        "    derived_from: tosca.nodes.nfv.VNF\n    properties:\n"
        + "".join(f"      {p}: {{ type: string, default: x }}\n" for p in (
            "flavour_id", "descriptor_id", "descriptor_version", "provider", "product_name",
            "software_version", "flavour_description"))
        + "      vnfm_info: { type: list, entry_schema: { type: string }, default: [ v ] }\n"
        "topology_template:\n  substitution_mappings:\n    node_type: example.nodes.nfv.Big\n"
        "  node_templates:\n"
        + "".join(f"    w{i}:\n      type: xfactor.nodes.CNF\n      properties: "
                  "{ image: r.example.net/w:1, process: { state: stateless } }\n"
                  for i in range(n)))
    p = tmp_path / "nsd.yaml"
    p.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n"
                 "  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_nsd_types.yaml\n"
                 "  - xfactor/1.0/profile.yaml\n  - big_vnfd.yaml\ntopology_template:\n"
                 "  node_templates:\n    a:\n      type: example.nodes.nfv.Big\n"
                 "    b:\n      type: example.nodes.nfv.Big\n  policies:\n    - ab:\n"
                 "        type: xfactor.policies.Wiring\n        properties: { source: a, target: b }\n")
    out = run(["check", p])
    d = assert_refused(out, "limit-exceeded", line=13)
    assert "makes 14,400 wirings and exceeds the limit max_unit_wirings = 2,000" in d["message"]
    assert len(out.diagnostics) == 1, out.show()  # one cause, one error
