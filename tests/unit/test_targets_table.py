"""A target is one plugin (issue 25, item 2): the table of targets
(compiler.plugins.BUILTIN_TARGETS, each a PolicyTarget) is where every list of targets
comes from.  A fake target registered in the table appears in ``xfc bundle --target``'s
choices and help, in the OpenAPI enum of /v1/bundle, among the CSAR layouts, and its alert
labels in the PrometheusRule; it brings its own CSAR layout and gate, which ``xfc bundle
--verify`` runs because the table says so; docs/architecture.md's table of targets and
docs/bundles.md's tables of formats and gates list exactly the plugin table."""

from __future__ import annotations

import argparse
import re
import sys
import types
from pathlib import Path

import pytest

from compiler import api, plugins
from compiler.api import flags
from compiler.emitters.policies.targets import KubernetesTarget, PolicyTarget

REPO = Path(__file__).resolve().parents[2]
SLICE = REPO / "samples/5g-core-slice/slice.yaml"


class FakeTarget(PolicyTarget):
    name = "fake"
    title = "Fake orchestrator"
    package_layout = "fake"
    labels_alerts = True
    gates = ("fake-gate",)

    def alert_labels(self, ctx, rw, index):  # noqa: ANN001, ANN201
        return {"fake_route": f"{rw.wiring.name}-{index + 1}"}, {"fake_note": "paged"}


@pytest.fixture
def fake(monkeypatch):
    module = types.ModuleType("xfc_fake_target")
    module.FAKE = FakeTarget()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "xfc_fake_target", module)
    monkeypatch.setitem(plugins.BUILTIN_TARGETS, "fake", "xfc_fake_target:FAKE")

    def forget() -> None:
        plugins.refresh()
        flags._parsers.cache_clear()
        from compiler.service import options

        options.offered.cache_clear()

    forget()
    yield
    monkeypatch.undo()
    forget()


def _bundle_target(parser: argparse.ArgumentParser) -> argparse.Action:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            parser = action.choices["bundle"]
    return next(a for a in parser._actions if "--target" in a.option_strings)


def test_a_target_in_the_table_is_in_the_cli_choices(fake):
    from compiler.cli import build_parser

    top, _ = build_parser(only="bundle")
    target = _bundle_target(top)
    assert "fake" in target.choices and "kubernetes" in target.choices
    assert "'fake'" in target.help  # a CSAR layout, named in the help
    # check and compile take any target name (third-party plugins) and list the table's
    top, _ = build_parser(only="check")
    check = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction)).choices["check"]
    assert "fake" in next(a for a in check._actions if "--target" in a.option_strings).help


def test_a_target_in_the_table_is_in_the_openapi_enum(fake):
    from compiler.service import options

    target = next(p for p in options.openapi_parameters("bundle") if p["name"] == "target")
    assert "fake" in target["schema"]["items"]["enum"]


def test_without_the_fake_target_it_is_in_no_list():
    from compiler.service import options

    target = next(p for p in options.openapi_parameters("bundle") if p["name"] == "target")
    assert "fake" not in target["schema"]["items"]["enum"]
    assert sorted(target["schema"]["items"]["enum"]) == sorted(plugins.BUILTIN_TARGETS)


def test_csar_layouts_come_from_the_targets(fake):
    assert flags.package_layouts() == {"tacker": "tacker", "onap": "onap", "fake": "fake"}
    args = flags.parse("bundle", ["x.yaml", "-f", "csar", "-o", "out", "--target", "fake",
                                  "--target", "onap"])
    with pytest.raises(api.flags.UsageError, match="--target fake or --target onap or "
                                                    "--target tacker, not both"):
        flags.bundle_settings(args)
    one = flags.parse("bundle", ["x.yaml", "-f", "csar", "-o", "out", "--target", "fake"])
    assert flags.bundle_settings(one).target == "fake"


def test_a_target_labels_alerts_without_the_rule_builder_naming_it(fake):
    unit = api.compile(api.CompileRequest(path=str(SLICE), options=api.Options(
        targets=("kubernetes", "fake")))).unit
    assert unit.ok
    rule = next(f for f in unit.outputs if f.path == "policies/prometheusrule.yaml")
    text = rule.content.decode()
    assert "fake_route:" in text and "fake_note: paged" in text
    plain = api.compile(api.CompileRequest(path=str(SLICE), options=api.Options(
        targets=("kubernetes",)))).unit
    rule = next(f for f in plain.outputs if f.path == "policies/prometheusrule.yaml")
    assert "fake_route" not in rule.content.decode()
    # the builder asks the targets; it names none of them
    source = (REPO / "compiler/emitters/policies/prometheus.py").read_text()
    assert not re.search(r"""in ctx\.targets|== *["']tacker["']""", source)


class BareTarget:
    """A target that implements the protocol only (no PolicyTarget, no optional hooks)."""

    name = "bare"
    title = "Bare"

    def realise(self, ctx, rw, index):  # noqa: ANN001, ANN201
        return PolicyTarget.realise(self, ctx, rw, index)  # type: ignore[arg-type]

    def documents(self, ctx):  # noqa: ANN001, ANN201
        return {}

    def check(self, unit, ctx, diags):  # noqa: ANN001, ANN201
        return None


def test_a_target_without_the_optional_hooks_still_compiles(monkeypatch):
    module = types.ModuleType("xfc_bare_target")
    module.BARE = BareTarget()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "xfc_bare_target", module)
    monkeypatch.setitem(plugins.BUILTIN_TARGETS, "bare", "xfc_bare_target:BARE")
    plugins.refresh()
    flags._parsers.cache_clear()
    try:
        unit = api.compile(api.CompileRequest(path=str(SLICE), options=api.Options(
            targets=("kubernetes", "bare")))).unit
        assert unit.ok
        assert "bare" not in flags.package_layouts()
    finally:
        monkeypatch.undo()
        plugins.refresh()
        flags._parsers.cache_clear()


class FakeLayout:
    """The fake target's CSAR layout: one file of its own, named in a TOSCA.meta block."""

    name = "fake"
    min_spec = None

    def lay_out(self, inp, parts):  # noqa: ANN001, ANN201
        parts.out["Files/fake/route.txt"] = b"route: fake\n"
        parts.meta_blocks.append("Name: Files/fake/route.txt\nContent-Type: text/plain\n")
        parts.extra[f"{parts.ident.name}-fake.json"] = b"{}\n"


class FakeGate:
    """The fake orchestrator's gate: it reads the package as written and finds that the
    file its layout adds is there (a note) and that the CSAR has no README (an error, so
    that --verify fails because of this gate alone)."""

    name = "fake-gate"
    description = "the fake orchestrator's rules"
    seen: list = []

    def verify(self, pkg):  # noqa: ANN001, ANN201
        from compiler.bundle_api import Finding

        FakeGate.seen.append((pkg.root, pkg.format, pkg.layout, pkg.kind))
        out = [Finding("fake-gate", "route", "note", "the route file is there", pkg.root)] \
            if "Files/fake/route.txt" in pkg.files else []
        return out + [Finding("fake-gate", "readme", "error", "no README", pkg.root)]


@pytest.fixture
def fake_bundle(fake, monkeypatch):
    module = sys.modules["xfc_fake_target"]
    module.LAYOUT = FakeLayout()  # type: ignore[attr-defined]
    module.GATE = FakeGate()  # type: ignore[attr-defined]
    monkeypatch.setitem(plugins.BUILTIN_LAYOUTS, "fake", "xfc_fake_target:LAYOUT")
    monkeypatch.setitem(plugins.BUILTIN_GATES, "fake-gate", "xfc_fake_target:GATE")
    FakeGate.seen.clear()
    plugins.refresh()
    yield


def test_a_target_brings_its_layout_and_gate_and_verify_runs_it(fake_bundle, tmp_path):
    import io

    from compiler.cli import main

    assert plugins.gates_for("csar", "fake", ("kubernetes", "fake")) == (
        "sdc-sol004", "vtp", "fake-gate")
    assert plugins.gates_for("helm", "fake", ("fake",)) == ("helm-lint",)  # not laid out
    buf = io.StringIO()
    code = main(["bundle", str(SLICE), "-f", "csar", "-f", "helm", "--target", "kubernetes",
                 "--target", "fake", "--verify", "-o", str(tmp_path / "o"), "-q"], buf)
    text = buf.getvalue()
    assert code == 1, text  # the fake gate's error, and nothing else, fails the bundle
    assert "5g-core-slice.csar: 5g-core-slice.csar: error[fake-gate/readme]: no README" in text
    assert "note[fake-gate/route]: the route file is there" in text
    assert "xfc: verify FAILED: 5g-core-slice.csar (2 findings; gates: fake-gate)" in text
    assert "xfc: verify ok: helm/5g-core-slice (0 findings; gates: offline rules)" in text
    assert FakeGate.seen == [("5g-core-slice.csar", "csar", "fake", "csar")]
    assert (tmp_path / "o/5g-core-slice-fake.json").read_bytes() == b"{}\n"
    # without the fake target the CSAR is a plain one: the fake gate does not run
    FakeGate.seen.clear()
    code = main(["bundle", str(SLICE), "-f", "csar", "--verify", "-o", str(tmp_path / "p"),
                 "-q"], io.StringIO())
    assert code == 0 and FakeGate.seen == []


def test_verify_names_a_gate_the_table_lacks(fake, monkeypatch, tmp_path):
    """A target naming a gate no plugin registers: --verify says so as an error of that
    package (it does not crash, and the other gates still run)."""
    module = sys.modules["xfc_fake_target"]
    module.LAYOUT = FakeLayout()  # type: ignore[attr-defined]
    monkeypatch.setitem(plugins.BUILTIN_LAYOUTS, "fake", "xfc_fake_target:LAYOUT")
    plugins.refresh()
    import io

    from compiler.cli import main

    buf = io.StringIO()
    code = main(["bundle", str(SLICE), "-f", "csar", "--target", "fake", "--verify", "-o",
                 str(tmp_path / "o"), "-q"], buf)
    assert code == 1
    assert "error[verify/plugin-error]: no gate named 'fake-gate'" in buf.getvalue()


def test_a_third_party_gate_that_raises_is_a_finding(fake, monkeypatch, tmp_path):
    """A gate plugin that raises fails its package with a verify/plugin-error finding
    (exit 1), never a traceback."""
    import io

    from compiler.cli import main

    class Broken:
        name = "fake-gate"
        description = "raises"

        def verify(self, pkg):  # noqa: ANN001, ANN201
            raise RuntimeError("boom")

    module = sys.modules["xfc_fake_target"]
    module.LAYOUT = FakeLayout()  # type: ignore[attr-defined]
    monkeypatch.setitem(plugins.BUILTIN_LAYOUTS, "fake", "xfc_fake_target:LAYOUT")
    plugins.refresh()
    # a third party's gate (not in xfc's table), as an xfc.gates entry point would load it
    real = plugins.gate
    monkeypatch.setattr(plugins, "gate", lambda name: Broken() if name == "fake-gate"
                        else real(name))
    buf = io.StringIO()
    code = main(["bundle", str(SLICE), "-f", "csar", "--target", "fake", "--verify", "-o",
                 str(tmp_path / "o"), "-q"], buf)
    assert code == 1, buf.getvalue()
    assert "error[verify/plugin-error]: gate 'fake-gate' failed: RuntimeError: boom" in buf.getvalue()


def test_csar_names_no_target():
    """The CSAR bundler asks the plugin table for the layout; no module outside the
    targets' layouts and gates branches on a target's name."""
    for source in ("bundlers/csar.py", "bundlers/__init__.py", "bundle_api.py",
                   "api/render.py", "api/bundle.py", "api/verbs.py"):
        text = (REPO / "compiler" / source).read_text()
        assert not re.search(r"""["'](tacker|onap|osm)["']""", text), source


def test_the_format_and_gate_tables_are_the_plugin_table():
    """docs/bundles.md: the formats table names each bundle format and its gates, the
    gates table each gate of the table."""
    text = (REPO / "docs/bundles.md").read_text()
    head = "| format | written to | gates (`--verify`) | module |"
    assert head in text
    rows = text.split(head, 1)[1].split("\n\n", 1)[0].strip().splitlines()[1:]
    table = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        table[cells[0].strip("`")] = cells
    assert list(table) == list(plugins.BUILTIN_BUNDLERS)
    for name, cells in table.items():
        named = plugins.gates_of(plugins.bundler(name))
        assert cells[2] == (", ".join(f"`{g}`" for g in named) or "none"), name
    head = "| gate | rules | from |"
    rows = text.split(head, 1)[1].split("\n\n", 1)[0].strip().splitlines()[1:]
    gates = [re.match(r"\| `([^`]+)`", row)[1] for row in rows]
    assert gates == list(plugins.BUILTIN_GATES)
    for name in gates:
        assert plugins.gate(name).name == name


def test_the_docs_table_is_the_plugin_table():
    text = (REPO / "docs/architecture.md").read_text()
    head = "| target | policy documents | labels alerts | CSAR layout | gates | deploys manifests |"
    assert head in text
    rows = text.split(head, 1)[1].split("\n\n", 1)[0].strip().splitlines()[1:]
    table = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        table[cells[0].strip("`")] = cells
    assert list(table) == list(plugins.BUILTIN_TARGETS)
    for name, cells in table.items():
        t = plugins.target(name)
        assert cells[2] == ("yes" if getattr(t, "labels_alerts", False) else "no"), name
        layout = getattr(t, "package_layout", None)
        assert cells[3] == (f"`{layout}`" if layout else "plain SOL004"), name
        if layout:
            assert plugins.layout(layout).name == layout
        named = plugins.gates_of(t)
        assert cells[4] == (", ".join(f"`{g}`" for g in named) or "none"), name
        assert all(plugins.gate(g).name == g for g in named)
        assert cells[5] == ("yes" if getattr(t, "deploys_manifests", False) else "no"), name
    assert isinstance(plugins.target("tacker"), KubernetesTarget)


def _verb_target(verb: str) -> argparse.Action:
    return next(a for a in flags.parser(verb)._actions if "--target" in a.option_strings)


@pytest.mark.parametrize("verb", ["check", "compile", "bundle"])
def test_every_verb_takes_its_target_choices_from_the_table(fake, verb: str):
    """check, compile and bundle check --target against the plugin table (one object,
    asked lazily), so a target added to the table is a choice of each without a list."""
    choices = _verb_target(verb).choices
    assert choices is flags.TARGETS
    assert "fake" in choices and list(choices)[:4] == ["kubernetes", "tacker", "onap", "osm"]
    assert "nope" not in choices
    with pytest.raises(SystemExit):
        flags.parse(verb, ["x.yaml", "--target", "nope"] + (["-f", "csar", "-o", "o"]
                                                             if verb == "bundle" else []))
    args = flags.parse(verb, ["x.yaml", "--target", "fake"] + (["-f", "csar", "-o", "o"]
                                                               if verb == "bundle" else []))
    assert args.targets == ["fake"]


def test_a_target_that_deploys_the_manifests_gets_tackers_namespace_rule(monkeypatch):
    """The Kubernetes back end asks the targets whether one deploys the package's
    manifests (PolicyTarget.deploys_manifests) instead of testing for 'tacker'."""
    import compiler

    class Deployer(PolicyTarget):
        name = "deployer"
        title = "Deployer"
        deploys_manifests = True

    module = types.ModuleType("xfc_deployer_target")
    module.DEPLOYER = Deployer()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "xfc_deployer_target", module)
    monkeypatch.setitem(plugins.BUILTIN_TARGETS, "deployer", "xfc_deployer_target:DEPLOYER")
    plugins.refresh()
    try:
        case = REPO / "tests/diagnostics/k8s-namespace-not-uniform/fail"
        codes = [d.code for d in compiler.compile(str(case), targets=("deployer",)).diagnostics]
        assert "k8s-namespace-not-uniform" in codes
        codes = [d.code for d in compiler.compile(str(case), targets=("kubernetes",)).diagnostics]
        assert "k8s-namespace-not-uniform" not in codes
    finally:
        monkeypatch.undo()
        plugins.refresh()
    for source in ("tacker.py", "tacker_namespace.py"):
        text = (REPO / "compiler/emitters/kubernetes" / source).read_text()
        assert not re.search(r"""["']tacker["'] (not )?in """, text), source


def test_the_target_protocol_is_typed_and_its_modules_strict():
    """plugins.Target names its types (no Any for the unit, the context or the
    diagnostics), and mypy runs strict on the target seam (tests/unit/test_mypy.py runs it;
    targets.py holds the built-ins to the protocol under TYPE_CHECKING)."""
    import inspect
    import tomllib

    for method in ("realise", "documents", "check"):
        hints = inspect.get_annotations(getattr(plugins.Target, method))
        assert hints and not any("Any" in str(h) for h in hints.values()), (method, hints)
    assert inspect.get_annotations(plugins.Target.check)["unit"] == "TargetInput"
    with open(REPO / "pyproject.toml", "rb") as fh:
        overrides = tomllib.load(fh)["tool"]["mypy"]["overrides"]
    seam = {"compiler.plugins", "compiler.target_api", "compiler.unsupported",
            "compiler.emitters.policies.targets"}
    strict = [o for o in overrides if seam <= set(o["module"])]
    assert strict and all(strict[0].get(flag) is True for flag in (
        "disallow_untyped_defs", "disallow_any_generics", "warn_return_any", "check_untyped_defs"))
    assert not any(seam & set(o["module"]) for o in overrides if o.get("ignore_errors"))
    assert "_BUILTINS: tuple[Target, ...]" in (
        REPO / "compiler/emitters/policies/targets.py").read_text()


def test_the_bundle_seam_is_typed_and_its_modules_strict():
    """plugins.Bundler.package takes a BundleInput (no Any), the CsarLayout and Gate
    protocols name their types, and mypy runs strict on the bundle seam, whose built-ins
    are held to the protocols under TYPE_CHECKING (tests/unit/test_mypy.py runs it)."""
    import inspect
    import tomllib

    assert inspect.get_annotations(plugins.Bundler.package)["inp"] == "BundleInput"
    assert inspect.get_annotations(plugins.CsarLayout.lay_out) == {
        "inp": "BundleInput", "parts": "CsarParts", "return": "None"}
    assert inspect.get_annotations(plugins.Gate.verify) == {
        "pkg": "WrittenPackage", "return": "list[Finding] | None"}
    with open(REPO / "pyproject.toml", "rb") as fh:
        overrides = tomllib.load(fh)["tool"]["mypy"]["overrides"]
    seam = {"compiler.plugins", "compiler.bundle_api", "compiler.bundlers",
            "compiler.bundlers.csar", "compiler.bundlers.layouts", "compiler.bundlers.gate_table"}
    strict = [o for o in overrides if seam <= set(o["module"])]
    assert strict and all(strict[0].get(flag) is True for flag in (
        "disallow_untyped_defs", "disallow_any_generics", "warn_return_any", "check_untyped_defs"))
    assert not any(seam & set(o["module"]) for o in overrides if o.get("ignore_errors"))
    for module, held in (("bundlers/gate_table.py", "_BUILTINS: tuple[Gate, ...]"),
                         ("bundlers/layouts.py", "_BUILTINS: tuple[CsarLayout, ...]"),
                         ("bundlers/csar.py", "_BUILTIN: Bundler = BUNDLER")):
        assert held in (REPO / "compiler" / module).read_text(), module
    # every built-in gate and layout loads and calls itself by its table name
    for name in plugins.BUILTIN_GATES:
        assert plugins.gate(name).name == name
    for name in plugins.BUILTIN_LAYOUTS:
        assert plugins.layout(name).name == name
