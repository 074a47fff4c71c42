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
    wide.write_text(head + "{" + ", ".join(f"a{i}: 1" for i in range(50_000)) + "}'\n")
    d = assert_refused(run(["krm"], stdin=deep), "krm-error", positioned=False, line=1)
    assert "functionConfig inputs" in d["message"] and "max_depth" in d["message"]
    d = assert_refused(run(["krm"], stdin=wide), "krm-error", positioned=False, line=1)
    assert "max_config_values" in d["message"]


def test_a_concat_of_100000_arguments(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text(shapes.HEAD + "topology_template:\n  node_templates:\n    n0:\n"
                 "      type: tosca.nodes.ObjectStorage\n      properties:\n"
                 "        name: { concat: [ " + ", ".join(["a"] * 100_000) + " ] }\n")
    d = assert_refused(run(["check", p]), "limit-exceeded", line=p.read_text().count("\n"))
    assert "max_function_args = 1,000" in d["message"] and "100,000 arguments" in d["message"]


def test_requirements_of_one_node_past_the_limit(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(shapes.HEAD + "topology_template:\n  node_templates:\n    b:\n"
                 "      type: tosca.nodes.Compute\n    a:\n      type: tosca.nodes.SoftwareComponent\n"
                 "      requirements:\n" + "        - host: b\n" * 20_000)
    d = assert_refused(run(["check", p]), "limit-exceeded", line=8)
    assert "max_requirements = 1,000" in d["message"] and "'a'" in d["message"]
