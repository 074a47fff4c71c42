"""The conformance run's rules, on small made-up corpora (no ../shared needed):
a multi-flavour VNFD is judged once per flavour; the headline counts only files on which
tosca-parser gave a verdict."""

from __future__ import annotations

from tests.conformance import corpus_run
from tests.unit.test_flavours import df, make


def test_multi_flavour_vnfd_clean_in_every_flavour(tmp_path):
    (tmp_path / "repo").mkdir()
    make(tmp_path / "repo")
    v = corpus_run.judge(tmp_path, "repo/top.yaml")
    assert (v.ours, v.first_error, v.flavours) == ("ok", "", ("large", "small"))


def test_multi_flavour_vnfd_with_a_bad_flavour(tmp_path):
    (tmp_path / "repo").mkdir()
    repo = make(tmp_path / "repo").parent
    # flavour large's VDU0 lacks the required property description; small is clean
    (repo / "df_large.yaml").write_text(df("large", 3).replace("        description: vdu\n", "", 1))
    v = corpus_run.judge(tmp_path, "repo/top.yaml")
    assert v.ours == "error" and v.flavours == ("large", "small")
    # as xfc check prints it: the flavours that report it named at the end
    assert v.first_error.startswith("16:7 tosca-missing-property: node template 'VDU0'"), \
        v.first_error
    assert v.first_error.endswith("(in flavour 'large')"), v.first_error
    assert "small" not in v.first_error


def test_single_flavour_error_is_not_retried(tmp_path):
    (tmp_path / "repo").mkdir()
    make(tmp_path / "repo")
    # a flavour file checked alone is an ordinary descriptor
    v = corpus_run.judge(tmp_path, "repo/df_small.yaml")
    assert v.flavours == ()


def R(ref, ours):
    return corpus_run.Result("p", ref, ours, "", "")


def test_headline_leaves_out_crashes_all_files_counts_them_as_rejects():
    res = [R("ok", "ok"), R("ok", "error"), R("validation_error", "error"),
           R("crash", "ok"), R("crash", "error")]
    assert corpus_run.headline(res) == (2, 3)
    assert corpus_run.all_files(res) == (3, 5)
    text = corpus_run.table(res)
    crash_row = next(line for line in text.splitlines() if line.startswith("crash"))
    assert crash_row.split() == ["crash", "(no", "verdict)", "1", "1", "0"]
    assert "2/3 = 66.7%" in text and "3/5 = 60.0%" in text
