"""The application layer (compiler.api, issue 25): typed requests and results for every
verb, no printing, the public compiler.* functions thin over it, a public bundle(), and
the faces' answers unchanged (the CLI's bundle writes exactly the API's files)."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

import compiler
from compiler import api, cli
from compiler.errors import OptionsError

REPO = Path(__file__).resolve().parents[2]
SLICE = str(REPO / "samples" / "5g-core-slice" / "slice.yaml")
TWO = str(REPO / "tests" / "fixtures" / "bundles" / "two-flavours" / "top.yaml")


def test_requests_and_results_are_frozen_dataclasses():
    for name in ("LoadRequest", "CheckRequest", "CompileRequest", "BundleRequest",
                 "GraphRequest", "SimulateRequest", "ExplainRequest", "ReportRequest",
                 "LoadResult", "CheckResult", "CompileResult", "BundleResult", "GraphResult",
                 "SimulateResult", "ExplainResult", "ReportResult"):
        cls = getattr(api, name)
        assert dataclasses.is_dataclass(cls), name
        assert cls.__dataclass_params__.frozen, name
    req = api.CompileRequest(path=SLICE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.path = "other.yaml"  # type: ignore[misc]


def test_every_verb_answers_in_data_and_prints_nothing(capsys):
    options = api.Options()
    assert api.load(api.LoadRequest(path=SLICE)).unit.package is not None
    checked = api.check(api.CheckRequest(path=SLICE, options=options))
    compiled = api.compile(api.CompileRequest(path=SLICE, options=options))
    assert checked.ok and compiled.ok and compiled.outputs
    dot = api.graph(api.GraphRequest(path=SLICE, format="dot"))
    assert dot.ok and dot.text and dot.text.startswith("digraph")
    data = api.graph(api.GraphRequest(path=SLICE, format="json")).data
    assert data is not None and data["waves"]
    sim = api.simulate(api.SimulateRequest(path=SLICE, node="upf"))
    assert sim.ok and "upf" in sim.as_text() and sim.as_json()
    missing = api.simulate(api.SimulateRequest(path=SLICE, node="no-such-node"))
    assert missing.unknown_node and "upf" in missing.nodes
    told = api.explain(api.ExplainRequest(path=SLICE, wiring="smf.wiring"))
    assert told.ok and told.text
    none = api.explain(api.ExplainRequest(path=SLICE, wiring="nowhere"))
    assert none.text is None and none.wirings
    page = api.report(api.ReportRequest(path=SLICE))
    assert page.html.startswith("<!DOCTYPE html>") or page.html.lstrip().lower().startswith("<!doctype")
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_check_in_every_flavour_says_which():
    one = api.check(api.CheckRequest(path=TWO))
    every = api.check(api.CheckRequest(path=TWO, all_flavours=True))
    assert one.flavours == ()
    assert len(every.flavours) > 1


def test_the_public_functions_are_the_api():
    compiled = compiler.compile(SLICE, targets=["kubernetes", "onap"])
    same = api.compile(api.CompileRequest(path=SLICE,
                                          options=api.Options(targets=("kubernetes", "onap"))))
    assert [(f.path, f.content) for f in compiled.outputs] == \
        [(f.path, f.content) for f in same.outputs]
    with pytest.raises(OptionsError):
        compiler.compile(SLICE, namespace="Not A Label")
    with pytest.raises(OptionsError):
        api.compile(api.CompileRequest(path=SLICE, options=api.Options(namespace="Bad_NS")))


def test_bundle_is_public_and_the_cli_writes_its_files(tmp_path):
    result = compiler.bundle(SLICE, ["helm", "kustomize"])
    assert result.ok and result.problem is None and result.files
    assert {f.path.split("/", 1)[0] for f in result.files} == {"helm", "kustomize"}
    out = tmp_path / "out"
    assert cli.main(["bundle", SLICE, "-f", "helm", "-f", "kustomize", "-o", str(out), "-q"],
                    out=io.StringIO()) == 0
    written = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*")
               if p.is_file() and p.name != ".xfc-manifest"}
    assert written == {f.path: f.content for f in result.files}


def test_a_bundle_problem_is_data_not_an_exception(tmp_path):
    with pytest.raises(OptionsError):
        api.bundle(api.BundleRequest(path=SLICE, formats=("no-such-format",)))
    bad = tmp_path / "bad.yaml"
    bad.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\nnode_templates: [\n")
    result = api.bundle(api.BundleRequest(path=str(bad), formats=("helm",)))
    assert not result.ok and result.unit is not None and not result.unit.ok and not result.files
    unsigned = api.bundle(api.BundleRequest(
        path=SLICE, formats=("csar",),
        settings=api.settings(sign_key=b"not a key", sign_cert=b"not a certificate")))
    assert unsigned.problem is not None and unsigned.problem.kind == "sign"
    assert unsigned.unit is None  # refused before the compile


def test_diagnostics_cap_default_is_the_limit():
    """compiler.diagnostics no longer imports compiler.limits (the circle is gone): the
    default cap it keeps is the Limits field's default."""
    from compiler.diagnostics import DEFAULT_MAX_PER_CODE, Diagnostics
    from compiler.limits import Limits

    assert Diagnostics().max_per_code == DEFAULT_MAX_PER_CODE == Limits().max_diagnostics_per_code


def test_the_bundler_call_comes_from_the_plugin_table_not_a_signature(monkeypatch):
    """xfc's own bundlers get the settings; a third party gets the protocol call
    bundle(unit, files, diags) whatever its signature says (no inspect guessing)."""
    from compiler import plugins
    from compiler.model import OutputFile

    seen = {}

    class Greedy:
        name = "greedy"
        description = "declares settings it is not given"

        def bundle(self, unit, files, diags, settings=None):
            seen["settings"] = settings
            return [OutputFile(path="greedy.txt", content=b"g\n", producer="greedy")]

    real_names, real_bundler = plugins.names, plugins.bundler
    monkeypatch.setattr(plugins, "names",
                        lambda kind: real_names(kind) + (["greedy"] if kind == "bundler" else []))
    monkeypatch.setattr(plugins, "bundler",
                        lambda name: Greedy() if name == "greedy" else real_bundler(name))
    result = api.bundle(api.BundleRequest(path=SLICE, formats=("greedy", "kustomize"),
                                          settings=api.settings(archive=False)))
    assert result.ok and seen == {"settings": None}
    assert [f.path for f in result.files][0] == "greedy.txt"
    assert any(f.path.startswith("kustomize/") for f in result.files)


def test_the_readme_library_example_runs(monkeypatch, capsys):
    """README.md's "As a library" block is what the library does (run as written)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## As a library", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert "compiler.bundle(" in block and "api.simulate(" in block
    monkeypatch.chdir(REPO)
    exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - our own README
    printed = capsys.readouterr().out
    assert "True" in printed and "kubernetes/" in printed and "upf" in printed
