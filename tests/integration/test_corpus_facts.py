"""Every fact of every clean corpus descriptor reaches an object or draws a warning.

Issue 9 item 2: for each sample and each corpus descriptor that compiles clean, every
property (and capability property) the descriptor writes with a value is either mapped by
the conversion matrix onto an emitted object, or named by a positioned warning of the
Kubernetes back end (tests/support/facts.py says exactly what counts).  Never silence.
"""

from __future__ import annotations

import csv
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# a floor on how many corpus descriptors compile clean, so this cannot pass vacuously
MIN_COMPILED = 300


def _targets(corpus: Path) -> list[tuple[str, str]]:
    with open(corpus / "INDEX.tsv", encoding="utf-8") as fh:
        files = [r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["kind"] == "tosca"]
    dirs = [line.strip() for line in (corpus / "CSAR_DIRS.txt").read_text().splitlines() if line.strip()]
    out = [(str(corpus / rel), str(corpus / rel.split("/", 1)[0])) for rel in files + dirs]
    for sample in sorted((REPO / "samples").iterdir()):
        out.append((str(sample), str(sample)))
    return out


def _silent(job: tuple[str, str]) -> tuple[str, bool, int, list[str]]:
    import compiler
    from tests.support.facts import facts, silent_facts

    path, root = job
    opts = {"root": root} if os.path.isfile(path) else {}
    unit = compiler.compile(path, **opts)
    if not unit.ok:
        return path, False, 0, []
    return path, True, sum(1 for _ in facts(unit)), silent_facts(unit)


def test_every_written_fact_is_mapped_or_warned(corpus):
    jobs = _targets(corpus)
    with ProcessPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        results = list(pool.map(_silent, jobs, chunksize=8))
    compiled = [r for r in results if r[1]]
    total = sum(r[2] for r in compiled)
    silent = [(p, s) for p, _, _, s in compiled if s]
    print(f"\nfacts: {len(compiled)} descriptors compile clean, {total} written facts checked")
    assert not silent, "facts dropped in silence:\n" + "\n".join(
        f"{p}:\n  " + "\n  ".join(s[:8]) for p, s in silent[:10])
    assert len(compiled) >= MIN_COMPILED, f"only {len(compiled)} descriptors compiled clean"
    assert total > 10 * len(compiled)  # the walk found the facts, not an empty index


def test_the_check_sees_silence(monkeypatch):
    """Without the back end's warnings, the facts a VM VDU and its ports lose are reported:
    the corpus-wide check can fail."""
    import compiler
    from compiler.emitters.kubernetes import matrix, workloads
    from tests.support.facts import silent_facts

    monkeypatch.setattr(matrix, "check_keys", lambda ctx: None)
    monkeypatch.setattr(workloads, "not_realised", lambda ctx, node, why: None)
    unit = compiler.compile(str(REPO / "samples" / "sol001-firewall-chain"))
    assert unit.ok
    silent = silent_facts(unit)
    assert "node firewall (tosca.nodes.nfv.Vdu.Compute): vdu_profile" in silent
    assert "capability firewall (tosca.nodes.nfv.Vdu.Compute): virtual_compute.virtual_cpu" in silent
    assert "node fw-in (tosca.nodes.nfv.VduCp): layer_protocols" in silent
