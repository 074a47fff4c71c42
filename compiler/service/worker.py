"""One request of ``xfc serve``, run in a process of its own with time and memory limits.

Phase: service.  Input: a :class:`Request` (the verb, the uploaded bytes, the file name it
is saved under, and command-line flags built from the query).  Output: a :class:`Reply`
(the exit code, standard output and error as the CLI would print them, and for
``compile`` and ``bundle`` the files written).

Share-nothing: every request runs in a fresh process forked from a fork server that has
the compiler imported and its read-only caches warm (:mod:`compiler.service.warm`), so no
state passes from one request to the next and a crash or a kill ends one request only.
In that process:

* the upload is the only file in a new, empty scratch directory, which is the working
  directory; the command line names it by its relative name, so diagnostics say
  ``slice.yaml:3:5`` whatever the server's paths, and a lone descriptor's package root is
  that directory: an import leaving it is ``import-outside-root`` and is never read; a
  CSAR archive is its own root and is read by the loader's zip checks;
* ``XFC_PROFILE_PATH`` is cleared and no flag that reads a server file (``--inputs``,
  ``--root``, ``--profile-path``) or starts a program (``--tosca-parser``) is accepted;
* RLIMIT_AS caps its memory and RLIMIT_CPU its CPU time; the parent kills it at the
  wall-clock deadline;
* the request runs through the application layer (:mod:`compiler.service.verbs`: the
  verb's own parser, :mod:`compiler.api`'s request functions and the renderers the CLI
  uses), so its answer is byte for byte what the ``xfc`` command prints for the same file
  and flags.

Codes: none of its own (those of the phases it runs).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field

SCRATCH_PREFIX = "xfc-serve-"


@dataclass(frozen=True, slots=True)
class Limits:
    seconds: float = 30.0  # wall clock per request
    memory_mb: int = 1024  # address space of the request's process
    body_mb: int = 32  # size of the upload


@dataclass(frozen=True, slots=True)
class Request:
    verb: str  # check | compile | bundle | report
    name: str  # file name the upload is saved under (descriptor.yaml, package.csar …)
    body: bytes
    argv: tuple[str, ...] = ()  # flags after the path (--format, --set …)
    output: str = "zip"  # compile: zip | yaml


@dataclass(slots=True)
class Reply:
    status: str  # done | timeout | memory | died
    exit_code: int = 0
    stdout: str = ""
    stderr: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0
    detail: str = ""


# --------------------------------------------------------------------- child side


def _limit(limits: Limits) -> None:
    import resource

    as_bytes = limits.memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        as_bytes = min(as_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime + limits.seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def execute(req: Request, scratch: str) -> Reply:
    """Run the request in this process, in ``scratch`` (the upload's only directory)."""
    from .verbs import answer

    os.chdir(scratch)
    os.environ.pop("XFC_PROFILE_PATH", None)
    os.environ["NO_COLOR"] = "1"
    with open(req.name, "wb") as fh:
        fh.write(req.body)
    start = time.monotonic()
    try:
        got = answer(req.verb, req.name, req.argv, req.output)
    except MemoryError:
        return Reply("memory", detail="the request exceeded its memory limit")
    if got.exit_code == 3 and "internal error: InternalError: MemoryError" in got.stderr:
        # the library API wraps an unexpected exception in InternalError; running out of
        # the address space given to this request is the request's limit, not a bug
        return Reply("memory", detail="the request exceeded its memory limit")
    return Reply("done", got.exit_code, got.stdout, got.stderr, got.files,
                 time.monotonic() - start)


def _child(req: Request, scratch: str, limits: Limits, conn) -> None:  # noqa: ANN001
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent drains; it ends us if needed
    try:
        _limit(limits)
        reply = execute(req, scratch)
    except MemoryError:
        reply = Reply("memory", detail="the request exceeded its memory limit")
    try:
        conn.send(reply)
    except MemoryError:
        conn.send(Reply("memory", detail="the request exceeded its memory limit"))
    conn.close()


# --------------------------------------------------------------------- parent side


def context():
    """The fork server every request's process comes from, preloaded and warm."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["compiler.service.warm"])
    return ctx


def run(req: Request, limits: Limits, ctx=None) -> Reply:  # noqa: ANN001
    """Run ``req`` in a new process; blocks until it answers, dies or passes its deadline."""
    ctx = ctx or context()
    scratch = tempfile.mkdtemp(prefix=SCRATCH_PREFIX)
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(req, scratch, limits, send), daemon=True)
    start = time.monotonic()
    try:
        proc.start()
        send.close()
        reply = None
        if recv.poll(limits.seconds):
            try:
                reply = recv.recv()
            except (EOFError, OSError):
                reply = None
        elapsed = time.monotonic() - start
        if reply is None:
            if proc.is_alive():
                proc.kill()
            proc.join()
            sig = -proc.exitcode if proc.exitcode is not None and proc.exitcode < 0 else 0
            if elapsed >= limits.seconds or sig == signal.SIGXCPU:
                return Reply("timeout", seconds=elapsed,
                             detail=f"the request exceeded its time limit ({limits.seconds:g} s)")
            how = signal.Signals(sig).name if sig else f"exit status {proc.exitcode}"
            return Reply("died", seconds=elapsed, detail=f"the worker process died ({how})")
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
        reply.seconds = elapsed
        return reply
    finally:
        recv.close()
        shutil.rmtree(scratch, ignore_errors=True)


__all__ = ["Limits", "Request", "Reply", "run", "execute", "context"]
