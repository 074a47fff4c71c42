"""Run ``xfc check`` and ``xfc compile`` over every descriptor of the shared corpus.

Issue 21's "tried again on descriptors from public projects that no one here wrote": every
TOSCA file of ``INDEX.tsv`` and every CSAR folder of ``CSAR_DIRS.txt`` is checked (the
library's ``check``, which is ``xfc check``: every flavour of a multi-flavour VNFD) and
compiled (once per flavour checked); then, for each compilation that is clean, every fact
the descriptor writes must reach an object or draw a positioned warning
(``tests/support/facts.py``), and for each refusal the first error is tallied by code so
that its cause can be read.  Prints the counts (``--json FILE`` writes them) and lists

* tracebacks and ``InternalError`` (a bug: bad input never crashes);
* files where check and compile disagree (check runs compile's back ends, so never);
* facts lost silently (a property that reaches no object and draws no warning);
* the first error of each refusal, one line per file (``--refusals``).

    python bench/corpus_sweep.py [--corpus DIR] [--refusals] [--json F] [--allow-missing-artifacts]

docs/conformance.md records the last run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@dataclass
class Outcome:
    path: str
    check: str  # ok | error | crash
    compile: str  # ok | error | crash | skipped
    flavours: tuple[str, ...] = ()
    first_error: str = ""
    first_code: str = ""
    facts: int = 0
    silent: list[str] = field(default_factory=list)
    crash: str = ""


def _sweep(job: tuple[str, str, bool]) -> Outcome:
    import compiler
    from compiler.pipeline import Options
    from tests.support.facts import facts, silent_facts

    path, root, allow_missing = job
    opts = Options(root=root) if os.path.isfile(path) else Options()
    opts = replace(opts, allow_missing_artifacts=allow_missing)
    try:
        unit, ids = compiler.check_flavours(path, opts)
    except Exception as exc:  # noqa: BLE001 - a crash is what the sweep hunts
        return Outcome(path, "crash", "skipped", crash=f"check: {type(exc).__name__}: {exc}")
    errors = unit.diagnostics.errors()
    out = Outcome(path, "error" if errors else "ok", "skipped", ids)
    if errors:
        e = errors[0]
        out.first_code = e.code
        out.first_error = f"{e.span.line}:{e.span.column} {e.code}: {e.message}"[:300]
    verdicts = []
    for fid in ids or (None,):
        try:
            comp = compiler.compile(path, replace(opts, flavour=fid) if fid else opts)
        except Exception as exc:  # noqa: BLE001
            out.compile, out.crash = "crash", f"compile: {type(exc).__name__}: {exc}"
            return out
        verdicts.append(comp.ok)
        if comp.ok:
            out.facts += sum(1 for _ in facts(comp))
            out.silent += [f"{fid}: {s}" if fid else s for s in silent_facts(comp)]
    out.compile = "ok" if all(verdicts) else "error"
    return out


def jobs(corpus: Path, allow_missing: bool = False) -> list[tuple[str, str, bool]]:
    with open(corpus / "INDEX.tsv", encoding="utf-8") as fh:
        files = [r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["kind"] == "tosca"]
    dirs = [ln.strip() for ln in (corpus / "CSAR_DIRS.txt").read_text().splitlines() if ln.strip()]
    return [(str(corpus / rel), str(corpus / rel.split("/", 1)[0]), allow_missing)
            for rel in files + dirs]


def summary(results: list[Outcome]) -> dict:
    return {
        "descriptors": len(results),
        "check": dict(Counter(r.check for r in results)),
        "compile": dict(Counter(r.compile for r in results)),
        "multi_flavour": sum(1 for r in results if r.flavours),
        "check_compile_disagree": sum(1 for r in results if r.check != "crash"
                                      and r.check != r.compile),
        "facts_in_clean_compilations": sum(r.facts for r in results),
        "silent_facts": sum(len(r.silent) for r in results),
        "first_error_codes": dict(Counter(r.first_code for r in results if r.first_code)
                                  .most_common()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--refusals", action="store_true", help="list each refusal's first error")
    ap.add_argument("--json", metavar="FILE", help="write the summary and outcomes as JSON")
    ap.add_argument("--allow-missing-artifacts", action="store_true",
                    help="as xfc's flag: the corpus keeps packages without their binaries")
    args = ap.parse_args(argv)
    work = jobs(Path(args.corpus), args.allow_missing_artifacts)
    with ProcessPoolExecutor(max_workers=max(1, args.workers)) as pool:
        results = list(pool.map(_sweep, work, chunksize=4))
    doc = summary(results)
    print(json.dumps(doc, indent=2))
    corpus = args.corpus.rstrip("/") + "/"
    for r in results:
        rel = r.path.replace(corpus, "")
        if r.crash:
            print(f"CRASH\t{rel}\t{r.crash}")
        elif r.check != r.compile:
            print(f"DISAGREE\t{rel}\tcheck {r.check}, compile {r.compile}")
        for s in r.silent:
            print(f"SILENT\t{rel}\t{s}")
        if args.refusals and r.first_error:
            print(f"REFUSED\t{rel}\t{r.first_error}")
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": doc, "outcomes": [
            asdict(r) for r in results]}, indent=2) + "\n")
    bad = any(r.crash or r.silent or (r.check != r.compile) for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
