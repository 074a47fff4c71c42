"""SARIF 2.1.0 output (compiler.sarif, ``--format sarif``), validated against the published schema.

The schema is the OASIS SARIF 2.1.0 JSON schema as shipped by the npm package
@microsoft/jest-sarif (installed by .ci/tools.sh into .tools/sarif/).  Every failing input
under tests/diagnostics/ (one per diagnostic code, from every phase, back ends included)
is rendered as SARIF and must validate, and must carry its expected code at its position.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import jsonschema
import pytest

import compiler
from compiler import sarif
from compiler.cli import main
from compiler.codes import CODES
from tests.test_diagnostics_suite import FAIL, _input, _options, _stem

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / ".tools" / "sarif" / "sarif-2.1.0-rtm.5.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    if not SCHEMA.is_file():
        msg = f"SARIF schema missing: run bash .ci/tools.sh (expected {SCHEMA.relative_to(REPO)})"
        if os.environ.get("CI") == "true" and os.environ.get("XFC_REQUIRE_TOOLS") == "1":
            pytest.fail(msg + " (required: CI=true and XFC_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip(msg)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _errors(validator: jsonschema.Draft4Validator, doc: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(doc)]


def test_the_validator_rejects_a_broken_log(validator) -> None:
    doc = sarif.sarif_log([])
    assert _errors(validator, doc) == []
    doc["runs"][0]["results"] = [{"ruleId": "yaml-syntax", "level": "fatal", "message": {"text": "x"}}]
    assert _errors(validator, doc), "a level outside error/warning/note/none must not validate"


def test_rules_are_the_code_registry(validator) -> None:
    rules = sarif.rules()
    assert [r["id"] for r in rules] == list(CODES)
    by_id = {r["id"]: r for r in rules}
    assert by_id["yaml-syntax"]["name"] == "YamlSyntax"
    assert by_id["xf-no-traits"]["defaultConfiguration"]["level"] == "note"
    assert by_id["k8s-latest-tag"]["defaultConfiguration"]["level"] == "warning"
    assert by_id["import-outside-root"]["help"]["text"].startswith(
        "An import points outside the package root.")


@pytest.mark.parametrize("code,case", FAIL, ids=[f"{c}/{p.name}" for c, p in FAIL])
def test_every_failing_input_is_valid_sarif(validator, code: str, case: Path) -> None:
    result = compiler.compile(str(_input(case)), _options(case))
    doc = json.loads(sarif.render(result.diagnostics))
    assert _errors(validator, doc) == []
    results = doc["runs"][0]["results"]
    assert len(results) == len(result.diagnostics)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    # the expected positions of the case are the SARIF regions of its code
    expect = case.parent / f"{_stem(case)}.expect"
    lines = [ln.split() for ln in expect.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    want = {(int(w.split(":")[-2]), int(w.split(":")[-1])) for w, c in lines if c == code}
    got = set()
    for r in results:
        if r["ruleId"] != code:
            continue
        region = r.get("locations", [{}])[0].get("physicalLocation", {}).get("region", {})
        got.add((region.get("startLine", 0), region.get("startColumn", 0)))
    assert want <= got, (want, got)


def test_import_chain_becomes_related_locations(validator, tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_text(
        "tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n  - lib/types.yaml\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "types.yaml").write_text(
        "tosca_definitions_version: tosca_simple_yaml_1_3\nnode_types:\n  a: [unclosed\n")
    result = compiler.check(str(tmp_path / "main.yaml"))
    doc = sarif.sarif_log(result.diagnostics)
    assert _errors(validator, doc) == []
    inner = [r for r in doc["runs"][0]["results"]
             if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("lib/types.yaml")]
    assert inner, doc["runs"][0]["results"]
    related = inner[0]["relatedLocations"]
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"].endswith("main.yaml")
    assert related[0]["physicalLocation"]["region"]["startLine"] == 3
    assert related[0]["message"]["text"] == "imported from here"


def test_cli_check_and_compile_print_sarif(validator, tmp_path: Path) -> None:
    bad = REPO / "tests" / "diagnostics" / "yaml-syntax" / "fail.yaml"
    for argv in (["check", str(bad), "--format", "sarif"],
                 ["compile", str(bad), "-o", str(tmp_path / "out"), "--format", "sarif"]):
        out = io.StringIO()
        assert main(argv, out) == 1
        doc = json.loads(out.getvalue())
        assert _errors(validator, doc) == []
        assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["yaml-syntax"]
    good = REPO / "samples" / "5g-core-slice" / "slice.yaml"
    out = io.StringIO()
    assert main(["check", str(good), "--format", "sarif", "--quiet"], out) == 0
    doc = json.loads(out.getvalue())
    assert doc["runs"][0]["results"] == []  # --quiet: errors only, and there are none


def test_uris_are_references_not_paths() -> None:
    assert sarif.artifact_uri("pkg/Definitions/a b.yaml") == "pkg/Definitions/a%20b.yaml"
    assert sarif.artifact_uri("/abs/x.yaml") == "file:///abs/x.yaml"
    assert sarif.artifact_uri("c:odd.yaml") == "c%3Aodd.yaml"
