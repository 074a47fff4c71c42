"""End to end: every sample (samples/*) and our own descriptor through the real
pipeline with every policy target.  Each output validates (FailurePolicy against its
CRD and its JSON Schema, PrometheusRule against the published schema, the CRD as a
structural CRD, ONAP against the operational-policy type), the resolved orders match
the dependency graph, every unexpressible step is warned about at its own position,
and golden files pin every output (tests/golden/policies/<case>/).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

from compiler import compile as compile_  # noqa: E402
from compiler.emitters.policies.onap import check_operational_policy  # noqa: E402
from compiler.graph import to_networkx  # noqa: E402
from tests.support import validators as V  # noqa: E402
from tests.unit.policies_support import onap_schema, shipped_json_schema  # noqa: E402
from tests.unit.test_policies_emit import orders_problems  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
from tests.support.samples import entry as sample_entry  # noqa: E402

OWN = Path(__file__).resolve().parent / "policies_data"
TARGETS = ("kubernetes", "onap", "osm", "tacker")


def _cases() -> list:
    cases = [pytest.param(OWN / "chain.yaml", "xfc-chain", id="xfc-chain")]
    samples = REPO / "samples"
    for entry in sorted(samples.iterdir()) if samples.is_dir() else []:
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix not in (".yaml", ".yml", ".csar", ".zip"):
            continue
        cases.append(pytest.param(sample_entry(entry), entry.name, id=entry.name))
    return cases


def _compile(path: Path):
    """All four targets when the descriptor declares the input ``vnf_instance_id``
    (Tacker's alerts need it, and an undeclared input is an error), else all but tacker."""
    unit = compile_(str(path), emitters=("policies",), targets=TARGETS[:3])
    if unit.topology is not None and "vnf_instance_id" in unit.topology.inputs:
        unit = compile_(str(path), emitters=("policies",), targets=TARGETS,
                        inputs={"vnf_instance_id": "00000000-0000-4000-8000-000000000000"})
    return unit


@pytest.mark.parametrize("path,case", _cases())
def test_sample_policies(path, case, golden):
    unit = _compile(path)
    if unit.diagnostics.has_errors:
        pytest.fail(f"{case} has errors:\n" + unit.diagnostics.render_text())
    files = {f.path: f.content for f in unit.outputs if f.producer == "policies"}
    if not files:
        assert "unsupported" in unit.diagnostics.codes(), case
        return
    for rel, content in sorted(files.items()):
        doc = yaml.safe_load(content)
        if rel.startswith("policies/onap/"):
            errs = [e.message for e in jsonschema.Draft202012Validator(onap_schema()).iter_errors(doc)]
            assert errs == [], f"{rel}: {errs}"
            assert check_operational_policy(doc) == [], rel
        elif rel.startswith("policies/osm/"):
            assert set(doc) == {"vnfd"} and doc["vnfd"]["kdu"], rel
        else:
            assert V.validate_object(doc) == [], rel
        if rel.endswith("failurepolicy.yaml"):
            errs = [e.message for e in jsonschema.Draft202012Validator(shipped_json_schema()).iter_errors(doc)]
            assert errs == [], errs
            assert orders_problems(doc, to_networkx(unit.plan)) == []
            assert len(doc["spec"]["wirings"]) == len(unit.plan.wirings)
        if not rel.endswith("-crd.yaml"):
            golden.check(f"policies/{case}/{rel}", content)
    # every warning of this back end points into the descriptor, at a step or its wiring
    for d in unit.diagnostics:
        if d.code == "unsupported":
            assert d.span.line > 0 and d.span.column > 0, d


def test_own_descriptor_warnings_are_at_the_steps():
    unit = _compile(OWN / "chain.yaml")
    rows = sorted((d.span.line, d.span.column, d.message.split(":")[0])
                  for d in unit.diagnostics if d.code == "unsupported")
    onap, osm, tacker = "onap", "osm", "tacker"  # the message starts with the target's name
    assert rows == sorted([
        (47, 25, onap), (47, 25, osm),        # reconnect(attempts=3, backoff=500ms)
        (47, 65, osm), (47, 65, tacker),      # reinstantiate(scope=[upf, smf], timeout=2m)
        (47, 112, onap),                      # shutdown_chain: the chain's shared policy
        (47, 112, osm), (47, 112, tacker),    # shutdown_chain
        (54, 25, osm), (54, 25, tacker),      # notify(via=http, ...)
    ])
