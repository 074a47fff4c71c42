""".pre-commit-hooks.yaml: a valid pre-commit manifest whose hooks run xfc's batch mode."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from compiler.cli import main

REPO = Path(__file__).resolve().parents[2]
HOOKS = REPO / ".pre-commit-hooks.yaml"


def test_manifest_is_valid_for_pre_commit() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib", reason="pre-commit is not installed (test extra)")
    hooks = clientlib.load_manifest(str(HOOKS))
    assert [h["id"] for h in hooks] == ["xfc-check", "xfc-check-sarif"]


def test_hooks_match_descriptors_and_run_as_one_batch(tmp_path: Path) -> None:
    import yaml

    for hook in yaml.safe_load(HOOKS.read_text()):
        files = re.compile(hook["files"])
        assert files.search("pkg/Definitions/vnfd.yaml") and files.search("tosca/slice.yml")
        assert files.search("out/pkg.csar")
        assert not files.search("kubernetes/deployment.yaml")
        argv = shlex.split(hook["entry"])
        assert argv[0] == "xfc"
        # pre-commit appends the staged file names: one call checks them all
        bad = REPO / "tests" / "diagnostics" / "yaml-syntax" / "fail.yaml"
        out = io.StringIO()
        assert main(argv[1:] + [str(REPO / "samples" / "5g-core-slice" / "slice.yaml"), str(bad)], out) == 1
        assert "yaml-syntax" in out.getvalue()
        assert main(argv[1:] + [str(REPO / "samples" / "5g-core-slice" / "slice.yaml"),
                                str(REPO / "samples" / "xfc-service" / "xfc-service.yaml")], io.StringIO()) == 0
