"""Helpers for the TOSCA 2.0 front-end tests: check a 2.0 text, list what it reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import compiler

HEAD = "tosca_definitions_version: tosca_2_0\n"


def check(tmp_path: Path, text: str, name: str = "t.yaml", **opts: Any):
    p = tmp_path / name
    p.write_text(text)
    # the TOSCA 2.0 front end's own findings: compiler.check() also runs the back ends
    # (it is xfc check), whose warnings are not what these tests are about
    return compiler.analyse(str(p), **opts)


def found(unit) -> list[tuple[str, int, int]]:
    """(code, line, column) of every warning and error (``check`` runs the front end only)."""
    return [(d.code, d.span.line, d.span.column) for d in unit.diagnostics
            if d.severity.name in ("WARNING", "ERROR")]


def codes(unit) -> list[str]:
    return [c for c, _l, _c in found(unit)]


def message(unit, code: str) -> str:
    return next(d.message for d in unit.diagnostics if d.code == code)
