"""The Kustomize bundler against the real ``kubectl kustomize``."""

from __future__ import annotations

import pytest
import yaml

from tests.support.validators import kubectl_kustomize
from tests.unit.bundle_support import FIXTURES, SAMPLES, assert_same_objects, bundle, \
    compiled, expected, rendered, run_bundler

TWO = FIXTURES / "two-flavours" / "top.yaml"
TWO_LARGE = FIXTURES / "two-flavours" / "top_large.yaml"
SHOP = FIXTURES.parent / "flavours" / "vnfd.yaml"


@pytest.mark.parametrize("sample", SAMPLES)
def test_base_renders_the_compiled_objects(tmp_path, sample):
    unit, _ = bundle(sample, "kustomize", tmp_path)
    rc, out = kubectl_kustomize(tmp_path / "kustomize" / "base")
    assert rc == 0, out
    assert_same_objects(rendered(out), expected(unit, operator=False))
    # one flavour (or none): no overlays
    assert not (tmp_path / "kustomize" / "overlays").exists()


def test_base_files_are_the_compiled_files(tmp_path):
    unit, files = bundle("samples/5g-core-slice/slice.yaml", "kustomize", tmp_path)
    by_name = {f.path.rsplit("/", 1)[-1]: f.content for f in unit.outputs}
    kust = yaml.safe_load((tmp_path / "kustomize/base/kustomization.yaml").read_text())
    assert kust["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    for name in kust["resources"]:
        assert (tmp_path / "kustomize/base" / name).read_bytes() == by_name[name]


def test_an_overlay_per_flavour_renders_that_flavour(tmp_path):
    bundle(TWO, "kustomize", tmp_path)
    overlays = sorted(p.name for p in (tmp_path / "kustomize" / "overlays").iterdir())
    assert overlays == ["large", "small"]
    for fid in overlays:
        rc, out = kubectl_kustomize(tmp_path / "kustomize" / "overlays" / fid)
        assert rc == 0, out
        assert_same_objects(rendered(out), expected(compiled(TWO, flavour=fid), operator=False))
    # the large flavour adds a Deployment the base (small) does not have
    large = (tmp_path / "kustomize/overlays/large/kustomization.yaml").read_text()
    assert "deployment-cache.yaml" in large


def test_overlay_removes_what_a_flavour_lacks(tmp_path):
    # the base is the large flavour here (the VNF names it), so the small overlay must
    # delete the cache.  Issue 21 item 6 changed this test: it used to choose the large
    # base with --flavour large, which now means "that flavour alone" (no overlays).
    bundle(TWO_LARGE, "kustomize", tmp_path)
    rc, out = kubectl_kustomize(tmp_path / "kustomize" / "overlays" / "small")
    assert rc == 0, out
    got = rendered(out)
    assert not [k for k in got if k[2] == "cache"]
    assert_same_objects(got, expected(compiled(TWO_LARGE, flavour="small"), operator=False))


@pytest.mark.parametrize("fid", ["small", "large"])
def test_flavour_given_is_that_flavour_alone(tmp_path, fid):
    """--flavour F is honoured as by every other format: the bundle is F, no overlays."""
    unit, _ = bundle(TWO, "kustomize", tmp_path, flavour=fid)
    assert unit.topology.flavour == fid
    assert not (tmp_path / "kustomize" / "overlays").exists()
    rc, out = kubectl_kustomize(tmp_path / "kustomize" / "base")
    assert rc == 0, out
    assert_same_objects(rendered(out), expected(compiled(TWO, flavour=fid), operator=False))


def test_a_flavour_that_does_not_compile_is_named_with_its_error(tmp_path):
    """The 'tiny' flavour has a warning (workflows) on a line before its error: the
    failure quotes the error."""
    from compiler.bundlers import BundleError, Settings
    from compiler.plugins import bundlers

    unit = compiled(SHOP, inputs={"selected_flavour": "big"})
    with pytest.raises(BundleError) as err:
        run_bundler("kustomize", unit)
    msg = str(err.value)
    assert msg.startswith("flavour 'tiny' does not compile: ")
    assert "shop_df_tiny.yaml:31:34: error[tosca-wrong-type]" in msg
    assert "warning" not in msg and "workflows" not in msg
    # the same package with --flavour big builds: the tiny flavour is not tried
    unit, _ = bundle(SHOP, "kustomize", tmp_path, flavour="big")
    assert unit.topology.flavour == "big"



def test_operator_component_adds_the_operator(tmp_path):
    """The base leaves the operator out; an overlay naming the component renders every
    object ``xfc compile`` writes, the operator's included."""
    unit, _ = bundle("samples/5g-core-slice/slice.yaml", "kustomize", tmp_path)
    comp = tmp_path / "kustomize" / "components" / "operator"
    kust = yaml.safe_load((comp / "kustomization.yaml").read_text())
    assert kust["kind"] == "Component"
    assert sorted(kust["resources"]) == ["deployment.yaml", "role.yaml", "rolebinding.yaml",
                                         "serviceaccount.yaml"]
    with_op = tmp_path / "kustomize" / "with-operator"
    with_op.mkdir()
    (with_op / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources: [../base]\ncomponents: [../components/operator]\n")
    rc, out = kubectl_kustomize(with_op)
    assert rc == 0, out
    assert_same_objects(rendered(out), expected(unit))
    assert any(k[1] == "Role" for k in expected(unit))


def test_no_operator_writes_no_component(tmp_path):
    bundle("samples/5g-core-slice/slice.yaml", "kustomize", tmp_path, operator=False)
    assert not (tmp_path / "kustomize" / "components").exists()
