"""Values that grow: doubling functions, one concat over a big input, a huge step string.

41 nodes each ``concat(prev, prev)`` (3 KB of input) passed 2 GB; the same with lists
hung for minutes at 1.6 GB; a ``concat`` of 500 times a 1 MB input hung; a 4 MB notify
path took 1.2 GB in the step parser.  Each is now refused before the value is built.
"""

from __future__ import annotations

from tests.hostile import shapes
from tests.hostile.harness import assert_refused, run


def test_41_doubling_concats(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text(shapes.doubling(41))
    d = assert_refused(run(["compile", p, "-o", tmp_path / "out"]), "limit-exceeded")
    assert "max_value_chars" in d["message"] and "concat" in p.read_text().splitlines()[d["line"] - 1]


def test_41_doubling_lists(tmp_path):
    p = tmp_path / "l.yaml"
    p.write_text(shapes.doubling(41, lists=True))
    d = assert_refused(run(["check", p]), "limit-exceeded")
    assert "max_value_items" in d["message"]


def test_a_concat_of_500_times_a_1_MB_input(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text(shapes.concat_of_input(500))
    inputs = tmp_path / "inputs.yaml"
    inputs.write_text("big: " + "x" * (1 << 20) + "\n")
    d = assert_refused(run(["check", p, "--inputs", inputs]), "limit-exceeded", line=10)
    assert "max_value_chars" in d["message"]


def test_a_3_MB_notify_path(tmp_path):
    wiring = (
        "    smf:\n      type: xfactor.nodes.CNF\n      properties:\n"
        "        image: registry.example.net/smf:1.0\n        process: { state: stateless }\n"
        "  policies:\n    - w:\n        type: xfactor.policies.Wiring\n        properties:\n"
        "          source: upf\n          target: smf\n          on_failure:\n"
        '            - "notify(via=http, path=\\"/' + "a" * (3 << 20) + '\\", port=8080)"\n')
    p = tmp_path / "n.yaml"
    p.write_text(shapes.cnf(extra=wiring))
    line = next(i for i, t in enumerate(p.read_text().splitlines(), 1) if "notify(" in t)
    d = assert_refused(run(["check", p]), "limit-exceeded", line=line)
    assert "max_step_chars" in d["message"]


def test_doubling_within_the_limit_compiles(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text(shapes.doubling(10))  # 64 KB: legal
    out = run(["check", p])
    assert out.rc == 0, out.show()
