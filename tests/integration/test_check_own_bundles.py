"""xfc reads what xfc writes: every CSAR xfc bundles checks clean, in the CLI and the library.

Every sample is bundled as a SOL004 CSAR for no orchestrator, ONAP and Tacker (the CSAR
formats, archive and folder, are the bundles that are xfc inputs; a Helm chart, a
Kustomize tree, ONAP's Helm zip and OSM's package are not TOSCA).  ``xfc check`` and
``compiler.check()`` must both find 0 errors, and the same diagnostics exactly (both run
``compiler.api.check`` in every flavour; ``compiler.compile()`` finds them too): the objects xfc
generated into ``Files/kubernetes/`` are recognised as generated (their
``app.kubernetes.io/managed-by: xfc`` label and ``xfactor.io/template`` annotation
without ``xfactor.io/origin: shipped``), not read again as shipped manifests.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import compiler
from compiler.cli import main
from tests.support.samples import entry, is_tosca2, samples

TARGETS = (None, "onap", "tacker")
# a TOSCA 2.0 sample is not bundled for Tacker, which reads TOSCA 1.x only (xfc refuses
# it: test_tosca2_bundles.py)
CASES = [(p, t) for p in samples() for t in TARGETS if not (t == "tacker" and is_tosca2(p))]


def _bundle(path: str, target: str | None, out: Path, folder: bool) -> Path:
    argv = ["bundle", path, "-f", "csar", "-o", str(out), "-q", "--param", "vnf_instance_id=ci"]
    if target:
        argv += ["--target", target]
    if folder:
        argv.append("--csar-dir")
    buf = io.StringIO()
    assert main(argv, buf) == 0, buf.getvalue()[-3000:]
    found = list(out.glob("*.csar")) if not folder else list((out / "csar").iterdir())
    assert len(found) == 1, found
    return found[0]


def _key(d: dict) -> tuple:
    return (d["code"], d["severity"], d["line"], d["column"], d["message"])


@pytest.mark.parametrize("sample,target", CASES,
                         ids=[f"{p.name}-{t or 'plain'}" for p, t in CASES])
def test_check_accepts_the_csar_xfc_wrote(tmp_path: Path, sample: Path, target: str | None) -> None:
    # the Tacker CSAR also as a folder (its Files/kubernetes/ read from disk)
    for folder in ((False, True) if target == "tacker" else (False,)):
        out = tmp_path / ("dir" if folder else "zip")
        csar = _bundle(str(entry(sample)), target, out, folder)
        buf = io.StringIO()
        code = main(["check", str(csar), "--format", "json"], buf)
        doc = json.loads(buf.getvalue())
        errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]
        assert code == 0 and errors == [], errors[:5]
        # the library's check() runs what the CLI's check runs: the same diagnostics
        lib = compiler.check(str(csar))
        assert not lib.diagnostics.has_errors
        assert _keys(lib) == sorted(map(_key, doc["diagnostics"]))
        # and the library's compile() (what the CLI's check runs) finds what the CLI prints
        full = compiler.compile(str(csar))
        assert _keys(full) == sorted(map(_key, doc["diagnostics"]))


def _keys(unit: compiler.Compilation) -> list[tuple]:
    return sorted(map(_key, json.loads(unit.diagnostics.render_json())))


def _cli(argv: list[str]) -> tuple[int, list[tuple]]:
    buf = io.StringIO()
    code = main(argv + ["--format", "json"], buf)
    return code, sorted(map(_key, json.loads(buf.getvalue())["diagnostics"]))


SAMPLE_CASES = [(p, t) for p in samples() for t in (None, "tacker")]


@pytest.mark.parametrize("sample,target", SAMPLE_CASES,
                         ids=[f"{p.name}-{t or 'plain'}" for p, t in SAMPLE_CASES])
def test_library_check_is_the_cli_check_on_the_samples(sample: Path, target: str | None) -> None:
    """``compiler.check()`` reports exactly what ``xfc check`` prints, back-end codes and
    every flavour of a multi-flavour VNFD included, with and without a target."""
    argv = ["check", str(entry(sample))]
    opts: dict = {}
    if target:
        argv += ["--target", target, "--param", "vnf_instance_id=ci"]
        opts = {"targets": (target,), "params": {"vnf_instance_id": "ci"}}
    code, cli = _cli(argv)
    lib = compiler.check(str(entry(sample)), **opts)
    assert _keys(lib) == cli
    assert (code == 0) == lib.ok
