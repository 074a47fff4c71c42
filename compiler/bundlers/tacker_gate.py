"""The Tacker gate: OpenStack Tacker's own onboarding and v2 LCM code, run on a CSAR.

Phase: bundle (verification).  Input: a Tacker CSAR (a ``.csar`` zip or a CSAR folder)
and the instantiate request xfc wrote beside it.  Output: :class:`~.gates.Finding` s of
the gate ``tacker-16.0.0`` (Tacker's version), or None when no Tacker venv is installed.

Tacker runs in its own venv (``.ci/tacker.sh``), never in xfc's process:
:mod:`._tacker_child` is started with the venv's interpreter, reads one JSON request and
prints one verdict (the stages and the stubs are listed there).  The venv is
``$XFC_TACKER_PYTHON`` when set, else
``${XFC_TOOLS_CACHE:-~/.cache/xfc-tools}/tacker-16.0.0/bin/python``.

Codes: none (gate findings are printed by ``xfc bundle --verify``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from ..limits import DEFAULT_LIMITS
from ..bundle_api import Finding

VERSION = "16.0.0"
TIMEOUT = float(DEFAULT_LIMITS.tacker_gate_seconds)  # seconds for one package
_CHILD = Path(__file__).with_name("_tacker_child.py")


def python() -> str | None:
    """The Tacker venv's interpreter, or None when it is not installed."""
    given = os.environ.get("XFC_TACKER_PYTHON")
    if given:
        return given if os.access(given, os.X_OK) else None
    cache = Path(os.environ.get("XFC_TOOLS_CACHE") or Path.home() / ".cache" / "xfc-tools")
    exe = cache / f"tacker-{VERSION}" / "bin" / "python"
    return str(exe) if os.access(exe, os.X_OK) else None


def gate_name() -> str:
    return f"tacker-{VERSION}"


def judge(csar: str | Path, request: dict[str, Any] | None) -> dict[str, Any] | None:
    """Tacker's verdict on ``csar`` (the child's JSON), or None without a Tacker venv."""
    exe = python()
    if exe is None:
        return None
    work = tempfile.mkdtemp(prefix="xfc-tacker-")
    try:
        path = Path(csar)
        if path.is_dir():  # Tacker onboards a zip: pack the folder as it would be uploaded
            zpath = os.path.join(work, path.name + ".zip")
            with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(path.rglob("*")):
                    if f.is_file():
                        zf.write(f, f.relative_to(path).as_posix())
            path = Path(zpath)
        scratch = os.path.join(work, "csars")
        os.mkdir(scratch)
        req = {"csar": str(path.resolve()), "request": request, "workdir": scratch}
        env = dict(os.environ, TMPDIR=work, PYTHONDONTWRITEBYTECODE="1")
        try:
            proc = subprocess.run([exe, str(_CHILD)], input=json.dumps(req), capture_output=True,
                                  text=True, timeout=TIMEOUT, cwd=work, env=env)
        except subprocess.TimeoutExpired:
            return {"ok": False, "stage": "gate", "error": f"no verdict within {TIMEOUT:g} s",
                    "warnings": [], "tacker": VERSION}
        except OSError as exc:
            return {"ok": False, "stage": "gate", "error": f"cannot start {exe}: {exc}",
                    "warnings": [], "tacker": VERSION}
        try:
            return json.loads(proc.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            tail = " ".join(proc.stderr.strip().splitlines()[-3:])[:500]
            return {"ok": False, "stage": "gate", "error": f"the Tacker child failed "
                    f"(exit {proc.returncode}): {tail}", "warnings": [], "tacker": VERSION}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def findings(csar: str | Path, request: dict[str, Any] | None) -> list[Finding] | None:
    """The verdict as findings of the gate ``tacker-<version>``; None without a venv."""
    verdict = judge(csar, request)
    if verdict is None:
        return None
    g = f"tacker-{verdict.get('tacker', VERSION)}"
    name = Path(csar).name
    out = [Finding(g, "warning", "warning", w, name) for w in verdict.get("warnings", ())]
    if not verdict.get("ok"):
        out.append(Finding(g, verdict.get("stage") or "gate", "error",
                           _first_lines(verdict.get("error", "")), name))
    return out


def _first_lines(msg: str) -> str:
    """Tacker's message without the tosca-parser traceback it carries."""
    cut = msg.find(" File /")
    return (msg[:cut] if cut > 0 else msg).strip()
