"""Run ``xfc check`` over the third-party corpus and compare with tosca-parser.

Used by tests/conformance/test_corpus.py and runnable alone
(``python -m tests.conformance.corpus_run``) to print the agreement table and the list of
disagreements.  Each corpus file is checked as ``xfc check FILE --root <its repository
directory>``: tosca-parser resolves relative imports freely, so the root is widened to
the upstream repository copy (never beyond it).

tosca-parser's verdict is INDEX.tsv column ``parse_B_2.12`` (2.12.0 with the ETSI type
files supplied locally): ``ok`` is an accept; ``validation_error`` and ``crash`` are
rejects (a crash means Tacker would fail on the file too).
"""

from __future__ import annotations

import csv
import sys
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from compiler import check  # noqa: E402
from compiler.diagnostics import Severity  # noqa: E402
from compiler.pipeline import Options  # noqa: E402


PROFILE_CODES = ("xf-", "k8s-", "policy-", "emit-")


@dataclass
class Result:
    path: str
    reference: str  # ok | validation_error | crash
    ours: str  # ok | error | traceback
    first_error: str
    reference_error: str

    @property
    def agrees(self) -> bool:
        return (self.reference == "ok") == (self.ours == "ok")


def rows(corpus: Path, kind: str = "tosca") -> list[dict]:
    with open(corpus / "INDEX.tsv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r["kind"] == kind]


def check_one(corpus: Path, rel: str) -> tuple[str, str]:
    """(verdict, first error) of ``xfc check`` on one corpus path."""
    root = corpus / rel.split("/")[0]
    try:
        unit = check(str(corpus / rel), Options(root=str(root)))
    except Exception:  # noqa: BLE001 - a traceback is what this suite hunts
        return "traceback", traceback.format_exc(limit=-3)
    # TOSCA validity only: the X-factor profile's own checks (xf-*) judge traits, which
    # tosca-parser knows nothing of; they are counted apart (see docs/deviations.md)
    errors = [d for d in unit.diagnostics
              if d.severity >= Severity.ERROR and not d.code.startswith(PROFILE_CODES)]
    if not errors:
        return "ok", ""
    e = errors[0]
    return "error", f"{e.span.line}:{e.span.column} {e.code}: {e.message}"


def run(corpus: Path) -> list[Result]:
    out = []
    for r in rows(corpus):
        verdict, first = check_one(corpus, r["path"])
        out.append(Result(r["path"], r["parse_B_2.12"] or "?", verdict, first,
                          r.get("first_error_B", "")))
    return out


def table(results: list[Result]) -> str:
    c = Counter((r.reference, r.ours) for r in results)
    agree = sum(1 for r in results if r.agrees)
    lines = [
        "agreement of `xfc check` with tosca-parser 2.12 (INDEX.tsv parse_B_2.12)",
        f"{'tosca-parser':<18}{'xfc ok':>8}{'xfc error':>11}{'traceback':>11}",
    ]
    for ref in ("ok", "validation_error", "crash"):
        lines.append(f"{ref:<18}{c[(ref, 'ok')]:>8}{c[(ref, 'error')]:>11}"
                     f"{c[(ref, 'traceback')]:>11}")
    lines.append(f"agreement: {agree}/{len(results)} = {agree / max(1, len(results)):.1%}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a developer tool
    corpus = REPO.parent / "shared" / "corpus"
    res = run(corpus)
    print(table(res))
    for r in res:
        if not r.agrees or r.ours == "traceback":
            print(f"{r.path}\t{r.reference}\t{r.ours}\t{r.first_error[:160]}")
