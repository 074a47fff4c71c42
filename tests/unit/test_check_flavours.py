"""``xfc check`` on a VNFD with several deployment flavours checks every one (issue 21,
item 6): a problem of some flavours names them, one of every flavour is printed once."""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from compiler import cli
from compiler import api


def check_flavours(path, options):
    """``xfc check``'s call: every flavour when the options name none."""
    result = api.check(api.CheckRequest(path=path, options=options, all_flavours=True))
    return result.unit, result.flavours
from compiler.pipeline import Options

REPO = Path(__file__).resolve().parents[2]
SHOP = str(REPO / "tests/fixtures/flavours/vnfd.yaml")  # flavours big and tiny, no default
TWO = str(REPO / "tests/fixtures/bundles/two-flavours/top.yaml")  # the VNF names 'small'


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(list(argv), out=out)
    return code, out.getvalue() + err.getvalue()


def test_every_flavour_is_checked_and_named():
    code, text = run("check", SHOP, "--color", "never")
    assert code == 1
    assert "choose one with --flavour" not in text  # the old dead end
    # the error only the tiny flavour has, and its warning, say so
    assert ("shop_df_tiny.yaml:31:34: error[tosca-wrong-type]: a lot is not an integer "
            "(integer) (in flavour 'tiny')") in text
    assert "warning[tosca-unsupported]: workflows are accepted but not processed" in text
    assert text.count("workflows are accepted") == 2  # tiny's own, and the VNFD's
    # the VNFD's workflows warning is reported by both flavours: once, untagged
    assert ("vnfd.yaml:30:3: warning[tosca-unsupported]: workflows are accepted but not "
            "processed: xfc derives the deployment order from requirements and wirings\n") in text
    assert "(2 deployment flavours checked: big, tiny): 1 error, 2 warnings" in text


def test_json_lists_the_flavours_and_deduplicates():
    code, text = run("check", SHOP, "--format", "json")
    assert code == 1
    doc = json.loads(text)
    assert doc["flavours"] == ["big", "tiny"]
    msgs = [(d["file"].rsplit("/", 1)[-1], d["line"], d["message"]) for d in doc["diagnostics"]]
    assert len(msgs) == len(set(msgs))
    tagged = {m.rsplit("(in flavour ", 1)[-1] for _f, _l, m in msgs if "(in flavour " in m}
    assert tagged == {"'big')", "'tiny')"}


def test_a_clean_flavour_alone_is_clean():
    code, text = run("check", SHOP, "--flavour", "big", "-q")
    assert (code, text) == (0, "")


def test_the_flavour_the_vnf_names_is_not_the_only_one_checked():
    unit, checked = check_flavours(TWO, Options())
    assert checked == ("large", "small")
    assert unit.ok
    messages = [d.message for d in unit.diagnostics]
    # the cache workload only exists in the large flavour
    assert any("'cache'" in m and m.endswith("(in flavour 'large')") for m in messages)


def test_a_single_flavour_or_none_is_one_compilation():
    unit, checked = check_flavours(str(REPO / "samples/5g-core-slice/slice.yaml"), Options())
    assert checked == () and unit.topology is not None
    unit, checked = check_flavours(TWO, Options(flavour="small"))
    assert checked == () and unit.topology.flavour == "small"


def test_batch_check_reports_each_input_in_every_flavour(tmp_path):
    code, text = run("check", SHOP, TWO, "--jobs", "1", "--color", "never")
    assert code == 1
    assert "(in flavour 'tiny')" in text and "(in flavour 'large')" in text


def test_merge_names_flavours_and_keeps_the_package_verdict_untagged():
    from compiler.api.flavours import merge_flavours
    from compiler.diagnostics import Diagnostics, Span
    from compiler.pipeline import Compilation

    def unit(*diags: tuple[str, str, int]) -> Compilation:
        d = Diagnostics()
        for code, message, line in diags:
            d.add(code, message, Span("v.yaml", line, 1))
        return Compilation(path="v.yaml", options=Options(), diagnostics=d)

    verdict = ("tosca-parser-verdict", "tosca-parser rejects the package", 1)
    shared = ("tosca-unsupported", "workflows are accepted but not processed", 2)
    first = unit(verdict, shared, ("tosca-wrong-type", "x is not an integer", 3))
    big = unit(shared)
    merged = merge_flavours({"tiny": first, "big": big}, first)
    got = sorted((d.code, d.message) for d in merged)
    assert got == [("tosca-parser-verdict", "tosca-parser rejects the package"),
                   ("tosca-unsupported", "workflows are accepted but not processed"),
                   ("tosca-wrong-type", "x is not an integer (in flavour 'tiny')")]


# One loader pass (issue 25, item 2): every flavour is resolved from the package loaded
# once, and the merged diagnostics are those of compiling each flavour from scratch (the
# way check worked before), loader notes included.
CORPUS = Path(os.environ.get("XFC_CORPUS", "/work/shared/corpus"))
TACKER = {"practical": "tacker/samples/practical_vnf_package",  # flavours ha, scalable
          "cnf-heal": "tacker/samples/tests/etc/samples/etsi/nfv/test_cnf_heal"}


@pytest.fixture
def loads(monkeypatch):
    import compiler.loader

    count = {"load": 0}
    real = compiler.loader.load

    def load(*a, **kw):
        count["load"] += 1
        return real(*a, **kw)

    monkeypatch.setattr(compiler.loader, "load", load)
    return count


def _from_scratch(path: str, options: Options):
    """The merged diagnostics of compiling the package afresh in each flavour."""
    from compiler.api.flavours import _flavours_of, merge_flavours

    first = api.compile(api.CompileRequest(path=path, options=options)).unit
    ids = _flavours_of(first)
    if not ids:
        return first.diagnostics, ids
    units = {fid: first if first.topology is not None and first.topology.flavour == fid
             else api.compile(api.CompileRequest(path=path, options=replace(
                 options, flavour=fid, tosca_parser=False))).unit for fid in ids}
    return merge_flavours(units, first), ids


def _case(name: str) -> tuple[str, Options]:
    if name in TACKER:
        path = CORPUS / TACKER[name]
        if not path.exists():
            pytest.skip(f"corpus path {TACKER[name]} is not at {CORPUS}")
        return str(path), Options(root=str(CORPUS / "tacker"), quirks=("all",))
    return {"shop": SHOP, "two": TWO}[name], Options()


@pytest.mark.parametrize("name", ["practical", "cnf-heal", "shop", "two"])
def test_a_multi_flavour_check_costs_one_loader_pass(loads, name):
    path, options = _case(name)
    result = api.check(api.CheckRequest(path=path, options=options, all_flavours=True))
    assert len(result.flavours) >= 2
    assert loads == {"load": 1}
    loads["load"] = 0
    merged, ids = _from_scratch(path, options)
    assert ids == result.flavours
    got = [d.to_json() for d in result.unit.diagnostics]
    assert got == [d.to_json() for d in merged]
    if name == "cnf-heal":  # the loader's notes, which every flavour reports: once, untagged
        assert any(d["code"] == "import-version" and "(in flavour" not in d["message"]
                   for d in got)
    assert result.unit.diagnostics.render_text() == merged.render_text()
