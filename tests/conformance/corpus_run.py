"""Run ``xfc check`` over the third-party corpus and compare with tosca-parser.

Used by tests/conformance/test_corpus.py and runnable alone
(``python -m tests.conformance.corpus_run``) to print the agreement table and the list of
disagreements.  Each corpus file is checked as ``xfc check FILE --root <its repository
directory>``: tosca-parser resolves relative imports freely, so the root is widened to
the upstream repository copy (never beyond it).  Files are checked in a process pool
(one worker per core).

tosca-parser's verdict is INDEX.tsv column ``parse_B_2.12`` (2.12.0 with the ETSI type
files supplied locally): ``ok`` is an accept, ``validation_error`` a reject.  ``crash``
(a raw TypeError/KeyError/... out of tosca-parser) is no verdict on the file's validity,
so the headline agreement is computed over the files with a verdict; the crash rows are
shown as their own row, and the all-files figure (crash counted as a reject, since
Tacker would fail on the file too) is printed beside it (docs/deviations.md).  A reject
whose reason is tosca-parser's ``UnsupportedTypeError`` ("Type X is valid TOSCA type but
not supported at this time") is no verdict either: tosca-parser states the file's type is
valid and declines to go on; those rows are ``unsupported``, counted like crashes.

A top-level VNFD whose VNF has several deployment flavours is checked once per flavour,
as ``xfc check`` and ``compiler.check`` do (``compiler.api.check`` with ``all_flavours``), and counts as
accepted when every flavour is clean, rejected (the message naming the flavours with
errors) otherwise.  ``check`` runs the back ends too, as the CLI does; their codes
(``PROFILE_CODES``) are not TOSCA validity and are counted apart.
"""

from __future__ import annotations

import csv
import os
import sys
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from compiler import check_flavours  # noqa: E402
from compiler.diagnostics import Severity  # noqa: E402
from compiler.pipeline import Options  # noqa: E402


PROFILE_CODES = ("xf-", "k8s-", "policy-", "emit-")
VERDICTS = ("ok", "validation_error")  # tosca-parser judged the file; "crash" did not


@dataclass(frozen=True, slots=True)
class Verdict:
    ours: str  # ok | error | traceback
    first_error: str
    flavours: tuple[str, ...] = ()  # checked once per flavour when non-empty


@dataclass(frozen=True, slots=True)
class Result:
    path: str
    reference: str  # ok | validation_error | crash | unsupported
    ours: str  # ok | error | traceback
    first_error: str
    reference_error: str
    flavours: tuple[str, ...] = ()

    @property
    def has_verdict(self) -> bool:
        """Whether tosca-parser judged the file (ok / validation_error), not crashed."""
        return self.reference in VERDICTS

    @property
    def agrees(self) -> bool:
        """Agreement with a crash counted as a reject."""
        return (self.reference == "ok") == (self.ours == "ok")


def rows(corpus: Path, kind: str = "tosca") -> list[dict]:
    with open(corpus / "INDEX.tsv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r["kind"] == kind]


def _errors(unit) -> list:
    # TOSCA validity only: the X-factor profile's own checks (xf-*) judge traits, which
    # tosca-parser knows nothing of; they are counted apart (see docs/deviations.md)
    return [d for d in unit.diagnostics
            if d.severity >= Severity.ERROR and not d.code.startswith(PROFILE_CODES)]


def _describe(e) -> str:
    return f"{e.span.line}:{e.span.column} {e.code}: {e.message}"


def judge(corpus: Path, rel: str) -> Verdict:
    """The verdict of ``xfc check`` on one corpus path (``compiler.check_flavours``: a
    multi-flavour VNFD in every flavour, a problem of some flavours naming them)."""
    root = str(corpus / rel.split("/")[0])
    path = str(corpus / rel)
    try:
        unit, ids = check_flavours(path, Options(root=root))
        if _undeclared_sol001(unit):
            # a bare-name SOL001 import whose version nothing declares is an error of its
            # own (docs/imports.md); the reference verdict was taken with the ETSI files
            # supplied locally (SOURCES.md: Tacker's 2.6.1), so the file is judged as the
            # user would then run it: with --profile-path naming those files
            unit, ids = check_flavours(path, Options(root=root, profile_paths=(TACKER_TYPES,)))
        errors = _errors(unit)
        if not errors:
            return Verdict("ok", "", ids)
        return Verdict("error", _describe(errors[0]), ids)
    except Exception:  # noqa: BLE001 - a traceback is what this suite hunts
        return Verdict("traceback", traceback.format_exc(limit=-3))


TACKER_TYPES = str(REPO / "compiler" / "profiles" / "etsi-nfv-sol001" / "2.6.1")


def _undeclared_sol001(unit) -> bool:
    """The only errors are bare-name SOL001 imports of no declared version."""
    errors = _errors(unit)
    return bool(errors) and all(e.code == "import-unresolved" and "declares a SOL001 version"
                                in e.message for e in errors)


def check_one(corpus: Path, rel: str) -> tuple[str, str]:
    """(verdict, first error) of ``xfc check`` on one corpus path."""
    v = judge(corpus, rel)
    return v.ours, v.first_error


def _one(args: tuple[str, dict]) -> Result:
    corpus, r = args
    v = judge(Path(corpus), r["path"])
    return Result(r["path"], reference(r), v.ours, v.first_error,
                  r.get("first_error_B", ""), v.flavours)


def reference(row: dict) -> str:
    """tosca-parser's verdict on an INDEX.tsv row; a reject that only says "valid TOSCA
    type but not supported" is ``unsupported`` (no verdict on validity)."""
    ref = row["parse_B_2.12"] or "?"
    if ref == "validation_error" and (row.get("first_error_B") or "").startswith(
            "UnsupportedTypeError"):
        return "unsupported"
    return ref


def run(corpus: Path, workers: int | None = None) -> list[Result]:
    """Every TOSCA file of the corpus, in INDEX.tsv order."""
    work = [(str(corpus), r) for r in rows(corpus)]
    workers = workers or min(4, os.cpu_count() or 1)
    if workers == 1:
        return [_one(w) for w in work]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_one, work, chunksize=8))


def headline(results: list[Result]) -> tuple[int, int]:
    """(agreeing, total) over the files on which tosca-parser gave a verdict."""
    judged = [r for r in results if r.has_verdict]
    return sum(1 for r in judged if r.agrees), len(judged)


def all_files(results: list[Result]) -> tuple[int, int]:
    """(agreeing, total) over every file, a tosca-parser crash counted as a reject."""
    return sum(1 for r in results if r.agrees), len(results)


def table(results: list[Result]) -> str:
    c = Counter((r.reference, r.ours) for r in results)
    a, n = headline(results)
    b, m = all_files(results)
    multi = [r for r in results if r.flavours]
    lines = [
        "agreement of `xfc check` with tosca-parser 2.12 (INDEX.tsv parse_B_2.12)",
        f"{'tosca-parser':<24}{'xfc ok':>8}{'xfc error':>11}{'traceback':>11}",
    ]
    for ref, label in (("ok", "ok"), ("validation_error", "validation_error"),
                       ("crash", "crash (no verdict)"),
                       ("unsupported", "unsupported (no verdict)")):
        lines.append(f"{label:<24}{c[(ref, 'ok')]:>8}{c[(ref, 'error')]:>11}"
                     f"{c[(ref, 'traceback')]:>11}")
    lines.append(f"agreement where tosca-parser gave a verdict: {a}/{n} = {a / max(1, n):.1%}")
    lines.append(f"all files, no verdict counted as a reject:  {b}/{m} = {b / max(1, m):.1%}")
    lines.append(f"multi-flavour VNFDs checked once per flavour: {len(multi)} "
                 f"({sum(1 for r in multi if r.ours == 'ok')} clean in every flavour)")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a developer tool
    corpus = REPO.parent / "shared" / "corpus"
    res = run(corpus)
    print(table(res))
    for r in res:
        if not r.agrees or r.ours == "traceback":
            print(f"{r.path}\t{r.reference}\t{r.ours}\t{r.first_error[:200]}")
