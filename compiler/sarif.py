"""SARIF 2.1.0: diagnostics as a Static Analysis Results Interchange Format log.

Phase: report (CLI ``--format sarif``, ``xfc serve``).  Input: one or more
(:class:`~compiler.diagnostics.Diagnostics`, path) pairs.  Output: a SARIF log (a dict, or
its JSON text) with one run whose ``tool.driver.rules`` is the whole code registry
(:mod:`compiler.codes`) and whose ``results`` are the diagnostics, in xfc's order.

Mapping (OASIS SARIF 2.1.0, §3.27 result, §3.28 location, §3.30 region, §3.49
reportingDescriptor):

* rule ``id`` = the code slug, ``name`` = the slug in PascalCase (§3.49.7 wants an
  identifier-like name), ``shortDescription``/``fullDescription``/``help`` = the registry
  summary, ``defaultConfiguration.level`` = the registered severity;
* result ``level``: error / warning / note (xfc's three severities have the same names);
* ``locations[0].physicalLocation``: the file as a URI reference (relative paths stay
  relative, so code-scanning services resolve them against the checkout; absolute paths
  become ``file:`` URIs) and a ``region`` with 1-based ``startLine``/``startColumn`` and,
  when known, the end; columns count Unicode code points (``columnKind``);
* a position that is not a file (``--set KEY``, ``<inputs>``) has no physical location:
  the result's message names it instead;
* ``locations[0].logicalLocations``: the entity path (``node_templates["upf"]…``);
* ``relatedLocations``: the import chain, one per file through which the reported file
  was reached (§3.27.22), each with the message "imported from here".

Codes: none (renders those of the phases that ran).
"""

from __future__ import annotations

import json
import posixpath
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, Iterable
from urllib.parse import quote

from . import __version__
from .codes import CODES
from .diagnostics import Diagnostic, Diagnostics, Severity, Span

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def _rule_name(code: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in code.split("-"))


def rules() -> list[dict[str, Any]]:
    """One reportingDescriptor per registered code, in registry order."""
    out = []
    for c in CODES.values():
        text = c.summary[:1].upper() + c.summary[1:] + "."
        out.append({
            "id": c.code,
            "name": _rule_name(c.code),
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "help": {"text": f"{text} `xfc codes {c.code}` shows it; the message says "
                             "what to change, and its hint (when present) how."},
            "defaultConfiguration": {"level": _LEVEL[Severity(int(c.severity))]},
        })
    return out


_RULE_INDEX = {code: i for i, code in enumerate(CODES)}


def _is_file(name: str) -> bool:
    # "<unknown>", "<inputs>", "--set KEY": positions that are not files
    return bool(name) and not name.startswith(("<", "--set "))


def artifact_uri(name: str) -> str:
    """``name`` as a URI reference: relative paths stay relative, absolute ones are file URIs."""
    win = PureWindowsPath(name)
    if win.drive and win.is_absolute():  # C:\… on Windows
        return win.as_uri()
    posix = name.replace("\\", "/")
    if posix.startswith("/"):
        return PurePosixPath(posixpath.normpath(posix)).as_uri()
    # a relative reference: escape what a URI may not hold, keep '/' as the separator;
    # ':' is escaped too, so that a first segment never reads as a scheme (RFC 3986 §4.2)
    return quote(posix, safe="/-._~!$&'()*+,;=@")


def _region(span: Span) -> dict[str, int] | None:
    if span.line <= 0:
        return None
    region = {"startLine": span.line}
    if span.column > 0:
        region["startColumn"] = span.column
    if span.end_line >= span.line and span.end_line > 0:
        if span.end_line > span.line or span.end_column > span.column:
            region["endLine"] = span.end_line
            if span.end_column > 0:
                region["endColumn"] = span.end_column
    return region


def _physical(span: Span) -> dict[str, Any] | None:
    if not _is_file(span.file):
        return None
    loc: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(span.file)}}
    region = _region(span)
    if region:
        loc["region"] = region
    return loc


def result(d: Diagnostic) -> dict[str, Any]:
    """One SARIF result for one diagnostic."""
    text = d.message
    if not _is_file(d.span.file) and d.span.file != "<unknown>":
        text = f"{d.span.file}: {text}"
    if d.hint:
        text += f" (hint: {d.hint})"
    res: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": _RULE_INDEX[d.code],
        "level": _LEVEL[d.severity],
        "message": {"text": text},
    }
    location: dict[str, Any] = {}
    phys = _physical(d.span)
    if phys:
        location["physicalLocation"] = phys
    if d.path:
        location["logicalLocations"] = [{"fullyQualifiedName": d.path}]
    if location:
        res["locations"] = [location]
    related = []
    for i, link in enumerate(d.chain):
        p = _physical(link)
        if p is None:
            continue
        related.append({"id": i, "physicalLocation": p, "message": {"text": "imported from here"}})
    if related:
        res["relatedLocations"] = related
    return res


def sarif_log(diagnostics: Iterable[Diagnostic], *, min_severity: Severity = Severity.NOTE,
              successful: bool = True) -> dict[str, Any]:
    """A SARIF log with one run of xfc holding ``diagnostics`` (already sorted by xfc)."""
    results = [result(d) for d in diagnostics if d.severity >= min_severity]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "xfc",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules(),
            }},
            "invocations": [{"executionSuccessful": successful}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(diags: Diagnostics | Iterable[Diagnostic], *, min_severity: Severity = Severity.NOTE) -> str:
    """The SARIF log of ``diags`` as deterministic JSON text (sorted keys, 2-space indent)."""
    return json.dumps(sarif_log(list(diags), min_severity=min_severity), indent=2,
                      sort_keys=True, ensure_ascii=False) + "\n"


__all__ = ["rules", "result", "sarif_log", "render", "artifact_uri", "SCHEMA_URI"]
