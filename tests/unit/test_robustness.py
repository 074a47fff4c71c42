"""Regressions found by the mutation fuzzer (tests/integration/test_mutations.py).

Each test is the minimised input of one crash, kept here when the owning module's test
file belongs to a colleague who was editing it at the time; docs/robustness.md lists
them all.  Every one asserts the outcome the house rule asks for: a clean result or a
diagnostic at a real position, exit code 0 or 1, never an exception.
"""

from __future__ import annotations

import io

import pytest

import compiler
from compiler import cli
from compiler.emitters.kubernetes.common import bytes_quantity, cpu_quantity, size_quantity

HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\nimports: [xfactor/1.0/profile.yaml]\n"


def cnf(resources: str) -> str:
    return HEAD + f"""topology_template:
  node_templates:
    upf:
      type: xfactor.nodes.CNF
      properties:
        image: registry.example.net/upf:1.0
        resources: {resources}
        process: {{ state: stateless }}
"""


@pytest.mark.parametrize("cores", [float("inf"), 1e308, float("nan")])
def test_cpu_quantity_of_an_infinite_amount_is_none(cores):
    assert cpu_quantity(cores) is None


def test_finite_quantities_are_unchanged():
    assert (cpu_quantity(0.5), cpu_quantity(2)) == ("500m", "2")
    assert (bytes_quantity(268435456), size_quantity("8 GiB")) == ("256Mi", "8Gi")


@pytest.mark.parametrize("n", [float("inf"), float("nan")])
def test_bytes_quantity_of_an_infinite_amount_is_none(n):
    assert bytes_quantity(n) is None
    assert size_quantity("1e308 GiB") is None


@pytest.mark.parametrize("resources", ["{ cpu: .inf }", "{ cpu: 1e308 }", "{ memory: 1e308 GiB }",
                                       "{ cpu: 1e308, memory: 1e308 TiB }", "{ memory: -5 MiB }"])
def test_an_out_of_range_resource_is_an_error_at_its_value(tmp_path, resources):
    # fuzzer finding: resources.cpu .inf / 1e308 and memory 1e308 GiB raised OverflowError
    # in the Kubernetes back end (exit 3).  The first fix left the limit out ("an infinite
    # amount is no limit"); issue 12 asks for numbers checked against what Kubernetes
    # accepts, so such a value is now value-out-of-range at its position (compiler.bounds)
    p = tmp_path / "d.yaml"
    p.write_text(cnf(resources))
    unit = compiler.compile(str(p))
    bad = [d for d in unit.diagnostics if d.code == "value-out-of-range"]
    assert bad and all(d.span.line == 9 and d.span.column > 20 for d in bad), \
        unit.diagnostics.render_text()
    out = io.StringIO()
    assert cli.main(["compile", str(p), "-o", str(tmp_path / "out")], out=out) == 1, out.getvalue()
    assert not (tmp_path / "out").exists()
