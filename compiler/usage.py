"""Wrong use of a face: a command-line flag or a request no input can make right.

Phase: support (faces).  The ``xfc`` verbs (:mod:`compiler.commands`) and batch mode
(:mod:`compiler.batch`) raise :class:`UsageError`; :func:`compiler.cli.main` prints it on
one line and exits 2.  It lives apart from both so that neither imports the other for it
(nor for :func:`batch_wanted`, whether a command line is a batch).
The library API never raises it (it raises :class:`compiler.errors.OptionsError`).

Codes: none.
"""

from __future__ import annotations

import argparse
import sys


class UsageError(Exception):
    """Wrong use of the command line: exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse with xfc's misuse message: exit code 2, with a pointer to --help.  Here,
    not in :mod:`compiler.api.flags`, so that ``xfc --help`` builds its parser without
    importing the application layer."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n(see '{self.prog} --help')\n")
        sys.exit(2)


def batch_wanted(args: argparse.Namespace) -> bool:
    """Whether this invocation is a batch (:mod:`compiler.batch`): several PATHs, ``-``,
    or a per-input limit.  Here, so that a verb given one PATH does not import batch mode
    (its process pool and classes) to learn that it need not run it."""
    paths = args.path if isinstance(args.path, list) else [args.path]
    return len(paths) > 1 or "-" in paths or getattr(args, "timeout", None) is not None


__all__ = ["Parser", "UsageError", "batch_wanted"]
