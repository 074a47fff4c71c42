"""Extreme numbers: past Python's int conversion, past what each consumer stores.

An integer of more than 4,300 digits raised ValueError (exit 3) in the loader, in
``--inputs``, in ``--set`` and in the step language; ``graceful_shutdown: 1e305 d``
overflowed; 2^63 replicas were written as given; ``1e300 TiB`` and ``-5 MiB`` became no
limit or one byte.  Now: limit-exceeded (digits, step length) or value-out-of-range
(compiler/bounds.py) at the value.
"""

from __future__ import annotations

import pytest

from tests.hostile import shapes
from tests.hostile.harness import assert_refused, run


def test_an_integer_of_5000_digits_in_a_descriptor(tmp_path):
    p = tmp_path / "big.yaml"
    p.write_text(shapes.HEAD + "metadata:\n  n: " + shapes.BIGINT + "\n")
    d = assert_refused(run(["check", p]), "limit-exceeded", line=3)
    assert "max_number_digits" in d["message"] and d["column"] == 6


def _with_input(tmp_path):
    p = tmp_path / "in.yaml"
    p.write_text(shapes.HEAD + "topology_template:\n  inputs:\n    n:\n      type: integer\n"
                 "  node_templates:\n    a:\n      type: tosca.nodes.Compute\n")
    return p


def test_an_integer_of_5000_digits_in_an_inputs_file(tmp_path):
    inputs = tmp_path / "inputs.yaml"
    inputs.write_text("n: " + shapes.BIGINT + "\n")
    # a bad --inputs file is command-line misuse (exit 2), reported at its position
    assert_refused(run(["check", _with_input(tmp_path), "--inputs", inputs]), "limit-exceeded",
                   rc=2, file="inputs.yaml", line=1)


def test_an_integer_of_5000_digits_given_with_set(tmp_path):
    out = run(["check", _with_input(tmp_path), "--set", "n=" + shapes.BIGINT])
    # a --set value has no file: the diagnostic names the flag instead of a line
    d = assert_refused(out, "limit-exceeded", positioned=False)
    assert d["file"] == "--set n"


@pytest.mark.parametrize("digits,code", [(4000, "xf-step-syntax"), (5000, "limit-exceeded")])
def test_huge_attempts_in_a_step(tmp_path, digits, code):
    wiring = (
        "    smf:\n      type: xfactor.nodes.CNF\n      properties:\n"
        "        image: registry.example.net/smf:1.0\n        process: { state: stateless }\n"
        "  policies:\n    - w:\n        type: xfactor.policies.Wiring\n        properties:\n"
        "          source: upf\n          target: smf\n          on_failure:\n"
        f'            - "reconnect(attempts={"9" * digits})"\n')
    p = tmp_path / "s.yaml"
    p.write_text(shapes.cnf(extra=wiring))
    line = len(p.read_text().splitlines())
    assert_refused(run(["check", p]), code, line=line)


@pytest.mark.parametrize("process,replicas,resources,line", [
    ("{ state: stateless, graceful_shutdown: 1e305 d }", "{ min: 1, max: 2 }", "{ cpu: 1 }", 12),
    ("{ state: stateless }", "{ min: 1, max: 9223372036854775808 }", "{ cpu: 1 }", 10),
    ("{ state: stateless }", "{ min: 1, max: 2147483648 }", "{ cpu: 1 }", 10),
    ("{ state: stateless, scratch: { size: 1e300 TiB } }", "{ min: 1, max: 2 }", "{ cpu: 1 }", 12),
    ("{ state: stateless, scratch: { size: -5 MiB } }", "{ min: 1, max: 2 }", "{ cpu: 1 }", 12),
    ("{ state: stateless }", "{ min: 1, max: 2 }", "{ cpu: .inf, memory: -1 GiB }", 11),
])
def test_numbers_out_of_the_consumers_range(tmp_path, process, replicas, resources, line):
    p = tmp_path / "n.yaml"
    p.write_text(shapes.cnf(process=process, replicas=replicas, resources=resources))
    out = run(["compile", p, "-o", tmp_path / "out"])
    assert_refused(out, "value-out-of-range", line=line)
    assert not (tmp_path / "out").exists()


def test_numbers_at_the_edge_of_the_range_compile(tmp_path):
    p = tmp_path / "n.yaml"
    p.write_text(shapes.cnf(process="{ state: stateless, graceful_shutdown: 3650 d, "
                                    "scratch: { size: 1 TiB } }",
                            replicas="{ min: 0, max: 2147483647 }"))
    out = run(["compile", p, "-o", tmp_path / "out"])
    assert out.rc == 0, out.show()
    text = next((tmp_path / "out").rglob("*deployment*upf*.yaml")).read_text()
    assert "terminationGracePeriodSeconds: 315360000" in text and 'sizeLimit: "1Ti"' in text


def test_sol001_container_resources_out_of_range(tmp_path):
    # SOL001 OsContainer resources went through size_quantity, which made -5 MiB one byte
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "samples" / "sol001-v4-container-vnf" / "vnfd.yaml"
    lines = sample.read_text().splitlines()
    at = next(i for i, t in enumerate(lines) if "requested_memory_resources:" in t)
    lines[at] = lines[at].split(":")[0] + ": -5 MiB"
    p = tmp_path / "vnfd.yaml"
    p.write_text("\n".join(lines) + "\n")
    out = run(["compile", p, "-o", tmp_path / "out"])
    assert_refused(out, "value-out-of-range", line=at + 1)


def test_an_integer_of_5000_digits_given_with_set_to_a_string_input(tmp_path):
    """Issue 22: the value stayed text (Python cannot convert it) and passed as a string,
    where `--set x=1` is an integer; now the same limit as in a descriptor."""
    p = tmp_path / "s.yaml"
    p.write_text(shapes.HEAD + "topology_template:\n  inputs:\n    x: { type: string }\n"
                 "  node_templates:\n    a:\n      type: tosca.nodes.Compute\n")
    out = run(["check", p, "--set", "x=" + shapes.BIGINT])
    d = assert_refused(out, "limit-exceeded", positioned=False)
    assert d["file"] == "--set x" and "5,000 digits" in d["message"], out.show()
    assert out.codes() == ["limit-exceeded"], out.show()  # one cause, one error
    # quoted in an --inputs file it is text, as the user wrote it
    inputs = tmp_path / "in.yaml"
    inputs.write_text(f"x: '{shapes.BIGINT}'\n")
    assert run(["check", p, "--inputs", inputs]).rc == 0
