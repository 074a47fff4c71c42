"""The single-input flow of ``check``, ``compile``, ``report`` and ``bundle``, shared by
the command line (:mod:`compiler.commands`) and the HTTP service
(:mod:`compiler.service.verbs`).

Phase: api (what the faces share).  Input: the verb's parsed flags (its parser is
:func:`compiler.api.flags.parser`) and the stream its diagnostics go to.  Output: the
exit code (0 clean, 1 errors or a package that could not be built), and for compile and
bundle the files written to ``args.output`` by the atomic writer.  A wrong flag raises
:class:`compiler.usage.UsageError`.  Each face adds only what is its own: batch mode and
``--force`` on the command line, reading the written folder back for the service's answer.

Codes: none of its own (the diagnostics of the phases that ran).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from .. import api  # called through the package, so that a caller's replacement is heard
from . import Compilation, Options
from ..model import OutputFile
from .flags import bundle_settings, compile_unit, options_from_args
from .render import bundle_writer, report, verify_bundles, wrote_line, yaml_stream
from .support import available, names
from ..diagnostics import render_text
from ..errors import PluginError
from ..usage import UsageError

COMPILE_WRITER = "xfc compile"  # named in DIR/.xfc-manifest (compiler.output)


def _write(outputs: list[OutputFile], folder: str, *, force: bool, writer: str) -> None:
    from .support import OutputError, write_outputs  # the writer: a check writes nothing

    try:
        write_outputs(outputs, folder, force=force, writer=writer)
    except (OutputError, OSError) as exc:
        raise UsageError(f"cannot write to {folder}: {exc}") from None


def check(args: argparse.Namespace, out: TextIO) -> int:
    """``xfc check PATH``: every flavour checked, the diagnostics rendered to ``out``."""
    checked: tuple[str, ...] = ()

    def runner(path: str, options: Options) -> Compilation:
        nonlocal checked
        result = api.check(api.CheckRequest(path=path, options=options, all_flavours=True))
        checked = result.flavours
        return result.unit

    unit = compile_unit(args, runner=runner)
    return report(unit, args, out, flavours=checked,
                  json_extra={"flavours": list(checked)} if checked else None)


def compile_(args: argparse.Namespace, out: TextIO, *, force: bool, announce: bool) -> int:
    """``xfc compile PATH -o DIR | --stdout``: the objects streamed to ``out`` or written
    to ``args.output`` (with ``announce``, a ``wrote`` line after it, unless quiet)."""
    if not args.output and not args.stdout:
        raise UsageError("compile needs -o DIR or --stdout")
    unit = compile_unit(args)
    code = report(unit, args, sys.stderr if args.stdout else out)
    if code != 0:
        return code
    if args.stdout:
        out.write(yaml_stream(unit.outputs))
        return 0
    _write(unit.outputs, args.output, force=force, writer=COMPILE_WRITER)
    if announce and not getattr(args, "quiet", False) and args.format == "text":
        out.write(wrote_line(unit.outputs, args.output, unit.options.emitters))
    return 0


def report_page(args: argparse.Namespace) -> tuple[Compilation, str]:
    """``xfc report PATH``: the compilation and its HTML page (which the face writes)."""
    html = ""

    def runner(path: str, options: Options) -> Compilation:
        nonlocal html
        result = api.report(api.ReportRequest(path=path, options=options))
        html = result.html
        unit: Compilation = result.unit
        return unit

    unit = compile_unit(args, runner=runner)
    return unit, html


def bundle(args: argparse.Namespace, out: TextIO, *, force: bool) -> int:
    """``xfc bundle PATH -f FORMAT -o OUT``: compile once, package every format, write
    them to ``args.output`` and, with ``--verify``, run each consumer's gate on them."""
    # with a JSON or SARIF diagnostics document on stdout, everything else goes to stderr
    # so that stdout stays one parseable document
    text = getattr(args, "format", "text") == "text"
    say = out if text else sys.stderr
    # by name: only the bundlers this call names are imported (a broken third-party one
    # fails only the calls that name it, with its distribution named)
    formats = list(dict.fromkeys(args.formats))
    unknown = [f for f in formats if f not in names("bundler")]
    if unknown:
        raise UsageError(f"unknown --format {unknown[0]!r}; available: {available('bundler')}")
    try:
        chosen = api.bundlers_for(formats)
    except PluginError as exc:
        say.write(f"xfc: error[plugin-error]: {exc}\n")
        return 1
    settings = bundle_settings(args)
    why = api.signing_problem(settings, f"--sign-key {args.sign_key}",
                              f"--sign-cert {args.sign_cert}")
    if why is not None:  # refused before the compile, not after it
        say.write(f"xfc: error: cannot sign the CSAR: {why}\n")
        return 1
    options = options_from_args(args)
    problems = api.option_problems(options)
    if problems:
        raise UsageError(problems[0])
    unit = api.compile(api.CompileRequest(path=args.path, options=options)).unit
    code = report(unit, args, out)
    if code != 0:
        return code
    result = api.package(unit, chosen, settings)
    if result.problem is not None:
        say.write(f"xfc: error: cannot build the {result.problem.format} bundle: "
                  f"{result.problem.message}\n")
        return 1
    files = list(result.files)
    if result.late and text:  # the bundlers' warnings
        say.write(render_text(list(result.late), unit.diagnostics.sources))
    _write(files, args.output, force=force, writer=bundle_writer(formats))
    if not args.quiet and text:
        tops = sorted({f.path.split("/", 1)[0] for f in files})
        out.write(f"xfc: wrote {', '.join(tops)} to {args.output} ({len(files)} files)\n")
    return verify_bundles(files, args.output, say, settings, options.targets) \
        if args.verify else 0


__all__ = ["COMPILE_WRITER", "bundle", "check", "compile_", "report_page"]
