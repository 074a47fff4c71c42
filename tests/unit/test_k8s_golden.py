"""Golden output of the Kubernetes back end, the conversion document, and real inputs.

Golden files live in tests/golden/k8s/<case>/; `pytest --update-golden` rewrites them.
Samples (samples/*) and the valid corpus descriptors go through the real pipeline, and
every object they produce must pass strict schema validation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from compiler.emitters.kubernetes import EMITTER
from compiler.emitters.kubernetes.matrix import CAPABILITY_MATRIX, GROUP_MATRIX, MATRIX, POLICY_MATRIX
from tests.support.validators import validate_object
from tests.unit.test_k8s_emitter import sol001_unit, xfactor_unit

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"


@pytest.mark.parametrize("case,make", [("fixture-xfactor", xfactor_unit), ("fixture-sol001", sol001_unit)])
def test_fixture_golden(case, make, golden):
    u = make(namespace="demo")
    files = EMITTER.emit(u, u.diagnostics)
    for f in files:
        golden.check(f"k8s/{case}/{f.path}", f.content)
    listing = "".join(f"{f.path}\n" for f in files)
    golden.check(f"k8s/{case}/FILES", listing)


def test_conversion_document_lists_every_key():
    text = (REPO / "docs" / "conversion.md").read_text(encoding="utf-8")
    for table, suffix in ((MATRIX, ""), (POLICY_MATRIX, ""), (GROUP_MATRIX, ""),
                          (CAPABILITY_MATRIX, " (capabilities)")):
        for type_name, rows in table.items():
            m = re.search(rf"### `{re.escape(type_name)}`{re.escape(suffix)}\n(.*?)(?=\n### |\Z)", text, re.S)
            assert m, f"docs/conversion.md has no section for {type_name}"
            for key, (field, _why) in rows.items():
                row = re.search(rf"^\| `{re.escape(key)}` \| (.*?) \|", m.group(1), re.M)
                assert row, f"docs/conversion.md: {type_name} lacks key {key}"
                if field is None:
                    assert row.group(1) == "not expressible", (type_name, key)


def _samples() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    return sorted(p for p in SAMPLES.iterdir() if not p.name.startswith("."))


def _compile(path: Path, **opts):
    from compiler import compile as compile_
    from compiler.pipeline import Options

    return compile_(str(path), Options(targets=("kubernetes",), **opts))


def _sample_entry(path: Path) -> Path:
    from tests.support.samples import entry

    return entry(path)


@pytest.mark.parametrize("sample", _samples(), ids=lambda p: p.name)
def test_sample_golden_and_valid(sample, golden):
    unit = _compile(_sample_entry(sample))
    if not unit.ok:
        pytest.skip(f"{sample.name} does not check clean:\n{unit.diagnostics.render_text()[:2000]}")
    files = [f for f in unit.outputs if f.path.startswith("kubernetes/")]
    for f in files:
        obj = yaml.safe_load(f.content)
        assert validate_object(obj) == [], f.path
        golden.check(f"k8s/{sample.name}/{f.path}", f.content)
    golden.check(f"k8s/{sample.name}/FILES", "".join(f"{f.path}\n" for f in files))


def _corpus_cnf_packages() -> list[str]:
    from tests.conftest import CORPUS

    listing = CORPUS / "CSAR_DIRS.txt"
    if not listing.is_file():
        return []
    dirs = [line.split("\t")[0].strip() for line in listing.read_text().splitlines() if line.strip()]
    return [d for d in dirs if (CORPUS / d / "Files" / "kubernetes").is_dir()]


@pytest.mark.parametrize("package", _corpus_cnf_packages())
def test_corpus_cnf_package_objects_are_valid(package, corpus):
    """Every Tacker CNF package that compiles clean yields strictly valid objects (kept,
    as in the corpus, without its binaries: management-driver scripts, images)."""
    unit = _compile(corpus / package, allow_missing_artifacts=True)
    if not unit.ok:
        pytest.skip("does not check clean: " + ", ".join(sorted({d.code for d in unit.diagnostics.errors()})))
    for f in unit.outputs:
        assert validate_object(yaml.safe_load(f.content)) == [], f.path
        assert yaml.safe_load(f.content)["metadata"]["annotations"]["xfactor.io/source"]
