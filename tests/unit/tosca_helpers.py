"""Helpers for the TOSCA front-end unit tests: resolve YAML texts without the loader."""

from __future__ import annotations

import textwrap
from typing import Any

from compiler.diagnostics import Diagnostics, Severity
from compiler.loader.yamlpos import load_yaml
from compiler.loader.package import Package, SourceFile
from compiler.pipeline import Options
from compiler.resolve import resolve


def package(*texts: str, names: tuple[str, ...] = ()) -> tuple[Package, Diagnostics]:
    """A Package of ``texts`` (the first is the entry), each parsed with positions."""
    diags = Diagnostics()
    files = []
    for i, t in enumerate(texts):
        name = names[i] if i < len(names) else f"f{i}.yaml"
        data = load_yaml(textwrap.dedent(t), name, diags)
        files.append(SourceFile(name=name, display=name, data=data))
    return Package(root=files[0].name, entry=files[0].name, files=tuple(files)), diags


def run(*texts: str, names: tuple[str, ...] = (), **opts: Any):
    pkg, diags = package(*texts, names=names)
    topo = resolve(pkg, Options(**opts), diags)
    return topo, diags


def errors(diags: Diagnostics) -> list[tuple[int, int, str]]:
    return [(d.span.line, d.span.column, d.code) for d in diags if d.severity >= Severity.ERROR]


def codes(diags: Diagnostics, severity: Severity = Severity.NOTE) -> list[str]:
    return [d.code for d in diags if d.severity >= severity]
