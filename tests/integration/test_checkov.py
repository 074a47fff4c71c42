"""checkov's Kubernetes checks on every sample's and every clean corpus output (issue 9
item 5): zero failed checks, except those docs/validation.md lists, for the objects it
names, with the reason each does not apply.

All outputs go into one directory tree and checkov runs once over it (it starts slowly).
checkov comes from .ci/tools.sh (.tools/checkov); without it the tests skip, and fail under
CI=true XFC_REQUIRE_TOOLS=1 (tests/support/validators.py, require_tool).
"""

from __future__ import annotations

import csv
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.support.validators import checkov_run, require_tool

REPO = Path(__file__).resolve().parents[2]
VALIDATION_DOC = REPO / "docs" / "validation.md"
# a floor on how many objects checkov must have scanned, so this cannot pass vacuously
MIN_RESOURCES = 300

_ROW = re.compile(r"^\| `(CKV2?_[A-Z0-9_]+)` \| (all|shipped) \| (.+?) \|$", re.M)


def exceptions() -> dict[str, tuple[str, str]]:
    """check id -> (objects, reason), as docs/validation.md lists them."""
    text = VALIDATION_DOC.read_text(encoding="utf-8")
    section = text.split("## checkov: a second opinion on the objects", 1)[1].split("\n## ", 1)[0]
    rows = {m.group(1): (m.group(2), m.group(3).strip()) for m in _ROW.finditer(section)}
    assert rows, "docs/validation.md lists no checkov exceptions in the form the test reads"
    return rows


def _jobs(corpus: Path) -> list[tuple[int, str, str]]:
    with open(corpus / "INDEX.tsv", encoding="utf-8") as fh:
        files = [r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["kind"] == "tosca"]
    dirs = [line.strip() for line in (corpus / "CSAR_DIRS.txt").read_text().splitlines() if line.strip()]
    paths = [(str(corpus / rel), str(corpus / rel.split("/", 1)[0])) for rel in files + dirs]
    for sample in sorted((REPO / "samples").iterdir()):
        entry = sample
        yamls = sorted(sample.glob("*.yaml"))
        if not (sample / "TOSCA-Metadata").is_dir() and len(yamls) == 1:
            entry = yamls[0]
        paths.append((str(entry), str(sample)))
    return [(i, p, root) for i, (p, root) in enumerate(paths)]


def _compile_into(job: tuple[int, str, str, str]) -> tuple[str, int]:
    import compiler
    from compiler.pipeline import Options

    i, path, root, out = job
    kw = {"root": root} if os.path.isfile(path) else {}
    # corpus packages are kept without their binaries (images, scripts): since missing
    # artifact files are errors (issue 21), the flag keeps them compiling, as elsewhere
    unit = compiler.compile(path, Options(emitters=("kubernetes",), allow_missing_artifacts=True, **kw))
    if not unit.ok:
        return path, 0
    n = 0
    for f in unit.outputs:
        if f.path.startswith("kubernetes/"):
            target = Path(out) / f"{i:04d}" / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.content)
            n += 1
    return path, n


def _failures(out: Path) -> tuple[list[dict], int]:
    rc, text = checkov_run(out)
    assert rc in (0, 1), f"checkov exited {rc}:\n{text[-2000:]}"
    start = text.find("[") if text.lstrip().startswith("[") else text.find("{")
    data = json.loads(text[start:])
    reports = data if isinstance(data, list) else [data]
    failed, resources = [], 0
    for report in reports:
        resources += report.get("summary", {}).get("resource_count", 0)
        failed.extend(report.get("results", {}).get("failed_checks", []))
    return failed, resources


def _origin(out: Path, failure: dict) -> str:
    doc = yaml.safe_load((out / failure["file_path"].lstrip("/")).read_text(encoding="utf-8"))
    ann = ((doc or {}).get("metadata") or {}).get("annotations") or {}
    return "shipped" if ann.get("xfactor.io/origin") == "shipped" else "generated"


def unexplained(out: Path, failed: list[dict], allowed: dict[str, tuple[str, str]]) -> list[str]:
    bad = []
    for f in failed:
        scope = allowed.get(f["check_id"], (None,))[0]
        if scope == "all" or (scope == "shipped" and _origin(out, f) == "shipped"):
            continue
        bad.append(f"{f['check_id']} ({f['check_name']}): {f['file_path']} {f['resource']}")
    return bad


def test_every_output_passes_checkov_but_the_listed_checks(corpus, tmp_path):
    require_tool("checkov")
    allowed = exceptions()
    for check, (_, reason) in allowed.items():
        assert len(reason) > 20, f"docs/validation.md gives {check} no reason"
    jobs = [(i, p, root, str(tmp_path)) for i, p, root in _jobs(corpus)]
    with ProcessPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        results = list(pool.map(_compile_into, jobs, chunksize=8))
    written = sum(n for _, n in results)
    samples = [p for p, n in results if "/samples/" in p and n]
    assert len(samples) >= 4, "every sample compiles to objects"
    failed, resources = _failures(tmp_path)
    print(f"\ncheckov: {resources} resources from {written} files, {len(failed)} listed failures")
    assert resources >= MIN_RESOURCES
    bad = unexplained(tmp_path, failed, allowed)
    assert not bad, "checkov failures not listed in docs/validation.md:\n" + "\n".join(sorted(set(bad))[:40])
    stale = sorted(set(allowed) - {f["check_id"] for f in failed})
    assert not stale, f"docs/validation.md lists checks that no output fails any more: {stale}"


def test_an_unlisted_failure_is_reported(tmp_path):
    """A privileged, root container that xfc would never write draws failures that the
    list does not excuse: the test above can fail."""
    require_tool("checkov")
    bad = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "bad", "namespace": "x"},
        "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
            "metadata": {"labels": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "reg/x@sha256:" + "0" * 64,
                                     "securityContext": {"privileged": True}}]}}},
    }
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    failed, resources = _failures(tmp_path)
    assert resources >= 1
    ids = {line.split()[0] for line in unexplained(tmp_path, failed, exceptions())}
    assert "CKV_K8S_16" in ids  # privileged containers
