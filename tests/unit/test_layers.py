"""The layering of the compiler, enforced by import-linter (``.importlinter``): faces over
the application layer (compiler.api) over the driver over the phases over the IR and
support; faces import only the API; back ends import nothing from the loader, the TOSCA
resolver or normalize; the IR imports no phase; normalize, graph and checks import
neither the loader nor the resolver; the loader not the resolver; no bundler the loader,
the emitters or the API (named exceptions aside); and no new circle between packages.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / ".importlinter"


def _lint(config: Path) -> subprocess.CompletedProcess:
    try:
        import importlinter  # noqa: F401
    except ImportError:
        reason = "import-linter is not installed (pip install -e '.[test]')"
        if os.environ.get("CI") == "true" and os.environ.get("XFC_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{reason} (required: CI=true and XFC_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip(reason)
    code = ("import sys; from importlinter.cli import lint_imports_command; "
            "sys.exit(lint_imports_command())")
    # run from the worktree so that ``compiler`` is this checkout's package
    return subprocess.run([sys.executable, "-c", code, "--config", str(config), "--no-cache"],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"})


def test_the_contracts_are_the_documented_ones():
    cfg = configparser.ConfigParser()
    cfg.read(CONFIG)
    backends = cfg["importlinter:contract:backends-see-only-the-ir"]
    assert backends["type"] == "forbidden"
    assert backends["source_modules"].split() == ["compiler.emitters"]
    assert set(backends["forbidden_modules"].split()) >= {
        "compiler.loader", "compiler.resolve", "compiler.normalize"}
    model = cfg["importlinter:contract:model-imports-no-phase"]
    assert set(model["source_modules"].split()) == {"compiler.model", "compiler.model.xfactor"}
    middle = cfg["importlinter:contract:middle-sees-no-syntax-reader"]
    assert set(middle["forbidden_modules"].split()) == {"compiler.loader", "compiler.resolve"}
    bundlers = cfg["importlinter:contract:bundlers-build-from-the-ir"]
    assert bundlers["source_modules"].split() == ["compiler.bundlers"]
    assert set(bundlers["forbidden_modules"].split()) == {
        "compiler.loader", "compiler.resolve", "compiler.normalize"}
    # the one documented exception (the gates), and no other: the CSAR gets the package
    # and the catalog's files as data (issue 25, item 2)
    ignored = [ln.strip() for ln in bundlers["ignore_imports"].splitlines()
               if ln.strip() and not ln.strip().startswith("#")]
    assert ignored == ["compiler.bundlers.gates -> compiler.loader.manifest"]


def test_the_layering_contracts_hold():
    proc = _lint(CONFIG)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "9 kept, 0 broken" in proc.stdout


def test_the_layers_are_the_documented_ones():
    """Faces over compiler.api over the driver over the phases over the IR and support
    (issue 25); the exceptions still allowed are named, and no others."""
    cfg = configparser.ConfigParser()
    cfg.read(CONFIG)
    layers = cfg["importlinter:contract:layers"]
    assert layers["type"] == "layers"
    rows = [[m.strip() for m in ln.split(":")] for ln in layers["layers"].splitlines()
            if ln.strip() and not ln.strip().startswith("#")]
    assert rows[0] == ["compiler.cli", "compiler.commands", "compiler.service", "compiler.batch",
                       "compiler.krm", "compiler.operator"]
    assert rows[1:3] == [["compiler.api"], ["compiler.pipeline"]]
    assert {"compiler.loader", "compiler.resolve", "compiler.emitters", "compiler.bundlers"} <= set(rows[3])
    assert rows[5] == ["compiler.model"]
    assert {"compiler.diagnostics", "compiler.limits"} <= set(rows[6])

    def ignored(name: str) -> list[str]:
        return [ln.strip() for ln in cfg[name].get("ignore_imports", "").splitlines()
                if ln.strip() and not ln.strip().startswith("#")]

    # no bundler runs back up to the API (issue 25, item 2: they get a BundleInput)
    assert ignored("importlinter:contract:layers") == []
    faces = cfg["importlinter:contract:faces-use-the-api"]
    # every phase, the driver, the IR, the plugin table and the output writer: a face
    # reaches them through compiler.api (its flags, renderings and support modules)
    assert set(faces["forbidden_modules"].split()) >= set(rows[3]) | {
        "compiler.pipeline", "compiler.ns", "compiler.model",
        "compiler.plugins", "compiler.output"}
    assert set(faces["source_modules"].split()) == set(rows[0])
    assert ignored("importlinter:contract:faces-use-the-api") == []
    assert cfg["importlinter:contract:batch-runs-verbs-by-name"]["forbidden_modules"].split() == [
        "compiler.commands", "compiler.cli"]
    # the quirks table lives with the loader (compiler.loader.quirks): no exception left
    assert ignored("importlinter:contract:loader-reads-no-resolver") == []
    assert set(cfg["importlinter:contract:bundlers-call-no-compiler"]["forbidden_modules"].split()) == {
        "compiler.loader", "compiler.emitters", "compiler.pipeline", "compiler.api"}
    # no bundler calls the compiler or the loader: only the gate's reader of a package
    assert ignored("importlinter:contract:bundlers-call-no-compiler") == [
        "compiler.bundlers.gates -> compiler.loader.manifest"]
    assert "allow_indirect_imports" not in cfg["importlinter:contract:bundlers-build-from-the-ir"]


# Circles between the compiler's top-level modules and packages: none remains (issue 25).
# Issue 25 removed loader <-> resolve (the quirks table moved to the loader), diagnostics
# <-> limits, graph <-> pipeline (and through checks), batch <-> commands, commands <->
# service, compiler -> api -> bundlers -> compiler (the bundlers recompiled through the
# package root), service -> cli -> commands -> service (the service parses with
# compiler.api.flags and runs compiler.api, not cli.main) and loader <-> tosca2 (the TOSCA
# 2.0 reader is part of the loader, compiler.loader.tosca2).  A circle here fails the test.
KNOWN_CIRCLES: set[frozenset[str]] = set()


def test_no_new_circle_between_packages():
    grimp = pytest.importorskip("grimp")  # import-linter's graph builder
    import networkx as nx

    graph = grimp.build_graph("compiler")

    def top(module: str) -> str:
        return ".".join(module.split(".")[:2])

    edges = {(top(m), top(i)) for m in graph.modules
             for i in graph.find_modules_directly_imported_by(m) if top(m) != top(i)}
    circles = {frozenset(c) for c in nx.simple_cycles(nx.DiGraph(sorted(edges)))}
    assert circles == KNOWN_CIRCLES, sorted(map(sorted, circles ^ KNOWN_CIRCLES))
    for gone in ({"compiler.diagnostics", "compiler.limits"}, {"compiler.graph", "compiler.pipeline"},
                 {"compiler.batch", "compiler.commands"}, {"compiler.commands", "compiler.service"},
                 {"compiler", "compiler.api", "compiler.bundlers"},
                 {"compiler.service", "compiler.cli", "compiler.commands"},
                 {"compiler.loader", "compiler.tosca2"}):
        assert frozenset(gone) not in circles


def test_a_face_importing_a_phase_breaks_the_faces_contract(tmp_path):
    """The faces' forbidden list is not one that nothing could break: the same list, with
    the application layer (which does import the phases) as its source, is broken."""
    cfg = configparser.ConfigParser()
    cfg.read(CONFIG)
    forbidden = cfg["importlinter:contract:faces-use-the-api"]["forbidden_modules"].split()
    broken = tmp_path / "faces.ini"
    broken.write_text(
        "[importlinter]\nroot_package = compiler\n\n"
        "[importlinter:contract:x]\nname = a face that imports phases\ntype = forbidden\n"
        "source_modules =\n    compiler.api\nforbidden_modules =\n"
        + "".join(f"    {m}\n" for m in forbidden) + "allow_indirect_imports = True\n")
    proc = _lint(broken)
    assert proc.returncode != 0
    assert "BROKEN" in proc.stdout and "compiler.pipeline" in proc.stdout


def test_a_broken_contract_fails(tmp_path):
    """The runner is not a check that cannot fail: a contract every back end breaks."""
    broken = tmp_path / "broken.ini"
    broken.write_text(
        "[importlinter]\nroot_package = compiler\n\n"
        "[importlinter:contract:x]\nname = back ends without the IR\ntype = forbidden\n"
        "source_modules =\n    compiler.emitters\nforbidden_modules =\n    compiler.model\n")
    proc = _lint(broken)
    assert proc.returncode != 0
    assert "BROKEN" in proc.stdout and "compiler.emitters" in proc.stdout
