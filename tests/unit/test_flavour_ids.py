"""compiler.resolve.flavours.flavour_ids: the deployment flavours a --flavour may name."""

from __future__ import annotations

from compiler.diagnostics import Diagnostics
from compiler.loader import load
from compiler.pipeline import Options
from compiler.resolve.flavours import flavour_ids
from tests.unit.test_flavours import TOP, make


def ids(path, **opts):
    o = Options(**opts)
    d = Diagnostics()
    pkg = load(str(path), o, d)
    assert pkg is not None, d.render_text()
    return flavour_ids(pkg, o)


def test_top_level_vnfd_lists_every_flavour(tmp_path):
    assert ids(make(tmp_path)) == ("large", "small")


def test_one_flavour(tmp_path):
    make(tmp_path)
    (tmp_path / "top.yaml").write_text(TOP.replace("  - df_large.yaml\n", ""))
    assert ids(tmp_path / "top.yaml") == ("small",)


def test_flavour_file_itself_has_none(tmp_path):
    make(tmp_path)
    # a flavour file's own VNF is substituted, not implemented by other files
    assert ids(tmp_path / "df_small.yaml") == ()


def test_not_a_vnfd(tmp_path):
    p = tmp_path / "plain.yaml"
    p.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\n"
                 "topology_template:\n  node_templates:\n"
                 "    c: { type: tosca.nodes.Compute }\n")
    assert ids(p) == ()


def test_unknown_version_has_none(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("tosca_definitions_version: tosca_simple_yaml_9\n")
    assert ids(p) == ()


def test_the_ir_carries_the_flavour_ids(tmp_path):
    """Topology.flavours (what a Kustomize overlay per flavour is built from, without the
    bundler reading the package again) equals flavour_ids, whichever flavour is chosen."""
    import compiler

    top = make(tmp_path)
    for chosen in ("large", "small"):
        unit = compiler.check(str(top), flavour=chosen)
        assert unit.ok, unit.diagnostics.render_text()
        assert unit.topology.flavour == chosen
        assert unit.topology.flavours == ids(top) == ("large", "small")
    plain = tmp_path / "plain.yaml"
    plain.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\n"
                     "topology_template:\n  node_templates:\n"
                     "    c: { type: tosca.nodes.Compute }\n")
    assert compiler.check(str(plain)).topology.flavours == ()
