"""A version xfc does not read is the first and only word, before any import is tried
(issue 21, item 10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import compiler
from compiler.loader.tosca_version import READ
from compiler.resolve import VERSIONS

REPO = Path(__file__).resolve().parents[2]


def _check(tmp_path: Path, text: str, name: str = "t.yaml") -> list:
    p = tmp_path / name
    p.write_text(text)
    unit = compiler.check(str(p))
    return [(d.code, d.span.line, d.message, d.hint) for d in unit.diagnostics]


def test_the_loader_and_the_resolver_read_the_same_versions():
    assert READ == VERSIONS


@pytest.mark.parametrize("version, says", [
    ("tosca_simple_yaml_2_0", "is not the version name of TOSCA 2.0, which is tosca_2_0"),
    ("tosca_2_1", "is not the version name of TOSCA 2.0, which is tosca_2_0"),
    ("alien_dsl_2_0_0", "is Alien4Cloud's own TOSCA dialect"),
    ("alien_dsl_1_4_0", "is Alien4Cloud's own TOSCA dialect"),
    ("acme_tosca_9", "is a version xfc does not know"),
])
def test_an_unread_version_comes_before_its_imports(tmp_path, version, says):
    # imports that cannot be resolved: a profile name, a missing file, a URL
    text = (f"tosca_definitions_version: {version}\n"
            "imports:\n"
            "  - profile: org.oasis-open:simple:2.0\n"
            "  - missing_types.yaml\n"
            "  - tosca-normative-types:1.0.0-ALIEN20\n"
            "topology_template:\n  node_templates: {}\n")
    got = _check(tmp_path, text)
    assert [(c, line) for c, line, _m, _h in got] == [("tosca-version", 1)]
    code, _line, message, hint = got[0]
    assert repr(version) in message and says in message
    assert "tosca_simple_yaml_1_3" in hint  # the hint names what xfc reads


def test_a_near_miss_gets_a_suggestion_and_the_list(tmp_path):
    got = _check(tmp_path, "tosca_definitions_version: tosca_simple_yaml_1_4\n"
                           "imports: [nothing_here.yaml]\n")
    assert [c for c, *_ in got] == ["tosca-version"]
    assert "did you mean 'tosca_simple_yaml_1_3'?" in got[0][3]
    assert "tosca_simple_profile_for_nfv_1_0_0" in got[0][3]


def test_a_number_is_not_a_version_name(tmp_path):
    got = _check(tmp_path, "tosca_definitions_version: 1.3\nimports: [x.yaml]\n")
    assert [c for c, *_ in got] == ["tosca-version"]
    assert "is not a version name" in got[0][2]


def test_an_imported_file_with_an_unread_version_stops_there(tmp_path):
    (tmp_path / "two.yaml").write_text("tosca_definitions_version: alien_dsl_2_0_0\n"
                                       "imports: [deeper_missing.yaml]\n")
    got = _check(tmp_path, "tosca_definitions_version: tosca_simple_yaml_1_3\n"
                           "imports: [two.yaml]\n")
    assert [(c, m.split(" is ")[0]) for c, _l, m, _h in got] == \
        [("tosca-version", "tosca_definitions_version 'alien_dsl_2_0_0'")]


def test_tosca_2_0_is_read_so_its_imports_are_tried(tmp_path):
    # TOSCA 2.0 is read (compiler.loader.tosca2): its imports are resolved and reported, and
    # its 1.3 keyname topology_template is not a 2.0 keyname (TOSCA 2.0 §6.1)
    text = ("tosca_definitions_version: tosca_2_0\n"
            "imports:\n"
            "  - profile: org.oasis-open:simple:2.0\n"
            "  - missing_types.yaml\n"
            "topology_template:\n  node_templates: {}\n")
    got = _check(tmp_path, text)
    assert [(c, line) for c, line, _m, _h in got] == [
        ("import-unresolved", 3), ("import-unresolved", 4), ("tosca-unknown-field", 5)]
    assert "unknown profile 'org.oasis-open:simple:2.0'" in got[0][2]
    assert "org.oasis-open.simple:2.0" in got[0][3]  # the hint lists the catalog's


def test_a_known_version_still_tries_its_imports(tmp_path):
    got = _check(tmp_path, "tosca_definitions_version: tosca_simple_yaml_1_3\n"
                           "imports: [missing_types.yaml]\n")
    assert [c for c, *_ in got] == ["import-unresolved"]


def test_the_cli_exits_1_with_the_version_first(tmp_path):
    p = tmp_path / "svc.yaml"
    p.write_text("tosca_definitions_version: alien_dsl_3_0_0\nimports:\n  - profile: x\n")
    proc = subprocess.run([sys.executable, "-m", "compiler", "check", str(p), "--format", "json"],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    diags = json.loads(proc.stdout)["diagnostics"]
    assert [(d["code"], d["line"], d["column"]) for d in diags] == [("tosca-version", 1, 28)]
