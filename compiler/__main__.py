"""``python -m compiler`` and the ``xfc`` console script: :func:`compiler.cli.main`, then a
quick end of the process.

Phase: CLI.  Input: the process arguments.  Output: the exit code.  Codes: none.

When ``main`` returns, what the run built is garbage, and the interpreter's normal shutdown
frees it object by object (about 0.4 s of a 10,000-node check; docs/performance.md,
"Teardown").  :func:`run` skips that, as mypy's ``util.hard_exit`` does (flush, then
``os._exit``), and runs the ``atexit`` handlers in between: it flushes stdout and stderr,
runs the handlers (these include ``weakref.finalize``, hence the removal of
``tempfile.TemporaryDirectory`` folders, and the multiprocessing and logging clean-ups),
flushes again and ends with ``os._exit``.  Every ``finally`` block of the main
thread has run by then, since ``main`` has returned.  The process exits normally instead
when another non-daemon thread is still alive (Python waits for it), and under a profiler
or a tracer (``python -m cProfile -m compiler`` writes its statistics after the module
returns).

Only this entry does it, and only here is the cyclic collector made to run less often
(:func:`run`): :func:`compiler.cli.main` returns its code to the tests and to library
callers, whose interpreter and its settings are theirs.

A reader that goes away (``xfc check ... | head -c 10``) makes the flush fail with
``BrokenPipeError``: what was not written is dropped silently and the exit code stays the
verdict's (a normal exit would print "Exception ignored" and exit 120).
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from typing import NoReturn, TextIO

from .cli import main


def _flush(stream: TextIO | None) -> None:
    """Flush ``stream``; when its reader has gone away (or it was closed), point its file
    descriptor at /dev/null, so that no later flush fails again (the recipe of Python's
    signal documentation for SIGPIPE)."""
    if stream is None:
        return
    try:
        stream.flush()
    except (OSError, ValueError):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` after the ``atexit`` handlers, without the
    interpreter's teardown (see the module docstring)."""
    _flush(sys.stdout)
    _flush(sys.stderr)
    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon and t.is_alive()
           for t in threading.enumerate()):
        sys.exit(code)  # Python joins non-daemon threads at a normal exit; so do we
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # under cProfile or a debugger: they write their results on the way out
    # what a normal exit runs before the teardown: weakref.finalize (TemporaryDirectory),
    # multiprocessing, logging, coverage...; a private name, kept since Python 3.0
    atexit._run_exitfuncs()  # noqa: SLF001
    _flush(sys.stdout)
    _flush(sys.stderr)
    os._exit(code)


def configure_process() -> None:
    """The process-wide settings of the console entry (the hostile-input harness makes
    them too, so that its memory limits hold for the process users run)."""
    # A run allocates many long-lived objects and little cyclic garbage, so CPython's
    # default young-generation threshold (700) collects again and again for nothing:
    # 35-50 ms of a cold Tacker check, 0.7 s of a 10,000-node one (docs/performance.md).
    # Collecting every 100,000 allocations instead (older generations as by default) left
    # peak memory unchanged there.  A process-wide setting: made here, never in the library.
    gc.set_threshold(100_000, 10, 10)


def run() -> NoReturn:
    """The console script: ``xfc`` (pyproject.toml) and ``python -m compiler``."""
    configure_process()
    exit_now(main())


if __name__ == "__main__":
    run()
