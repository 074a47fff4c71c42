"""Plugins as real third parties: two distributions built and installed with pip, used
from the CLI in subprocesses.

``xfc-acme`` registers an emitter, a bundler, a check and a policy target;
``xfc-broken`` registers an emitter, a check and a target whose module raises on import.  Calls
that do not name a broken plugin must not notice it; calls that do must fail with a
``plugin-error`` that names the distribution.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from compiler import plugins

REPO = Path(__file__).resolve().parents[2]
# pytest-xdist: one worker runs this module: the two distributions are built and installed once (the module's site fixture)
pytestmark = pytest.mark.xdist_group("plugins")
SAMPLE = REPO / "samples/5g-core-slice/slice.yaml"

ACME_PYPROJECT = """
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "xfc-acme"
version = "0.1"

[project.entry-points."xfc.emitters"]
acme = "xfc_acme:EMITTER"

[project.entry-points."xfc.bundlers"]
acme-tar = "xfc_acme:AcmeBundler"

[project.entry-points."xfc.checks"]
acme = "xfc_acme:CHECK"

[project.entry-points."xfc.targets"]
acme-orch = "xfc_acme:AcmeTarget"

[tool.setuptools]
py-modules = ["xfc_acme"]
"""

ACME_MODULE = '''
"""A third-party xfc plugin set, as a user would write it."""
from compiler.diagnostics import Severity
from compiler.emitters.policies.common import Realisation
from compiler.emitters.policies.targets import PolicyTarget
from compiler.model import OutputFile


class AcmeEmitter:
    name = "acme"
    description = "a summary of the node templates"

    def emit(self, unit, diags):
        text = "\\n".join(sorted(unit.topology.nodes)) + "\\n"
        return [OutputFile(path="acme/nodes.txt", content=text.encode(), producer=self.name)]


class AcmeBundler:
    name = "acme-tar"
    description = "would pack the files"

    def bundle(self, unit, files, diags):
        return list(files)


class AcmeCheck:
    name = "acme"
    description = "every workload image comes from registry.example.net"

    def check(self, unit, diags):
        for node in sorted(unit.topology.nodes.values(), key=lambda n: n.name):
            image = node.properties.get("image")
            if isinstance(image, str) and not image.startswith("registry.example.net/"):
                diags.add("acme/foreign-registry", f"{node.name}: image {image} is not from "
                          "registry.example.net", node.span, severity=Severity.WARNING)


class AcmeTarget(PolicyTarget):
    name = "acme-orch"
    title = "ACME orchestrator"

    def documents(self, ctx):
        doc = {"service": ctx.service, "wirings": [rw.wiring.name for rw in ctx.wirings]}
        return {"policies/acme/healing.yaml": (doc, f"ACME healing of {ctx.service}")}


EMITTER = AcmeEmitter()
CHECK = AcmeCheck()
'''

BROKEN_PYPROJECT = """
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "xfc-broken"
version = "0.1"

[project.entry-points."xfc.emitters"]
broken = "xfc_broken:EMITTER"

[project.entry-points."xfc.checks"]
broken = "xfc_broken:CHECK"

[project.entry-points."xfc.targets"]
broken = "xfc_broken:TARGET"

[tool.setuptools]
py-modules = ["xfc_broken"]
"""

BROKEN_MODULE = 'raise RuntimeError("this plugin is broken on purpose")\n'


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Both distributions, built from files written here and installed with pip into a
    folder of their own (put on PYTHONPATH by :func:`xfc`)."""
    root = tmp_path_factory.mktemp("plugins")
    sources = []
    for name, pyproject, module, text in (
        ("acme", ACME_PYPROJECT, "xfc_acme.py", ACME_MODULE),
        ("broken", BROKEN_PYPROJECT, "xfc_broken.py", BROKEN_MODULE),
    ):
        src = root / f"src-{name}"
        src.mkdir()
        (src / "pyproject.toml").write_text(textwrap.dedent(pyproject))
        (src / module).write_text(text)
        sources.append(str(src))
    target = root / "site"
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
    try:
        import wheel  # noqa: F401 - building without isolation needs it (test extra)
        cmd.append("--no-build-isolation")
    except ImportError:
        pass
    done = subprocess.run(cmd + sources, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (target / "xfc_acme-0.1.dist-info" / "entry_points.txt").exists()
    return target


def xfc(site: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(REPO)]))
    return subprocess.run([sys.executable, "-m", "compiler", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_third_party_emitter_check_and_target_from_the_cli(site, tmp_path):
    out = tmp_path / "out"
    done = xfc(site, "compile", str(SAMPLE), "-o", str(out), "--emit", "acme", "--emit",
               "policies", "--target", "acme-orch", "--target", "kubernetes",
               "--check", "acme", "--format", "json")
    assert done.returncode == 0, done.stderr + done.stdout
    assert (out / "acme/nodes.txt").read_text().split() == sorted(
        ["amf", "smf", "upf", "udm", "udr", "subscriber-db", "session-store"])
    healing = (out / "policies/acme/healing.yaml").read_text()
    assert "service: 5g-core-slice" in healing and "- n11" in healing
    assert (out / "policies/prometheusrule.yaml").exists()
    report = json.loads(done.stdout)
    codes = {d["code"] for d in report["diagnostics"]}
    # the sample's backing services come from docker.io: the check finds them, positioned
    found = [d for d in report["diagnostics"] if d["code"] == "acme/foreign-registry"]
    assert len(found) == 2 and all(d["line"] > 0 for d in found), codes
    # the target's losses are warnings like the built-ins'
    assert any(d["code"] == "unsupported" and "ACME orchestrator" in d["message"]
               for d in report["diagnostics"])


def test_explain_covers_a_chosen_third_party_target(site):
    done = xfc(site, "explain", str(SAMPLE), "--wiring", "n11", "--target", "acme-orch")
    assert done.returncode == 0, done.stderr
    assert "ACME orchestrator: ACME orchestrator reads the portable FailurePolicy." in done.stdout
    assert "Kubernetes (xfc operator on the FailurePolicy, PrometheusRule) (not chosen)" in done.stdout
    broken = xfc(site, "explain", str(SAMPLE), "--wiring", "n11", "--target", "broken")
    assert broken.returncode == 2 and "'xfc-broken'" in broken.stderr


def test_third_party_bundler_is_found_by_name(site):
    probe = ("from compiler import plugins; b = plugins.bundler('acme-tar'); "
             "print(b.name, sorted(plugins.names('bundler')))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(REPO)]))
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "acme-tar"


def test_third_party_bundler_runs_from_the_cli(site, tmp_path):
    out = tmp_path / "bundle"
    done = xfc(site, "bundle", str(SAMPLE), "-f", "acme-tar", "-o", str(out))
    assert done.returncode == 0, done.stderr + done.stdout
    # AcmeBundler hands back the compiled files: they are what was written
    assert (out / "kubernetes").is_dir() and (out / "policies" / "failurepolicy.yaml").is_file()
    assert "acme-tar" in xfc(site, "bundle", "--help").stdout


def test_a_broken_plugin_fails_only_the_calls_that_name_it(site, tmp_path):
    clean = xfc(site, "compile", str(SAMPLE), "-o", str(tmp_path / "a"), "--target", "onap")
    assert clean.returncode == 0, clean.stderr + clean.stdout
    assert (tmp_path / "a/kubernetes").is_dir() and (tmp_path / "a/policies/onap").is_dir()
    assert xfc(site, "check", str(SAMPLE), "--check", "acme").returncode == 0

    for args in (("--emit", "broken"), ("--check", "broken"), ("--target", "broken")):
        done = xfc(site, "compile", str(SAMPLE), "-o", str(tmp_path / "b"), *args)
        assert done.returncode == 1, done.stderr + done.stdout
        text = done.stdout + done.stderr
        assert "error[plugin-error]" in text and "'xfc-broken'" in text, text
        assert "this plugin is broken on purpose" in text
        assert not (tmp_path / "b").exists()


def test_unknown_names_are_misuse(site, tmp_path):
    for args in (("--emit", "nope"), ("--check", "nope"), ("--target", "nope")):
        done = xfc(site, "compile", str(SAMPLE), "-o", str(tmp_path / "c"), *args)
        assert done.returncode == 2, (args, done.stderr)
        assert "nope" in done.stderr


def test_built_ins_load_lazily_and_refuse_unknown_names():
    assert plugins.names("target")[:4] == ["kubernetes", "tacker", "onap", "osm"]
    assert plugins.target("onap").title.startswith("ONAP")
    with pytest.raises(plugins.PluginError, match="no back end named 'nope'"):
        plugins.emitter("nope")
    code = ("import sys, compiler.plugins as p; p.names('emitter'); "
            "print(any(m.startswith('compiler.emitters') for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr  # listing names imports no plugin


SHADOW_MODULE = '''
"""Claims xfc's own back end name, and brings one of its own."""
from compiler.model import OutputFile


class Impostor:
    description = "would replace xfc's kubernetes back end"

    def __init__(self, name):
        self.name = name

    def emit(self, unit, diags):
        return [OutputFile(path="impostor.txt", content=b"replaced\\n", producer=self.name)]


KUBERNETES = Impostor("kubernetes")
EXTRA = Impostor("shadow-extra")
'''


@pytest.fixture(scope="module")
def shadow_site(tmp_path_factory) -> Path:
    """An installed distribution (its .dist-info as pip writes it) that registers the
    built-in names ``kubernetes`` (back end) and ``helm`` (bundler), and a name of its own."""
    target = tmp_path_factory.mktemp("shadow-site")
    (target / "xfc_shadow.py").write_text(SHADOW_MODULE)
    info = target / "xfc_shadow-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: xfc-shadow\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[xfc.emitters]\nkubernetes = xfc_shadow:KUBERNETES\nshadow-extra = xfc_shadow:EXTRA\n"
        "[xfc.bundlers]\nhelm = xfc_shadow:KUBERNETES\n")
    return target


def test_a_third_party_cannot_replace_a_built_in(shadow_site, tmp_path):
    # built-ins alone: xfc's own back end runs, and the distributions are not even scanned
    probe = ("import io; from compiler import plugins; from compiler.cli import main; "
             f"code = main(['compile', {str(SAMPLE)!r}, '-o', {str(tmp_path / 'a')!r}], "
             "out=io.StringIO()); print(code, bool(plugins._EP_CACHE))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(shadow_site), str(REPO)]))
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["0", "False"], done.stderr
    assert (tmp_path / "a/kubernetes").is_dir() and not (tmp_path / "a/impostor.txt").exists()
    # whenever xfc scans, the distribution is refused and named: its own name fails to load
    extra = xfc(shadow_site, "compile", str(SAMPLE), "-o", str(tmp_path / "b"),
                "--emit", "shadow-extra")
    assert extra.returncode == 1, extra.stderr + extra.stdout
    text = extra.stdout + extra.stderr
    assert "error[plugin-error]" in text and "'xfc-shadow'" in text and "'kubernetes'" in text
    assert not (tmp_path / "b").exists()
    # and a listing of the available names says so
    nope = xfc(shadow_site, "compile", str(SAMPLE), "-o", str(tmp_path / "c"), "--emit", "nope")
    assert nope.returncode == 2
    assert "shadow-extra" in nope.stderr and "'xfc-shadow' registers xfc's own" in nope.stderr
    assert "back end 'kubernetes' (xfc.emitters)" in nope.stderr, nope.stderr
    # as does the bundler listing of --help
    assert "'xfc-shadow' registers" in " ".join(xfc(shadow_site, "bundle", "--help").stdout.split())


def test_refused_lists_a_shadowing_distribution_in_process(shadow_site, monkeypatch):
    monkeypatch.syspath_prepend(str(shadow_site))
    plugins.refresh()
    try:
        assert plugins.known("emitter", "kubernetes") and plugins.known("emitter", "shadow-extra")
        assert plugins.names("emitter")[:2] == ["kubernetes", "policies"]
        assert any("'xfc-shadow'" in r for r in plugins.refused("emitter"))
        assert any("bundler 'helm'" in r for r in plugins.refused("bundler"))
        assert plugins.refused("check") == [] and plugins.refused("target") == []
        assert plugins.emitter("kubernetes").__class__.__module__.startswith("compiler.")
        with pytest.raises(plugins.PluginError, match="'shadow-extra' is refused"):
            plugins.emitter("shadow-extra")
    finally:
        monkeypatch.undo()
        plugins.refresh()
