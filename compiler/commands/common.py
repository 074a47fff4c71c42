"""What every ``xfc`` verb that reads a descriptor shares: input flags, options, reporting.

Phase: CLI.  The flags, the options they make and the rendering of diagnostics are
shared with the HTTP service and live below both faces (:mod:`compiler.api.flags`,
:mod:`compiler.api.render`); this module names them for the verbs.
``add_input_arguments`` declares the flags, ``options_from_args`` turns them into
:class:`compiler.api.Options`, ``report`` prints the diagnostics (text with source
excerpts, or JSON) and returns the exit code: 0 clean (warnings and notes allowed), 1 the
descriptor has errors.  Command-line misuse raises :class:`UsageError` (exit 2).
``compile_unit`` is the in-memory compilation that ``compile`` and ``check`` share
(``check`` is compile without writing); ``terminate_as_interrupt`` makes SIGTERM/SIGHUP
unwind like Ctrl-C.

Codes: none of its own (it prints those of the phases it runs).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from typing import Iterator, TextIO

from ..api.flags import (add_backend_arguments, add_input_arguments,  # noqa: F401 - the verbs'
                         add_kube_version_argument, add_sarif_root, compile_unit, declare,
                         options_from_args, read_inputs)
from ..api.render import NOTES_PER_CODE, report, sarif_docs, sarif_root, summary  # noqa: F401
from ..usage import UsageError  # noqa: F401 - the verbs raise it from here


def err_stream() -> TextIO:
    return sys.stderr


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP unwind like Ctrl-C (exit 130), so that every ``finally`` runs and
    no temporary folder is left behind (compiler.output, the tosca-parser sandbox).
    SIGKILL cannot be caught: the next compile sweeps what it leaves (docs/architecture.md)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s]
    saved = {s: signal.signal(s, interrupt) for s in wanted}
    try:
        yield
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)
