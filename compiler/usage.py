"""Wrong use of a face: a command-line flag or a request no input can make right.

Phase: support (faces).  The ``xfc`` verbs (:mod:`compiler.commands`) and batch mode
(:mod:`compiler.batch`) raise :class:`UsageError`; :func:`compiler.cli.main` prints it on
one line and exits 2.  It lives apart from both so that neither imports the other for it.
The library API never raises it (it raises :class:`compiler.errors.OptionsError`).

Codes: none.
"""

from __future__ import annotations


class UsageError(Exception):
    """Wrong use of the command line: exit code 2."""


__all__ = ["UsageError"]
