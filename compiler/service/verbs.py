"""One request of ``xfc serve``, run through the application layer.

Phase: service.  Input: the verb, the uploaded file's name (the only file of the working
directory, see :mod:`compiler.service.worker`) and the flags the query became
(:func:`compiler.service.options.to_argv`).  Output: the exit code, standard output and
error and the files of the answer, the same bytes ``xfc VERB NAME FLAGS`` prints and
writes: the flags are parsed by the verb's own parser (:func:`compiler.api.flags.parser`),
the work is done by the request functions of :mod:`compiler.api`, and the diagnostics are
rendered by :mod:`compiler.api.render`, as the command line does.

Exit codes are the command line's: 0 clean, 1 the descriptor has errors (or a package
could not be built), 2 a wrong flag (its message on standard error), 3 a bug (one line).
A MemoryError is raised: the worker answers it as the request's memory limit.

Codes: none of its own (the diagnostics of the phases that ran).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from dataclasses import dataclass, field
from typing import Callable, TextIO

from ..api import verbs
from ..api.flags import parse
from ..api.render import report
from ..usage import UsageError

OUT = "out"  # the folder compile and bundle write, in the request's working directory


@dataclass(slots=True)
class Answer:
    exit_code: int
    stdout: str = ""
    stderr: str = ""
    files: dict[str, bytes] = field(default_factory=dict)


def _check(args: argparse.Namespace, out: TextIO, files: dict[str, bytes]) -> int:
    return verbs.check(args, out)


def _compile(args: argparse.Namespace, out: TextIO, files: dict[str, bytes]) -> int:
    code = verbs.compile_(args, out, force=False, announce=False)
    if code == 0 and not args.stdout:
        files.update(_read_folder(args.output))
    return code


def _report(args: argparse.Namespace, out: TextIO, files: dict[str, bytes]) -> int:
    unit, html = verbs.report_page(args)
    files["report.html"] = html.encode("utf-8")
    return report(unit, args, out)


def _bundle(args: argparse.Namespace, out: TextIO, files: dict[str, bytes]) -> int:
    code = verbs.bundle(args, out, force=False)
    if code in (0, 1) and os.path.isdir(args.output):  # written (a gate may have refused it)
        files.update(_read_folder(args.output))
    return code


def _read_folder(folder: str) -> dict[str, bytes]:
    """Every file under ``folder`` (its ``.xfc-manifest`` too), by its relative path."""
    files: dict[str, bytes] = {}
    for dirpath, _dirs, found in os.walk(folder):
        for n in found:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as fh:
                files[os.path.relpath(p, folder).replace(os.sep, "/")] = fh.read()
    return files


VERBS: dict[str, Callable[[argparse.Namespace, TextIO, dict[str, bytes]], int]] = {
    "check": _check, "compile": _compile, "bundle": _bundle, "report": _report,
}


def argv(verb: str, name: str, flags: tuple[str, ...], output: str) -> list[str]:
    """The words the verb's parser reads: the upload's name, the query's flags and where
    the answer goes (a folder, standard output or a file)."""
    words = [name, *flags]
    if verb == "compile":
        words += ["--stdout"] if output == "yaml" else ["-o", OUT]
    elif verb == "bundle":
        words += ["-o", OUT]
    elif verb == "report":
        words += ["-o", "report.html"]
    return words


def answer(verb: str, name: str, flags: tuple[str, ...] = (), output: str = "zip") -> Answer:
    """Run ``xfc VERB NAME FLAGS`` through the API in the working directory; the exit
    code, what it printed and the files of the answer."""
    out, err = io.StringIO(), io.StringIO()
    files: dict[str, bytes] = {}
    with contextlib.redirect_stderr(err):
        try:
            args = parse(verb, argv(verb, name, flags, output))
            args.path = args.path[0] if isinstance(args.path, list) else args.path
            code = VERBS[verb](args, out, files)
        except UsageError as exc:
            err.write(f"xfc: error: {exc}\n")
            code = 2
        except SystemExit as exc:  # argparse: misuse (2)
            code = exc.code if isinstance(exc.code, int) else 2
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: one line, as the command line says it
            msg = str(exc).splitlines()[0] if str(exc) else ""
            kind = "" if type(exc).__name__ == "InternalError" and msg else type(exc).__name__
            err.write(f"xfc: internal error: {kind}{': ' if kind and msg else ''}{msg[:200]}\n"
                      "hint: rerun with --debug to see the traceback, and report it\n")
            code = 3
    if verb in ("compile", "bundle") and code != 0:
        files = {}
    return Answer(code, out.getvalue(), err.getvalue(), files)


__all__ = ["Answer", "answer", "argv", "VERBS"]
