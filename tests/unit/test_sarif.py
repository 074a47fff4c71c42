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
from compiler.diagnostics import Diagnostic, Severity, Span
from tests.support import sarif_github as github
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
    doc = json.loads(sarif.render(result.diagnostics, root=str(REPO), input_path=str(_input(case))))
    assert _errors(validator, doc) == []
    # GitHub's upload rules: a relative URI and a region.startLine on every location
    assert github.problems(doc) == []
    results = doc["runs"][0]["results"]
    assert len(results) == len(result.diagnostics)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    # the expected positions of the case are the SARIF regions of its code
    expect = case.parent / f"{_stem(case)}.expect"
    lines = [ln.split() for ln in expect.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    want = {(int(w.split(":")[-2]), int(w.split(":")[-1])) for w, c in lines if c == code}
    # a diagnostic about a whole file (line 0) is placed on line 1: GitHub wants a startLine
    want = {(line or 1, col) for line, col in want}
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


def test_codes_doc_is_the_registry(golden) -> None:
    """docs/codes.md (where each rule's helpUri points) is generated from the registry;
    ``pytest --update-golden`` rewrites it."""
    doc = REPO / "docs" / "codes.md"
    text = sarif.codes_markdown()
    if golden.update:
        doc.write_text(text, encoding="utf-8")
    assert doc.read_text(encoding="utf-8") == text, "run pytest --update-golden"
    headings = {ln[3:] for ln in text.splitlines() if ln.startswith("## ")}
    assert headings == set(CODES)


DOCS = "https://docs.example.org/xfc/docs/"


def test_rules_carry_their_documentation_and_no_made_up_link(monkeypatch) -> None:
    """xfc has no public home: without a documentation base no informationUri or helpUri
    is written (a placeholder would be a dead link); the help travels in the log."""
    monkeypatch.delenv(sarif.HELP_BASE_ENV, raising=False)
    doc = sarif.sarif_log([_diag(3, file="/r/pkg/a.yaml")], root="/r")
    run = doc["runs"][0]
    assert "informationUri" not in run["tool"]["driver"]
    for rule in run["tool"]["driver"]["rules"]:
        assert "helpUri" not in rule
        assert rule["help"]["markdown"].startswith(f"**{rule['id']}** (")
        assert f"`xfc codes {rule['id']}`" in rule["help"]["markdown"]
    assert github.problems(doc) == []
    assert "no helpUri" in " ".join(github.problems(doc, require_links=True))


@pytest.mark.parametrize("given", [DOCS, DOCS.rstrip("/")])
def test_a_documentation_base_links_the_tool_and_every_rule(monkeypatch, given: str) -> None:
    monkeypatch.delenv(sarif.HELP_BASE_ENV, raising=False)
    doc = sarif.sarif_log([_diag(3, file="/r/pkg/a.yaml")], root="/r", docs=given)
    run = doc["runs"][0]
    assert run["tool"]["driver"]["informationUri"] == DOCS
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["helpUri"] == f"{DOCS}codes.md#{rule['id']}"
    assert github.problems(doc, require_links=True) == []
    # the environment variable sets it when the flag does not; the flag wins
    monkeypatch.setenv(sarif.HELP_BASE_ENV, "https://other.example.org/d/")
    assert sarif.sarif_log([])["runs"][0]["tool"]["driver"]["informationUri"] == \
        "https://other.example.org/d/"
    assert sarif.sarif_log([], docs=given)["runs"][0]["tool"]["driver"]["informationUri"] == DOCS


def test_the_cli_takes_a_documentation_base_and_refuses_what_is_no_url(
        monkeypatch, capsys, tmp_path: Path) -> None:
    monkeypatch.delenv(sarif.HELP_BASE_ENV, raising=False)
    bad = tmp_path / "bad.yaml"
    bad.write_text((REPO / "tests" / "diagnostics" / "yaml-syntax" / "fail.yaml").read_text())
    out = io.StringIO()
    assert main(["check", str(bad), "--format", "sarif", "--sarif-help-base", DOCS], out) == 1
    run = json.loads(out.getvalue())["runs"][0]
    assert run["tool"]["driver"]["informationUri"] == DOCS
    assert run["tool"]["driver"]["rules"][0]["helpUri"].startswith(DOCS + "codes.md#")
    for base in ("docs/", "file:///usr/share/doc/xfc/", "ftp://x.example/"):
        assert main(["check", str(bad), "--format", "sarif", "--sarif-help-base", base],
                    io.StringIO()) == 2
        assert "not an absolute http(s) URL" in capsys.readouterr().err
    monkeypatch.setenv(sarif.HELP_BASE_ENV, "docs/")
    assert main(["check", str(bad), "--format", "sarif"], io.StringIO()) == 2
    assert sarif.HELP_BASE_ENV in capsys.readouterr().err


def _diag(line: int, message: str = "bad", file: str = "pkg/a.yaml") -> Diagnostic:
    return Diagnostic(code="yaml-syntax", severity=Severity.ERROR, message=message,
                      span=Span(file, line, 3))


def test_fingerprints_ignore_the_line_and_tell_results_apart() -> None:
    fp = lambda d: sarif.result(d, root="/r")["partialFingerprints"][sarif.FINGERPRINT]  # noqa: E731
    assert fp(_diag(4)) == fp(_diag(40))
    assert fp(_diag(4)) != fp(_diag(4, "other"))
    assert fp(_diag(4)) != fp(_diag(4, file="pkg/b.yaml"))


def test_whole_file_and_non_file_positions_get_a_start_line() -> None:
    whole = _diag(0, file="/r/pkg/a.yaml")
    inputs = Diagnostic(code="tosca-missing-input", severity=Severity.ERROR, message="x",
                        span=Span("<inputs>"))
    doc = sarif.sarif_log([whole, inputs], root="/r", input_path="/r/pkg/main.yaml")
    locs = [r["locations"][0]["physicalLocation"] for r in doc["runs"][0]["results"]]
    assert [p["region"]["startLine"] for p in locs] == [1, 1]
    assert locs[1]["artifactLocation"] == {"uri": "pkg/main.yaml", "uriBaseId": "SRCROOT"}
    assert doc["runs"][0]["results"][1]["message"]["text"].startswith("<inputs>: ")
    assert github.problems(doc) == []


def test_uris_are_relative_to_the_root_with_a_base_id() -> None:
    plain = sarif.sarif_log([_diag(2, file="/r/pkg/a.yaml")], root="/r", declare_root=False)
    assert "originalUriBaseIds" not in plain["runs"][0]
    assert plain["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"] == {"uri": "pkg/a.yaml"}
    doc = sarif.sarif_log([_diag(2, file="/r/pkg/a b.yaml"), _diag(2, file="/elsewhere/x.yaml")],
                          root="/r")
    run = doc["runs"][0]
    assert run["originalUriBaseIds"] == {"SRCROOT": {"uri": "file:///r/"}}
    arts = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert arts[0] == {"uri": "pkg/a%20b.yaml", "uriBaseId": "SRCROOT"}
    assert arts[1] == {"uri": "file:///elsewhere/x.yaml"}  # outside the root: absolute
    assert github.problems(doc) == ["run 0 result 1: file:///elsewhere/x.yaml is not "
                                    "relative to the checkout"]


def test_the_github_rules_reject_what_github_rejects() -> None:
    doc = sarif.sarif_log([_diag(3)], root="/r")
    doc["runs"].append(json.loads(json.dumps(doc["runs"][0])))
    del doc["runs"][1]["results"][0]["locations"][0]["physicalLocation"]["region"]
    found = github.problems(doc)
    assert any("a second run of tool 'xfc'" in p for p in found), found
    assert any("has no region.startLine" in p for p in found), found


def test_a_batch_is_one_run_that_github_accepts(validator, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Several inputs, given as absolute and relative paths: one run, one invocation per
    input, URIs relative to the working folder (or --sarif-root)."""
    work = tmp_path / "repo"
    (work / "svc").mkdir(parents=True)
    bad = work / "svc" / "bad.yaml"
    bad.write_text((REPO / "tests" / "diagnostics" / "yaml-syntax" / "fail.yaml").read_text())
    good = work / "svc" / "good.yaml"
    good.write_text((REPO / "tests" / "diagnostics" / "yaml-syntax" / "fail.yaml").read_text())
    monkeypatch.chdir(work)
    for extra, root in (([], work), (["--sarif-root", str(tmp_path)], tmp_path),
                        (["--sarif-help-base", DOCS], work)):
        out = io.StringIO()
        assert main(["check", str(bad), "svc/good.yaml", "--format", "sarif", "--jobs", "1",
                     *extra], out) == 1
        doc = json.loads(out.getvalue())
        assert _errors(validator, doc) == []
        assert github.problems(doc, require_links="--sarif-help-base" in extra) == []
        (run,) = doc["runs"]
        assert len(run["invocations"]) == 2
        if "--sarif-root" in extra:  # declared
            assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == root.as_uri() + "/"
        else:  # the working folder: plain relative references, no machine path written
            assert "originalUriBaseIds" not in run
            assert str(tmp_path) not in out.getvalue()
        uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                      for r in run["results"])
        prefix = "" if root == work else "repo/"
        assert uris == [prefix + "svc/bad.yaml", prefix + "svc/good.yaml"]
