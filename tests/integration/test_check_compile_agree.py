"""``xfc check`` is ``xfc compile`` without writing (issue 9 item 9), in every deployment
flavour of a multi-flavour VNFD (issue 21 item 6: compiled once per flavour to compare).

Over the whole corpus (walked as tests/integration/test_corpus_outputs.py walks it) and the
samples, for every target, the ``check`` command's verdict and diagnostic codes equal
those of the compilation ``compile`` runs; back-end codes (``k8s-object-missing`` …) must
therefore fire in ``check`` too.  One compile and one check per file and target set, in a
process pool.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


REPO = Path(__file__).resolve().parents[2]
# the flags compile and check share; tacker needs its parameter (docs/policies.md)
# (every target at once: the default, kubernetes, is one of them; one set keeps it fast)
TARGET_SETS = (
    ("--target", "kubernetes", "--target", "onap", "--target", "osm", "--target", "tacker",
     "--param", "vnf_instance_id=ci"),
)
BACK_END_PREFIXES = ("k8s-", "policy-", "emit-")


def _targets(corpus: Path) -> list[tuple[str, str]]:
    """(path, its repository copy) for every TOSCA file and CSAR folder of the corpus, as
    test_corpus_outputs.py walks it (not imported: that module needs kubernetes-validate)."""
    with open(corpus / "INDEX.tsv", encoding="utf-8") as fh:
        files = [r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["kind"] == "tosca"]
    dirs = [ln.strip() for ln in (corpus / "CSAR_DIRS.txt").read_text().splitlines() if ln.strip()]
    return [(str(corpus / rel), str(corpus / rel.split("/", 1)[0])) for rel in files + dirs]


def _codes(diagnostics) -> list[tuple[str, str]]:
    return sorted((d["severity"], d["code"]) for d in diagnostics)


def _agree(job: tuple[str, str | None]) -> tuple[str, list[str], list[str]]:
    """(path, disagreements, error codes of check) for one file."""
    from compiler import cli
    from compiler.commands.common import compile_unit
    from compiler.cli import build_parser

    path, root = job
    # corpus packages are kept without their binaries (VM images, scripts): with the flag
    # they are warnings, so that the later phases, back ends included, run and are compared
    base = [path, "--allow-missing-artifacts"] + (
        ["--root", root] if root and os.path.isfile(path) else [])
    problems, errors = [], []
    parser, _ = build_parser()
    for flags in TARGET_SETS:
        # what `xfc compile PATH -o DIR ...` compiles, before it writes
        args = parser.parse_args(["compile", *base, "--stdout", *flags])
        if isinstance(args.path, list):  # compile takes many paths (batch); one here
            args.path = args.path[0]
        unit = compile_unit(args)
        compiled = _codes(json.loads(unit.diagnostics.render_json()))
        out = io.StringIO()
        code = cli.main(["check", *base, "--format", "json", "--all-notes", *flags], out=out)
        doc = json.loads(out.getvalue())
        checked = _codes(doc["diagnostics"])
        if doc.get("flavours"):
            # issue 21 item 6: check checks every flavour of a multi-flavour VNFD, where
            # compile needs --flavour: check agrees with compile run once per flavour
            # (its verdict is theirs together; its codes, de-duplicated, are theirs)
            ok, codes = True, set()
            for fid in doc["flavours"]:
                fargs = parser.parse_args(["compile", *base, "--stdout", *flags, "--flavour", fid])
                fargs.path = fargs.path[0] if isinstance(fargs.path, list) else fargs.path
                funit = compile_unit(fargs)
                ok = ok and funit.ok
                codes |= set(_codes(json.loads(funit.diagnostics.render_json())))
            if code != (0 if ok else 1) or doc["ok"] != ok:
                problems.append(f"{flags}: check exit {code}, compile in every flavour ok={ok}")
            if set(checked) != codes:
                problems.append(f"{flags}: codes differ from the flavours': "
                                f"{sorted(set(checked) ^ codes)}")
            errors += [c for s, c in checked if s == "error"]
            continue
        if code != (1 if not unit.ok else 0) or doc["ok"] != unit.ok:
            problems.append(f"{flags}: check exit {code}, compile ok={unit.ok}")
        if checked != compiled:
            diff = Counter(checked)
            diff.subtract(Counter(compiled))
            problems.append(f"{flags}: codes differ: {sorted(k for k, v in diff.items() if v)}")
        errors += [c for s, c in checked if s == "error"]
    return path, problems, errors


def test_check_and_compile_agree_on_every_corpus_package(corpus):
    # the failing inputs of back-end codes (tests/diagnostics) join the corpus: since
    # issue 19 no corpus package draws a back-end error any more (Tacker's own sample with
    # VDUs partly without objects was the last, and Tacker accepts it: now a warning), and
    # check must still run the back ends and agree with compile where they refuse
    own = [(str(p), None) for code in ("k8s-duplicate-object", "k8s-no-image", "k8s-env-name")
           for p in sorted((REPO / "tests" / "diagnostics" / code).glob("fail*"))
           if p.suffix != ".expect"]
    jobs = _targets(corpus) + [(str(p), None) for p in sorted((REPO / "samples").iterdir())] + own
    with ProcessPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        results = list(pool.map(_agree, jobs, chunksize=8))
    bad = [(p, probs) for p, probs, _ in results if probs]
    assert not bad, "check and compile disagree:\n" + "\n".join(
        f"{p}:\n  " + "\n  ".join(probs) for p, probs in bad[:20])
    # not vacuous: back-end errors do fire in check (the failing inputs above at least)
    back_end = Counter(c for _, _, errs in results for c in errs if c.startswith(BACK_END_PREFIXES))
    print(f"\nback-end errors drawn by check: {dict(back_end)}")
    assert back_end, "no corpus package drew a back-end error in check"
    assert len(results) == len(jobs) >= 300
