"""Conformance: ``xfc check`` over every TOSCA file and CSAR directory of ../shared/corpus.

Asserts: no traceback anywhere; every disagreement with tosca-parser's verdict (a crash
counted as a reject) is listed in docs/deviations.md (by path) with its reason; the
agreement over the files tosca-parser gave a verdict on does not fall below the recorded
floor.  The agreement table is printed (``pytest -s`` shows it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conformance import corpus_run

REPO = Path(__file__).resolve().parents[2]
DEVIATIONS = REPO / "docs" / "deviations.md"
# The headline agreement (files with a tosca-parser verdict) measured when the suite was
# last reviewed (527/544 = 0.9688: per-version normative types, tosca-parser's
# "valid but not supported" rows counted as no verdict); a drop is a regression.
# Raised from 517/544 (issue 21): ten of Tacker's own sample files that Tacker 16.0.0's
# onboarding accepts are accepted through named quirks with a warning
# (tests/integration/test_tacker_own_samples.py); each of the 17 disagreements left is xfc
# following the spec where tosca-parser does not (docs/deviations.md).
FLOOR = 0.9687

# pytest-xdist: the corpus run below is made once per run, on the worker that runs this module
pytestmark = pytest.mark.xdist_group("corpus-run")


@pytest.fixture(scope="module")
def results(corpus):
    return corpus_run.run(corpus)


def test_no_tracebacks_on_tosca_files(results):
    bad = [f"{r.path}\n{r.first_error}" for r in results if r.ours == "traceback"]
    assert not bad, "\n\n".join(bad)


def test_agreement_table(results, capsys):
    text = corpus_run.table(results)
    with capsys.disabled():
        print("\n" + text)
    a, n = corpus_run.headline(results)
    assert n == sum(1 for r in results if r.reference in ("ok", "validation_error"))
    assert a / n >= FLOOR, text


def _reasons(doc: str) -> dict[str, str]:
    """Path -> reason of each list item written ``- `path` — reason``."""
    out = {}
    for line in doc.splitlines():
        m = re.match(r"- `([^`]+)` — (.+)", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def test_every_disagreement_is_explained(results):
    reasons = _reasons(DEVIATIONS.read_text(encoding="utf-8"))
    missing = [f"{r.path} (tosca-parser {r.reference}, xfc {r.ours}: {r.first_error[:120]})"
               for r in results if not r.agrees and not reasons.get(r.path)]
    assert not missing, ("not explained in docs/deviations.md (`- `path` — reason`):\n"
                         + "\n".join(missing))


def test_no_stale_explanations(results):
    # a file listed as a disagreement that now agrees is a stale entry: the document
    # must describe the current state (paths mentioned in prose are not list items)
    disagree = {r.path for r in results if not r.agrees}
    listed = set(_reasons(DEVIATIONS.read_text(encoding="utf-8")))
    crash_error = {r.path for r in results if r.reference == "crash" and r.ours != "ok"}
    stale = sorted(listed - disagree - crash_error)
    assert not stale, "listed in docs/deviations.md but agreeing now:\n" + "\n".join(stale)


def test_csar_directories_load_without_traceback(corpus):
    dirs = [line.strip() for line in (corpus / "CSAR_DIRS.txt").read_text().splitlines()
            if line.strip()]
    bad = []
    for d in dirs:
        verdict, first = corpus_run.check_one(corpus, d)
        if verdict == "traceback":
            bad.append(f"{d}\n{first}")
    assert not bad, "\n\n".join(bad)
