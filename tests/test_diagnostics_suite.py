"""One failing input per diagnostic code, checked at exact positions; and a meta-test.

Layout: ``tests/diagnostics/<code>/`` holds
  * ``fail*.yaml`` (or a ``fail*`` CSAR directory, ``.zip`` or ``.csar``), each with a
    sibling ``<stem>.expect``: one line per diagnostic that MUST be reported, written
    ``line:col code`` for the input itself or ``relpath:line:col code`` for another file
    of the case (relative to the case directory);
  * optionally ``<stem>.input``: the path to check instead (relative), for inputs that
    cannot be a file of their own (a missing path);
  * optionally ``<stem>.options.yaml``: Options overrides (``inputs``, ``flavour``,
    ``targets``, ``limits`` fields …);
  * ``pass*.yaml`` (optional): a near miss on which the code must stay silent and which
    has no errors at all.

Inputs run through ``compiler.compile`` (front end and every back end, nothing written),
so back-end codes are covered too.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

import compiler
from compiler.codes import CODES
from compiler.loader.yamlpos import Limits
from compiler.pipeline import Options

HERE = Path(__file__).resolve().parent / "diagnostics"


def _cases(prefix: str) -> list[tuple[str, Path]]:
    out = []
    if not HERE.is_dir():
        return out
    for code_dir in sorted(p for p in HERE.iterdir() if p.is_dir()):
        for item in sorted(code_dir.iterdir()):
            if not item.name.startswith(prefix) or item.name.endswith((".expect", ".options.yaml", ".md")):
                continue
            if item.name.endswith(".input"):  # a case whose input is not a file of its own
                stem = item.name[: -len(".input")]
                if any(p.name != item.name and _stem(p) == stem and not p.name.endswith(
                        (".expect", ".options.yaml")) for p in code_dir.iterdir()):
                    continue  # the input file itself is listed
                item = code_dir / stem
            out.append((code_dir.name, item))
    return out


def _stem(p: Path) -> str:
    name = p.name
    for suffix in (".yaml", ".yml", ".zip", ".csar"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _options(case: Path) -> Options:
    f = case.parent / f"{_stem(case)}.options.yaml"
    if not f.exists():
        return Options()
    data = yaml.safe_load(f.read_text()) or {}
    if "limits" in data:
        data["limits"] = Limits(**data["limits"])
    for k, v in list(data.items()):
        if isinstance(v, list):
            data[k] = tuple(v)
    return dataclasses.replace(Options(), **data)


def _input(case: Path) -> Path:
    redirect = case.parent / f"{_stem(case)}.input"
    if redirect.exists():
        return case.parent / redirect.read_text().strip()
    return case


def _reported(result, case_dir: Path) -> set[tuple[str, int, int, str]]:
    got = set()
    for d in result.diagnostics:
        f = d.span.file
        try:
            rel = str(Path(f).resolve().relative_to(case_dir.resolve()))
        except ValueError:
            rel = f
        got.add((rel, d.span.line, d.span.column, d.code))
    return got


FAIL = _cases("fail")
PASS = _cases("pass")


@pytest.mark.parametrize("code,case", FAIL, ids=[f"{c}/{p.name}" for c, p in FAIL])
def test_failing_input_reports_code_at_position(code: str, case: Path) -> None:
    assert code in CODES, f"tests/diagnostics/{code}/ names no registered code"
    expect = case.parent / f"{_stem(case)}.expect"
    assert expect.exists(), f"{case} has no {expect.name}"
    path = _input(case)
    result = compiler.compile(str(path), _options(case))
    got = _reported(result, case.parent)
    main = str(path.resolve().relative_to(case.parent.resolve())) if path.exists() else path.name
    wanted = []
    for line in expect.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where, want_code = line.rsplit(None, 1)
        parts = where.split(":")
        if len(parts) == 2:
            parts = [main] + parts
        wanted.append((":".join(parts[:-2]), int(parts[-2]), int(parts[-1]), want_code))
    assert any(w[3] == code for w in wanted), f"{expect} must expect {code}"
    missing = [w for w in wanted if w not in got]
    assert not missing, (
        f"expected diagnostics not reported: {missing}\nreported:\n"
        + result.diagnostics.render_text()
    )


@pytest.mark.parametrize("code,case", PASS, ids=[f"{c}/{p.name}" for c, p in PASS])
def test_passing_input_stays_silent(code: str, case: Path) -> None:
    result = compiler.compile(str(_input(case)), _options(case))
    assert code not in result.diagnostics.codes(), result.diagnostics.render_text()
    assert not result.diagnostics.has_errors, result.diagnostics.render_text()


def test_every_code_has_a_failing_input() -> None:
    have = {code for code, _ in FAIL}
    missing = sorted(set(CODES) - have)
    assert not missing, (
        "codes without a failing input under tests/diagnostics/<code>/: " + ", ".join(missing)
    )
