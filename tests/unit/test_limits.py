"""compiler.limits: one table in the code, the same table in docs/robustness.md."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from compiler.diagnostics import Diagnostics, Span
from compiler.limits import DEFAULT_LIMITS, Limits, describe, exceeded
from compiler.loader.yamlpos import Limits as YamlposLimits

DOC = Path(__file__).resolve().parents[2] / "docs" / "robustness.md"
UNITS = {"KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}


def _doc_rows() -> dict[str, int]:
    """limit name -> default, from the table under '## Limits'."""
    text = DOC.read_text()
    section = text.split("## Limits", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for m in re.finditer(r"^\| `(\w+)` \| ([\d,]+)(?: (KiB|MiB|GiB))? \|", section, re.M):
        rows[m.group(1)] = int(m.group(2).replace(",", "")) * UNITS.get(m.group(3) or "", 1)
    return rows


def test_the_doc_table_lists_every_limit_with_its_default():
    assert _doc_rows() == {f.name: f.default for f in fields(Limits)}


def test_every_limit_has_a_description_and_yamlpos_reexports_the_same_class():
    assert all(note for _, _, note in describe()), describe()
    assert YamlposLimits is Limits


def test_exceeded_names_the_limit_at_the_position():
    d = Diagnostics()
    at = Span("f.yaml", 3, 7)
    exceeded(d, "max_import_depth", DEFAULT_LIMITS, "a chain of 65 imports", at)
    (diag,) = list(d)
    assert diag.code == "limit-exceeded" and diag.span == at
    assert "max_import_depth = 64" in diag.message and diag.message.startswith("a chain of 65")


def test_past_the_per_code_limit_one_summary_stands_for_the_rest():
    d = Diagnostics(max_per_code=3)
    for i in range(10):
        d.add("csar-entry-missing", f"missing {i}", Span("m.mf", i + 1, 1))
    d.add("csar-entry-missing", "missing 0", Span("m.mf", 1, 1))  # a duplicate is not counted
    codes = d.codes()
    assert codes.count("csar-entry-missing") == 3
    (summary,) = [x for x in d if x.code == "limit-exceeded"]
    assert summary.span.line == 4 and "max_diagnostics_per_code = 3" in summary.message
    assert d.has_errors


def test_saturated_says_when_more_of_a_code_would_only_be_counted():
    d = Diagnostics(max_per_code=2)
    for i in range(3):
        assert not d.saturated("csar-entry-missing")
        d.add("csar-entry-missing", f"missing {i}", Span("m.mf", i + 1, 1))
    assert d.saturated("csar-entry-missing")  # the third made the summary
    assert not d.saturated("csar-hash-mismatch")
    before = list(d)
    d.add("csar-entry-missing", "missing 9", Span("m.mf", 9, 1))
    assert list(d) == before  # what saturated promises: nothing more is reported


def test_a_depth_limit_above_what_the_stack_supports_is_refused():
    # raised further, the walk would hit Python's recursion limit before the check
    import pytest

    with pytest.raises(ValueError, match="max_function_depth"):
        Limits(max_function_depth=1000)
    with pytest.raises(ValueError, match="max_import_depth"):
        Limits(max_import_depth=1000)
    with pytest.raises(ValueError, match="max_depth"):
        Limits(max_depth=1000)
    assert Limits(max_function_depth=150).max_function_depth == 150


def test_the_highest_function_depth_allowed_still_ends_in_a_diagnostic(tmp_path):
    import compiler
    from compiler.pipeline import Options
    from tests.hostile import shapes

    p = tmp_path / "hops.yaml"
    p.write_text(shapes.property_hops(400))
    unit = compiler.check(str(p), Options(limits=Limits(max_function_depth=150)))
    assert "limit-exceeded" in unit.diagnostics.codes()
