"""The renderings every face shares: the diagnostics document and the summary line.

Phase: api (what the faces share).  :func:`report` writes the diagnostics of a
compilation as ``--format`` asks (text with source excerpts, JSON or SARIF) and returns
the exit code, 0 clean (warnings and notes allowed) or 1; :func:`summary` is the closing
line of text output; :func:`yaml_stream` the documents ``xfc compile --stdout`` prints.
The command line writes them to its streams and the HTTP service answers them, so the
two say the same bytes for the same input and flags.

Codes: none.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING, Any, TextIO

from ..diagnostics import Severity
from ..usage import UsageError

if TYPE_CHECKING:
    from ..bundle_api import Settings
    from ..model import OutputFile
    from ..pipeline import Compilation

NOTES_PER_CODE = 10


def sarif_docs(args: argparse.Namespace) -> str | None:
    """The SARIF documentation base: ``--sarif-help-base``, else ``$XFC_SARIF_HELP_BASE``
    (a value that is not an http(s) URL is misuse, exit 2), else None."""
    from ..sarif import HELP_BASE_ENV, help_base_problem

    explicit = getattr(args, "sarif_help_base", None)
    if explicit:
        return str(explicit)
    env = os.environ.get(HELP_BASE_ENV, "").strip()
    if env and help_base_problem(env) is not None:
        raise UsageError(f"{HELP_BASE_ENV}: {help_base_problem(env)}")
    return env or None


def sarif_root(args: argparse.Namespace) -> str:
    """The folder SARIF URIs are relative to: ``--sarif-root``, else the working folder."""
    return os.path.abspath(getattr(args, "sarif_root", None) or os.getcwd())



def _use_color(args: argparse.Namespace, out: TextIO) -> bool:
    mode = getattr(args, "color", "auto")
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(out, "isatty", lambda: False)())


def summary(unit: Compilation, flavours: tuple[str, ...] = ()) -> str:
    d = unit.diagnostics
    e, w, n = d.count(Severity.ERROR), d.count(Severity.WARNING), d.count(Severity.NOTE)
    parts = [f"{e} error{'s' * (e != 1)}", f"{w} warning{'s' * (w != 1)}", f"{n} note{'s' * (n != 1)}"]
    verdict = "FAILED" if d.has_errors else "ok"
    what = ""
    if unit.topology is not None:
        t = unit.topology
        what = f" ({len(t.nodes)} node templates"
        if unit.xmodel is not None:
            what += f", {len(unit.xmodel.wirings)} wirings, {len(unit.xmodel.chains)} chains"
        if t.flavour:
            what += f", flavour {t.flavour}"
        what += ")"
    if flavours:
        what = f" ({len(flavours)} deployment flavours checked: {', '.join(flavours)})"
    return f"xfc: {verdict}: {unit.path}{what}: {', '.join(parts)}"


def report(unit: Compilation, args: argparse.Namespace, out: TextIO, *, json_extra: dict[str, Any] | None = None,
           flavours: tuple[str, ...] = ()) -> int:
    """Print the diagnostics of ``unit`` and return the exit code (0 or 1), also when the
    reader has gone away (``xfc check ... | head``): the verdict is the exit code."""
    try:
        _print_report(unit, args, out, json_extra, flavours)
    except BrokenPipeError:
        pass
    return 1 if unit.diagnostics.has_errors else 0


def _print_report(unit: Compilation, args: argparse.Namespace, out: TextIO,
                  json_extra: dict[str, Any] | None, flavours: tuple[str, ...] = ()) -> None:
    diags = unit.diagnostics
    minimum = Severity.ERROR if getattr(args, "quiet", False) else Severity.NOTE
    if getattr(args, "format", "text") == "sarif":
        from ..sarif import render as render_sarif

        out.write(render_sarif(diags, min_severity=minimum, root=sarif_root(args),
                               declare_root=getattr(args, "sarif_root", None) is not None,
                               input_path=str(unit.path),
                               category=getattr(args, "verb", None) or "check",
                               docs=sarif_docs(args)))
    elif getattr(args, "format", "text") == "json":
        doc = {
            "path": unit.path,
            "ok": not diags.has_errors,
            "diagnostics": json.loads(diags.render_json(min_severity=minimum)),
        }
        if json_extra:
            doc.update(json_extra)
        out.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    else:
        text = diags.render_text(
            color=_use_color(args, out), min_severity=minimum,
            notes_per_code=None if getattr(args, "all_notes", False) else NOTES_PER_CODE)
        if text:
            out.write(text)
        if not getattr(args, "quiet", False):
            out.write(summary(unit, flavours) + "\n")




def yaml_stream(outputs: list[OutputFile]) -> str:
    """The YAML documents of ``outputs`` as one stream (``xfc compile --stdout``), each
    after a comment naming the file it would have been."""
    parts = []
    for f in outputs:
        if f.path.endswith((".yaml", ".yml")):
            text = f.content.decode("utf-8")
            parts.append(f"---\n# Source: {f.path}\n")
            parts.append(text if text.endswith("\n") else text + "\n")
    return "".join(parts)


def wrote_line(outputs: list[OutputFile], output: str, emitters: tuple[str, ...]) -> str:
    """The line ``xfc compile -o DIR`` closes its text output with."""
    by_dir: dict[str, int] = {}
    for f in outputs:
        by_dir[f.path.split("/", 1)[0]] = by_dir.get(f.path.split("/", 1)[0], 0) + 1
    listing = ", ".join(f"{d}/ ({n} files)" for d, n in sorted(by_dir.items())) or "nothing"
    return f"xfc: wrote {listing} to {output} (back ends: {', '.join(emitters)})\n"


def bundle_writer(formats: list[str]) -> str:
    """The command named in OUT/.xfc-manifest: a bundle of other formats into OUT would
    delete these files, so it is refused like a compile into OUT (compiler.output)."""
    return "xfc bundle " + " ".join(f"--format {f}" for f in sorted(set(formats)))


def verify_bundles(files: list[OutputFile], output: str, out: TextIO,
                   settings: Settings | None = None, targets: tuple[str, ...] = ()) -> int:
    """Run the gates the plugin table names on every package written (``xfc bundle
    --verify``: :func:`compiler.api.bundle.verify_written`), write their findings to
    ``out``; 1 when any finds an error."""
    from .bundle import verify_written

    failed = False
    for v in verify_written(files, output, settings, targets):
        for note in v.notes:
            out.write(f"xfc: verify: {v.root}: {note}\n")
        failed = failed or not v.ok
        for x in v.findings:
            out.write(f"{v.root}: {x.render()}\n")
        verdict = "ok" if v.ok else "FAILED"
        out.write(f"xfc: verify {verdict}: {v.root} ({len(v.findings)} findings; gates: "
                  f"{', '.join(v.gates)})\n")
    return 1 if failed else 0


__all__ = ["NOTES_PER_CODE", "report", "summary", "sarif_docs", "sarif_root", "yaml_stream",
           "wrote_line",
           "bundle_writer", "verify_bundles"]
