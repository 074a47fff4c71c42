"""SARIF 2.1.0: diagnostics as a Static Analysis Results Interchange Format log.

Phase: report (CLI ``--format sarif``, ``xfc serve``, batch mode).  Input: diagnostics,
the folder URIs are made relative to (``root``: ``--sarif-root``, else the working
directory) and the input's own path.  Output: a SARIF log (a dict, or its JSON text) with
**one run** whose ``tool.driver.rules`` is the whole code registry
(:mod:`compiler.codes`) and whose ``results`` are the diagnostics, in xfc's order; a
batch merges its inputs into that one run (:func:`merge`), one ``invocation`` per input.

Mapping (OASIS SARIF 2.1.0, §3.14 run, §3.27 result, §3.28 location, §3.30 region,
§3.49 reportingDescriptor), written so that GitHub code scanning accepts the upload
(its documented rules are encoded in ``tests/unit/test_sarif_github.py``):

* ``tool.driver``: ``name`` xfc, ``version``, and ``informationUri`` = the documentation
  base when one is configured (``--sarif-help-base URL``, else ``$XFC_SARIF_HELP_BASE``:
  where the user serves xfc's ``docs/``; xfc has no public home, so with neither no link
  is written rather than a dead one); ``run.automationDetails.id`` (``xfc/<category>/``, default
  ``xfc/check/``) so that two uploads of different analyses do not replace each other;
* rule ``id`` = the code slug, ``name`` = the slug in PascalCase (§3.49.7 wants an
  identifier-like name), ``shortDescription``/``fullDescription``/``help`` = the registry
  summary, ``help.markdown`` the code's entry (shown by GitHub in the alert), ``helpUri``
  = the code's heading in ``codes.md`` under the documentation base (only with one),
  ``defaultConfiguration.level`` = the registered severity;
* result ``level``: error / warning / note (xfc's three severities have the same names);
* ``locations[0].physicalLocation``: ``artifactLocation.uri`` relative to ``root`` (the
  working folder, where code scanning runs from the checkout's root), however the input
  was spelled; with ``--sarif-root`` also ``uriBaseId`` ``SRCROOT`` and
  ``run.originalUriBaseIds.SRCROOT`` the root as a ``file:`` URI ending in ``/``; a file
  outside ``root`` as an absolute ``file:`` URI.
  ``region.startLine`` is always present: a diagnostic about a whole file (no line) is
  placed on line 1; columns count Unicode code points (``columnKind``);
* a position that is not a file (``--set KEY``, ``<inputs>``) is placed on line 1 of the
  input's own file (``input_path``), and the message names the position;
* ``partialFingerprints["xfcResult/v1"]``: a SHA-256 of the code, the artifact URI, the
  entity path and the message, not the line, so the alert survives lines moving;
* ``locations[0].logicalLocations``: the entity path (``node_templates["upf"]…``);
* ``relatedLocations``: the import chain, one per file through which the reported file
  was reached (§3.27.22), each with the message "imported from here".

Codes: none (renders those of the phases that ran).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Iterable
from urllib.parse import quote

from .version import __version__
from .codes import CODES
from .diagnostics import Diagnostic, Diagnostics, Severity, Span

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
#: The environment variable that sets the documentation base when ``--sarif-help-base``
#: does not (a CI job sets it once for every xfc call).
HELP_BASE_ENV = "XFC_SARIF_HELP_BASE"
#: The page, under the documentation base, where each code has its heading.
CODES_DOC = "codes.md"
ROOT_ID = "SRCROOT"
FINGERPRINT = "xfcResult/v1"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def _rule_name(code: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in code.split("-"))


def help_base_problem(base: str) -> str | None:
    """Why ``base`` cannot be the documentation base, or None.  SARIF 2.1.0 wants an
    absolute URI for ``informationUri`` (§3.19.17) and ``helpUri`` (§3.49.12), and GitHub
    shows them as links: an ``http(s)`` URL with a host, nothing else."""
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment or any(c.isspace() for c in base):
        return (f"{base!r} is not an absolute http(s) URL of a folder (e.g. "
                "https://git.example.org/xfc/-/blob/main/docs/)")
    return None


def help_base(explicit: str | None = None) -> str | None:
    """The documentation base: ``explicit`` (``--sarif-help-base``), else
    ``$XFC_SARIF_HELP_BASE``, else None (no link is written: xfc has no public home to
    point at, and a made-up one would be a dead link).  Ends in ``/``; one that is not an
    http(s) URL is None here (the CLI refuses it first, exit 2)."""
    base = explicit if explicit else os.environ.get(HELP_BASE_ENV, "").strip() or None
    if base is None or help_base_problem(base) is not None:
        return None
    return base if base.endswith("/") else base + "/"


def help_uri(code: str, base: str) -> str:
    """The code's heading in ``codes.md`` under the documentation base ``base``."""
    return f"{base}{CODES_DOC}#{code}"


def _help_markdown(c: Any) -> str:
    """The code's entry as docs/codes.md has it: GitHub shows ``help`` in the alert, so
    the documentation travels in the log whether or not a base is configured."""
    summary = c.summary[:1].upper() + c.summary[1:]
    return (f"**{c.code}** ({c.severity.name.lower()}): {summary}.\n\n"
            f"The message says what to change, and its hint (when present) how. "
            f"`xfc codes {c.code}` prints this entry; a failing example is "
            f"`tests/diagnostics/{c.code}/` in the xfc sources.")


def rules(base: str | None = None) -> list[dict[str, Any]]:
    """One reportingDescriptor per registered code, in registry order; ``helpUri`` only
    with a documentation base (:func:`help_base`)."""
    out = []
    for c in CODES.values():
        text = c.summary[:1].upper() + c.summary[1:] + "."
        rule: dict[str, Any] = {
            "id": c.code,
            "name": _rule_name(c.code),
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "help": {"text": f"{text} `xfc codes {c.code}` shows it; the message says "
                             "what to change, and its hint (when present) how.",
                     "markdown": _help_markdown(c)},
            "defaultConfiguration": {"level": _LEVEL[Severity(int(c.severity))]},
        }
        if c.aliases:  # the codes merged into this one (SARIF 2.1.0 §3.49.4)
            rule["deprecatedIds"] = list(c.aliases)
        if base is not None:
            rule["helpUri"] = help_uri(c.code, base)
        out.append(rule)
    return out


_RULE_INDEX = {code: i for i, code in enumerate(CODES)}


def codes_markdown() -> str:
    """docs/codes.md: one heading per code (the anchor each rule's ``helpUri`` names when a
    documentation base is set),
    generated from the registry; ``tests/unit/test_sarif.py`` keeps the file in step."""
    lines = ["# Diagnostic codes", "",
             "Generated from `compiler/codes.py` (`xfc codes` prints the same list); with "
             "`--sarif-help-base URL` (or `XFC_SARIF_HELP_BASE`) naming where these docs are "
             "served, each SARIF rule's `helpUri` points at its heading here "
             "(docs/pipelines.md). Every code has a failing "
             "input under `tests/diagnostics/<code>/`.", ""]
    for c in CODES.values():
        # an alias keeps its anchor, so a link to the retired code lands here
        anchors = "".join(f'<a id="{old}"></a>' for old in c.aliases)
        lines += [f"## {c.code}", ""] + ([anchors, ""] if anchors else []) + [
                  f"Default severity: {c.severity.name.lower()}. "
                  f"{c.summary[:1].upper() + c.summary[1:]}.", ""]
        if c.aliases:
            lines += ["Formerly " + ", ".join(f"`{old}`" for old in c.aliases)
                      + ": these names are aliases of this code (a diagnostic added under one "
                        "is reported under this one; the SARIF rule lists them as "
                        "`deprecatedIds`).", ""]
        lines += [f"`xfc codes {c.code}`; example: `tests/diagnostics/{c.code}/`.", ""]
    return "\n".join(lines)


def _is_file(name: str) -> bool:
    # "<unknown>", "<inputs>", "--set KEY": positions that are not files
    return bool(name) and not name.startswith(("<", "--set "))


def _quote(rel: str) -> str:
    # a relative reference: escape what a URI may not hold, keep '/' as the separator;
    # ':' is escaped too, so that a first segment never reads as a scheme (RFC 3986 §4.2)
    return quote(rel, safe="/-._~!$&'()*+,;=@")


def artifact_uri(name: str) -> str:
    """``name`` as a URI reference: relative paths stay relative, absolute ones are file URIs."""
    win = PureWindowsPath(name)
    if win.drive and win.is_absolute():  # C:\… on Windows
        return win.as_uri()
    posix = name.replace("\\", "/")
    if posix.startswith("/"):
        return PurePosixPath(posixpath.normpath(posix)).as_uri()
    return _quote(posix)


def root_uri(root: str) -> str:
    """``root`` (a folder) as the ``file:`` URI that ``originalUriBaseIds`` holds."""
    uri = Path(os.path.abspath(root)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


class _Locator:
    """Turns a diagnostic's file name into an artifactLocation relative to ``root``."""

    def __init__(self, root: str | None, declare: bool = True) -> None:
        self.root = os.path.abspath(root) if root is not None else None
        self.declare = declare

    def artifact(self, name: str) -> dict[str, str]:
        if self.root is None:
            return {"uri": artifact_uri(name)}
        path = os.path.abspath(name)  # relative names are relative to the working folder
        rel = os.path.relpath(path, self.root)
        if rel == os.curdir or rel.startswith(os.pardir + os.sep) or rel == os.pardir \
                or os.path.isabs(rel):
            return {"uri": artifact_uri(path)}
        uri = _quote(rel.replace(os.sep, "/"))
        return {"uri": uri, "uriBaseId": ROOT_ID} if self.declare else {"uri": uri}


def _region(span: Span) -> dict[str, int]:
    if span.line <= 0:  # the whole file: GitHub wants a startLine on every location
        return {"startLine": 1}
    region = {"startLine": span.line}
    if span.column > 0:
        region["startColumn"] = span.column
    if span.end_line >= span.line and span.end_line > 0:
        if span.end_line > span.line or span.end_column > span.column:
            region["endLine"] = span.end_line
            if span.end_column > 0:
                region["endColumn"] = span.end_column
    return region


def _physical(span: Span, loc: _Locator) -> dict[str, Any] | None:
    if not _is_file(span.file):
        return None
    return {"artifactLocation": loc.artifact(span.file), "region": _region(span)}


def _fingerprint(code: str, uri: str, path: str, message: str) -> str:
    text = "\0".join((code, uri, path, message))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def result(d: Diagnostic, *, root: str | None = None, input_path: str | None = None,
           _loc: _Locator | None = None) -> dict[str, Any]:
    """One SARIF result for one diagnostic."""
    loc = _loc or _Locator(root)
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
    phys = _physical(d.span, loc)
    if phys is None and input_path and _is_file(input_path):
        phys = _physical(Span(input_path, 1), loc)
    if phys:
        location["physicalLocation"] = phys
    if d.path:
        location["logicalLocations"] = [{"fullyQualifiedName": d.path}]
    if location:
        res["locations"] = [location]
    uri = phys["artifactLocation"]["uri"] if phys else ""
    res["partialFingerprints"] = {FINGERPRINT: _fingerprint(d.code, uri, d.path or "", d.message)}
    related = []
    for i, link in enumerate(d.chain):
        p = _physical(link, loc)
        if p is None:
            continue
        related.append({"id": i, "physicalLocation": p, "message": {"text": "imported from here"}})
    if related:
        res["relatedLocations"] = related
    return res


def sarif_log(diagnostics: Iterable[Diagnostic], *, min_severity: Severity = Severity.NOTE,
              successful: bool = True, root: str | None = None, declare_root: bool = True,
              input_path: str | None = None, category: str = "check",
              docs: str | None = None) -> dict[str, Any]:
    """A SARIF log with one run of xfc holding ``diagnostics`` (already sorted by xfc).

    ``root``: URIs are made relative to it; with ``declare_root`` they carry ``uriBaseId``
    SRCROOT and the run declares the root in ``originalUriBaseIds`` (``--sarif-root``);
    without, the URIs are plain relative references (the working folder: nothing of the
    machine's paths is written).  None keeps the names as written.  ``input_path``: where a diagnostic without a file is placed.
    ``docs``: the documentation base (``--sarif-help-base``; :func:`help_base` falls back
    to ``$XFC_SARIF_HELP_BASE``): with one, ``informationUri`` is that base and each rule's
    ``helpUri`` its heading in ``codes.md``; without, neither is written."""
    loc = _Locator(root, declare_root)
    base = help_base(docs)
    results = [result(d, input_path=input_path, _loc=loc)
               for d in diagnostics if d.severity >= min_severity]
    driver: dict[str, Any] = {
        "name": "xfc",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": rules(base),
    }
    if base is not None:
        driver["informationUri"] = base
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"xfc/{category}/"},
        "invocations": [{"executionSuccessful": successful}],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if root is not None and declare_root:
        run["originalUriBaseIds"] = {ROOT_ID: {"uri": root_uri(root)}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def merge(logs: list[dict[str, Any]]) -> dict[str, Any]:
    """One log with one run holding every log's results and invocations (a batch's inputs):
    GitHub refuses an upload with several runs of one tool and category."""
    doc = sarif_log([])
    run = doc["runs"][0]
    run["invocations"] = []
    for log in logs:
        for r in log.get("runs", ()):
            driver = (r.get("tool") or {}).get("driver") or {}
            if driver.get("informationUri"):  # the inputs' documentation base
                run["tool"] = r["tool"]
            run["results"].extend(r.get("results", ()))
            run["invocations"].extend(r.get("invocations", ()))
            base = r.get("originalUriBaseIds")
            if base:
                run.setdefault("originalUriBaseIds", {}).update(base)
            auto = r.get("automationDetails")
            if auto:
                run["automationDetails"] = auto
    if not run["invocations"]:
        run["invocations"] = [{"executionSuccessful": True}]
    return doc


def render(diags: Diagnostics | Iterable[Diagnostic], *, min_severity: Severity = Severity.NOTE,
           root: str | None = None, declare_root: bool = True, input_path: str | None = None,
           category: str = "check", docs: str | None = None) -> str:
    """The SARIF log of ``diags`` as deterministic JSON text (sorted keys, 2-space indent)."""
    return dumps(sarif_log(list(diags), min_severity=min_severity, root=root,
                           declare_root=declare_root, input_path=input_path, category=category,
                           docs=docs))


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


__all__ = ["rules", "result", "sarif_log", "merge", "render", "dumps", "artifact_uri",
           "help_uri", "help_base", "help_base_problem", "root_uri", "SCHEMA_URI",
           "HELP_BASE_ENV"]
