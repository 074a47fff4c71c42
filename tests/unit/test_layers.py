"""The layering of the compiler, enforced by import-linter (``.importlinter``): back ends
import nothing from the loader, the TOSCA resolver or normalize; the IR imports no phase;
normalize, graph and checks import neither the loader nor the resolver.
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
        "compiler.loader", "compiler.tosca2", "compiler.resolve", "compiler.normalize"}
    model = cfg["importlinter:contract:model-imports-no-phase"]
    assert set(model["source_modules"].split()) == {"compiler.model", "compiler.model.xfactor"}
    middle = cfg["importlinter:contract:middle-sees-no-syntax-reader"]
    assert set(middle["forbidden_modules"].split()) == {
        "compiler.loader", "compiler.tosca2", "compiler.resolve"}
    bundlers = cfg["importlinter:contract:bundlers-build-from-the-ir"]
    assert bundlers["source_modules"].split() == ["compiler.bundlers"]
    assert set(bundlers["forbidden_modules"].split()) == {
        "compiler.loader", "compiler.tosca2", "compiler.resolve", "compiler.normalize"}
    # the two documented exceptions, and no others
    ignored = [ln.strip() for ln in bundlers["ignore_imports"].splitlines()
               if ln.strip() and not ln.strip().startswith("#")]
    assert ignored == ["compiler.bundlers.gates -> compiler.loader.manifest",
                       "compiler.bundlers.csar -> compiler.loader.catalog"]


def test_the_layering_contracts_hold():
    proc = _lint(CONFIG)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 kept, 0 broken" in proc.stdout


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
