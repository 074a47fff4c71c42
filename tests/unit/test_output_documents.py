"""The emitters hand their files' contents to the bundlers as data (OutputFile.documents,
issue 25 item 2): that data is what a YAML reader gives back from the file, the same
values, types and key order, so a bundler never needs to parse our own output."""

from __future__ import annotations

import json

import pytest
import yaml

import compiler
from compiler.pipeline import Options

from tests.unit.bundle_support import SAMPLES


def _typed(v):
    """``v`` with every scalar's type spelled out and mapping order kept (json.dumps
    alone would not tell 1 from True nor see key order)."""
    if isinstance(v, dict):
        return [[_typed(k), _typed(x)] for k, x in v.items()]
    if isinstance(v, list):
        return [_typed(x) for x in v]
    return [type(v).__name__, v]


@pytest.mark.parametrize("sample", SAMPLES)
def test_documents_are_what_the_files_read_back_as(sample):
    unit = compiler.compile(sample, Options())
    assert unit.ok, unit.diagnostics.render_text()
    yaml_files = [f for f in unit.outputs if f.path.endswith((".yaml", ".yml"))]
    assert yaml_files
    for f in yaml_files:
        assert f.documents is not None, f.path
        read = [d for d in yaml.safe_load_all(f.content.decode("utf-8")) if d is not None]
        assert json.dumps(_typed(list(f.documents))) == json.dumps(_typed(read)), f.path


def test_a_compile_reads_no_documents_until_asked(monkeypatch):
    """The manifests' and the CRD's documents are made on first use (a check or a
    compile reads none; bundlers do), from the data the text was written from."""
    import compiler.yamlout as yo
    from compiler.emitters.policies import failurepolicy

    made = []
    real = yo.as_read
    monkeypatch.setattr(yo, "as_read", lambda doc, head=(): made.append(doc) or real(doc, head))
    read_crd = failurepolicy._crd_documents.__wrapped__  # (the process keeps one read)
    monkeypatch.setattr(failurepolicy, "_crd_documents", lambda: made.append("crd") or read_crd())
    unit = compiler.compile(SAMPLES[0], Options())
    assert unit.ok, unit.diagnostics.render_text()
    # (the operator's own four objects are made eagerly: a fixed, small set)
    before = list(made)
    assert all(d["metadata"]["labels"]["app.kubernetes.io/component"] == "operator"
               for d in before), before
    crd = next(f for f in unit.outputs if f.path == "policies/failurepolicy-crd.yaml")
    manifest = next(f for f in unit.outputs if f.path.startswith("kubernetes/"))
    assert crd.documents[0]["kind"] == "CustomResourceDefinition" and made == before + ["crd"]
    assert manifest.documents[0] == yaml.safe_load(manifest.content) and len(made) == len(before) + 2
