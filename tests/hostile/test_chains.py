"""Chains: imports, derived_from and get_property hops deeper than the limits.

Each used to recurse once per level and end in RecursionError (exit 3) at a few hundred
levels; now the walk stops at the limit with limit-exceeded where the chain passes it.
"""

from __future__ import annotations

from tests.hostile import shapes
from tests.hostile.harness import assert_refused, run


def test_a_chain_of_250_imports(tmp_path):
    main = shapes.import_chain(tmp_path / "pkg", 250)
    d = assert_refused(run(["check", main]), "limit-exceeded", line=3)
    assert "max_import_depth" in d["message"]


def test_500_derived_from_levels(tmp_path):
    p = tmp_path / "types.yaml"
    p.write_text(shapes.derivation_chain(500))
    d = assert_refused(run(["check", p]), "limit-exceeded")
    assert "max_derivation_depth" in d["message"]
    assert "derived_from" in p.read_text().splitlines()[d["line"] - 1]


def test_300_get_property_hops(tmp_path):
    p = tmp_path / "hops.yaml"
    p.write_text(shapes.property_hops(300))
    d = assert_refused(run(["compile", p, "-o", tmp_path / "out"]), "limit-exceeded")
    assert "max_function_depth" in d["message"]
    assert "get_property" in p.read_text().splitlines()[d["line"] - 1]
    assert not (tmp_path / "out").exists()


def test_30_hops_each_45_lists_deep(tmp_path):
    # fewer hops than max_function_depth, but the walk descends 1,350 levels before any
    # result exists: RecursionError until the levels were counted on the way down
    p = tmp_path / "deep.yaml"
    p.write_text(shapes.nested_hops(30, 45))
    d = assert_refused(run(["check", p]), "limit-exceeded")
    assert "max_depth" in d["message"]


def test_a_chain_within_the_limits_compiles(tmp_path):
    # the near miss: 40 hops and 40 imports are legal and stay so
    p = tmp_path / "hops.yaml"
    p.write_text(shapes.property_hops(40))
    assert run(["check", p]).rc == 0
    main = shapes.import_chain(tmp_path / "pkg", 40)
    ok = run(["check", main])
    assert ok.rc == 0 and "limit-exceeded" not in ok.codes(), ok.show()


def test_a_name_of_100000_characters(tmp_path):
    # an explicit key (``? name``) escapes YAML's 1,024-character limit on implicit keys;
    # the name would flow into object names, file names and every message citing it
    p = tmp_path / "name.yaml"
    p.write_text(shapes.HEAD + "topology_template:\n  node_templates:\n    ? " + "n" * 100_000 +
                 "\n    :\n      type: tosca.nodes.Root\n")
    d = assert_refused(run(["check", p]), "limit-exceeded", line=4)
    assert "max_name_chars" in d["message"]
