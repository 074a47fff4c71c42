"""Every corpus descriptor that checks clean compiles to objects that real tools accept.

Issue 5's bar: each emitted Kubernetes object passes kubernetes-validate in strict mode
(and our CRDs' published schemas), for every sample and every corpus descriptor that
checks clean.  Files run in a process pool; each worker compiles and validates.
"""

from __future__ import annotations

import csv
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import yaml


pytest.importorskip("kubernetes_validate", reason="kubernetes-validate is not installed (.ci/tools.sh)")

# a floor on how many corpus descriptors compile clean, so this cannot pass vacuously
MIN_COMPILED = 300


def _targets(corpus: Path) -> list[tuple[str, str]]:
    with open(corpus / "INDEX.tsv", encoding="utf-8") as fh:
        files = [r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["kind"] == "tosca"]
    dirs = [line.strip() for line in (corpus / "CSAR_DIRS.txt").read_text().splitlines() if line.strip()]
    out = []
    for rel in files + dirs:
        repo = rel.split("/", 1)[0]
        out.append((str(corpus / rel), str(corpus / repo)))
    return out


def _compile_and_validate(job: tuple[str, str]) -> tuple[str, bool, int, list[str]]:
    import compiler
    from tests.support.validators import validate_object

    path, root = job
    opts = {"root": root} if os.path.isfile(path) else {}
    result = compiler.compile(path, **opts)
    if not result.ok:
        return path, False, 0, []
    problems: list[str] = []
    count = 0
    for f in result.outputs:
        if not f.path.endswith((".yaml", ".yml")):
            continue
        for doc in yaml.safe_load_all(f.content):
            if doc is None:
                continue
            count += 1
            for err in validate_object(doc):
                problems.append(f"{f.path}: {err}")
    return path, True, count, problems


def test_clean_corpus_descriptors_compile_to_valid_objects(corpus):
    jobs = _targets(corpus)
    with ProcessPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        results = list(pool.map(_compile_and_validate, jobs, chunksize=8))
    compiled = [r for r in results if r[1]]
    objects = sum(r[2] for r in compiled)
    bad = [(p, probs) for p, ok, _, probs in compiled if probs]
    print(f"\ncorpus: {len(compiled)} of {len(jobs)} descriptors compile clean; "
          f"{objects} objects validated")
    assert not bad, "invalid objects:\n" + "\n".join(
        f"{p}:\n  " + "\n  ".join(probs[:5]) for p, probs in bad[:10])
    assert len(compiled) >= MIN_COMPILED, f"only {len(compiled)} corpus descriptors compiled clean"
    assert objects > len(compiled) // 2
