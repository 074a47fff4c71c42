"""Batch mode: ``xfc check|compile|bundle PATH...`` over many inputs on every core.

Phase: CLI.  Input: the parsed arguments of a verb whose ``PATH`` was given several
times (or as ``-``: one path a line on standard input).  Output: each input's own report
(exactly what ``xfc VERB PATH`` prints for it), a progress bar on a terminal (plain lines
otherwise, on standard error), one summary table, and the exit code that is the worst of
the inputs'.  With ``-o DIR`` each input writes into its own subfolder of DIR, named from
the input (``slice.yaml`` -> ``slice``, ``pkg.csar`` -> ``pkg``, a directory by its
name), made unique by a ``-2``, ``-3`` … suffix in input order.

How inputs run: a :class:`concurrent.futures.ProcessPoolExecutor` of ``--jobs`` workers
(default: every core), started by a fork server so that no worker inherits the progress
bar's thread.  Each worker runs the verb's own ``run`` on one input with its output
captured, so a batch prints for every input the same bytes a single call would.  Limits
of one input, none of which stops the others:

* ``--timeout S``: the worker's wall-clock alarm (SIGALRM) ends the input's run, and a
  CPU-time limit (RLIMIT_CPU, S plus a margin beyond what the worker has used) kills a
  worker stuck in C code, which the alarm cannot interrupt;
* a worker that dies (a crash, SIGXCPU, out of memory) breaks the pool: the inputs that
  were in flight are then run again, each alone in a fresh process whose exit status is
  reported (a kill after the deadline is reported as a timeout), and the inputs not yet
  started go to a new pool.

Exit code: the worst of the inputs': 0 clean, 1 errors, 2 usage error, 3 internal
error, crash or timeout (an input that could not be judged).

Codes: none of its own (each input's report carries the codes of its phases).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, TextIO

if TYPE_CHECKING:  # the pool is imported where it runs: `xfc check FILE` never starts one
    from concurrent.futures import Future

VERB_MODULES = {"check": "compiler.commands.check", "compile": "compiler.commands.compile",
                "bundle": "compiler.commands.bundle"}

# extra CPU seconds beyond --timeout before the kernel kills a worker stuck in C code
CPU_MARGIN = 5.0
# extra wall seconds the supervisor waits for an isolated re-run beyond --timeout
WALL_MARGIN = 5.0


class InputTimeout(BaseException):
    """Raised in a worker by its alarm.  A BaseException so that no ``except Exception``
    inside the compiler swallows it."""


@dataclass(frozen=True, slots=True)
class Job:
    index: int
    path: str
    verb: str
    args: dict  # the verb's argparse namespace for this input, as a dict
    timeout: float | None = None


@dataclass(slots=True)
class Outcome:
    index: int
    path: str
    status: str  # ok | errors | usage | crash | timeout
    exit_code: int
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    output_dir: str | None = None
    detail: str = ""
    cpu_seconds: float = 0.0  # CPU time of the worker on this input
    worker: int = 0  # process id of the worker that ran it

    @property
    def line(self) -> str:
        what = {"ok": "ok", "errors": "FAILED", "usage": "usage error", "crash": "CRASHED",
                "timeout": "TIMED OUT"}[self.status]
        extra = f": {self.detail}" if self.detail else ""
        return f"{self.path}: {what} ({self.seconds:.2f} s){extra}"


# ------------------------------------------------------------------------- inputs


def read_paths(paths: list[str], stdin: TextIO) -> list[str]:
    """The inputs: ``-`` stands for one path a line on ``stdin`` (blank lines and lines
    starting with '#' skipped)."""
    out: list[str] = []
    for p in paths:
        if p == "-":
            for line in stdin:
                line = line.strip()
                if line and not line.startswith("#"):
                    out.append(line)
        else:
            out.append(p)
    return out


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def subfolder_names(paths: list[str]) -> list[str]:
    """One output subfolder name per input: its base name without a descriptor or
    archive suffix, made filesystem-safe, unique by a ``-N`` suffix in input order."""
    names: list[str] = []
    seen: set[str] = set()
    for p in paths:
        base = os.path.basename(os.path.normpath(p)) or "input"
        for suffix in (".yaml", ".yml", ".csar", ".zip", ".json"):
            if base.lower().endswith(suffix) and len(base) > len(suffix):
                base = base[: -len(suffix)]
                break
        base = _UNSAFE.sub("_", base).strip("._") or "input"
        name, n = base, 1
        while name.lower() in seen:
            n += 1
            name = f"{base}-{n}"
        seen.add(name.lower())
        names.append(name)
    return names


# ------------------------------------------------------------------------- workers


def _on_alarm(signum, frame):  # noqa: ANN001 - signal handler signature
    raise InputTimeout()


def _limit_cpu(timeout: float | None) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if timeout is None:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = int(used.ru_utime + used.ru_stime + timeout + CPU_MARGIN) + 1
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


def run_one(job: Job) -> Outcome:
    """Run ``xfc VERB PATH`` for one input in this (worker) process, output captured."""
    import importlib

    from .usage import UsageError

    mod = importlib.import_module(VERB_MODULES[job.verb])
    args = argparse.Namespace(**job.args)
    out, err = io.StringIO(), io.StringIO()
    start, cpu = time.monotonic(), time.process_time()
    status, code, detail = "ok", 0, ""
    if job.timeout:
        _limit_cpu(job.timeout)
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, job.timeout)
    try:
        with contextlib.redirect_stderr(err):
            code = int(mod.run(args, out))
        status = "ok" if code == 0 else "errors"
    except InputTimeout:
        status, code, detail = "timeout", 3, f"no result within --timeout {job.timeout:g} s"
    except UsageError as exc:
        status, code = "usage", 2
        err.write(f"xfc: error: {exc}\n")
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    except Exception as exc:  # noqa: BLE001 - one input's bug must not stop the batch
        msg = str(exc).splitlines()[0][:200] if str(exc) else ""
        status, code, detail = "crash", 3, f"internal error: {type(exc).__name__}{': ' + msg if msg else ''}"
    finally:
        if job.timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return Outcome(job.index, job.path, status, code, out.getvalue(), err.getvalue(),
                   time.monotonic() - start, job.args.get("output") if code == 0 else None, detail,
                   time.process_time() - cpu, os.getpid())


Worker = Callable[[Job], Outcome]


def _isolated(job: Job, worker: Worker, ctx) -> Outcome:
    """Run one input alone in a fresh process; report how that process ended."""
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_isolated_main, args=(job, worker, send), daemon=True)
    start = time.monotonic()
    proc.start()
    send.close()
    deadline = None if job.timeout is None else job.timeout + WALL_MARGIN
    outcome = None
    if recv.poll(deadline):
        try:
            outcome = recv.recv()
        except EOFError:  # died before answering
            outcome = None
    proc.join(0.0 if outcome is None and proc.is_alive() else None)
    if proc.is_alive():
        proc.kill()
        proc.join()
    recv.close()
    if outcome is not None:
        return outcome
    elapsed = time.monotonic() - start
    sig = -proc.exitcode if proc.exitcode is not None and proc.exitcode < 0 else None
    if job.timeout is not None and (elapsed >= job.timeout or sig == signal.SIGXCPU):
        return Outcome(job.index, job.path, "timeout", 3, seconds=elapsed,
                       detail=f"no result within --timeout {job.timeout:g} s")
    how = f"killed by {signal.Signals(sig).name}" if sig else f"exit status {proc.exitcode}"
    return Outcome(job.index, job.path, "crash", 3, seconds=elapsed,
                   detail=f"the worker died ({how})")


def _isolated_main(job: Job, worker: Worker, send) -> None:  # noqa: ANN001
    send.send(worker(job))
    send.close()


def _context():
    import multiprocessing  # noqa: PLC0415 - only a batch run needs it

    # A fork server, not fork: the parent may run the progress bar's thread, and forking a
    # threaded process can copy a held lock into the child.  Workers preload the compiler.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["compiler.batch", *VERB_MODULES.values()])
    return ctx


def run_jobs(jobs: list[Job], *, workers: int, worker: Worker = run_one,
             on_done: Callable[[Outcome], None] = lambda o: None) -> list[Outcome]:
    """Run every job; each ends in exactly one :class:`Outcome` (in ``jobs`` order)."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait  # noqa: PLC0415
    from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

    ctx = _context()
    done: dict[int, Outcome] = {}

    def finish(o: Outcome) -> None:
        done[o.index] = o
        on_done(o)

    todo = deque(jobs)
    while todo:
        suspects: list[Job] = []
        pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo))), mp_context=ctx)
        futures: dict[Future, Job] = {}
        try:
            while todo:
                job = todo.popleft()
                futures[pool.submit(worker, job)] = job
            pending = set(futures)
            while pending:
                ready, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in ready:
                    job = futures[f]
                    try:
                        finish(f.result())
                    except BrokenProcessPool:
                        suspects.append(job)
                    except InputTimeout:  # the alarm fired as run_one was ending
                        finish(Outcome(job.index, job.path, "timeout", 3,
                                       detail=f"no result within --timeout {job.timeout:g} s"))
                    except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result
                        finish(Outcome(job.index, job.path, "crash", 3,
                                       detail=f"internal error: {type(exc).__name__}: {exc}"[:240]))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        # A dead worker fails every future still in the pool, culprit or not: run each
        # alone, so that only the culprit is reported and the others get their result.
        for job in sorted(suspects, key=lambda j: j.index):
            finish(_isolated(job, worker, ctx))
    return [done[j.index] for j in jobs]


# ------------------------------------------------------------------------- reporting


def _progress(total: int, stream: TextIO):
    """A rich progress bar on a terminal; plain lines otherwise.  Returns (advance, close)."""
    if getattr(stream, "isatty", lambda: False)():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("[bold]xfc"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), TextColumn("{task.description}"),
                       console=Console(file=stream), transient=True)
        task = bar.add_task("", total=total)
        bar.start()

        def advance(o: Outcome) -> None:
            bar.update(task, advance=1, description=os.path.basename(o.path))
            if o.status != "ok":
                bar.console.print(o.line, markup=False, highlight=False)

        return advance, bar.stop
    count = [0]

    def line(o: Outcome) -> None:
        count[0] += 1
        stream.write(f"[{count[0]}/{total}] {o.line}\n")
        stream.flush()

    return line, lambda: None


def summary_table(outcomes: list[Outcome], stream: TextIO) -> None:
    """One table for the whole batch (rich on a terminal, aligned text otherwise)."""
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    rows = [(str(i + 1), o.path, o.status, str(o.exit_code), f"{o.seconds:.2f}",
             o.output_dir or "", o.detail) for i, o in enumerate(outcomes)]
    head = ("#", "input", "result", "exit", "seconds", "output", "detail")
    total = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if getattr(stream, "isatty", lambda: False)():
        from rich.console import Console
        from rich.table import Table

        t = Table(*head, title=f"xfc batch: {len(outcomes)} inputs: {total}")
        for r in rows:
            t.add_row(*r)
        Console(file=stream).print(t)
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    stream.write(f"xfc batch: {len(outcomes)} inputs: {total}\n")
    for r in (head, *rows):
        stream.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")


def _merged_json(verb: str, outcomes: list[Outcome]) -> str:
    docs = []
    for o in outcomes:
        try:
            result = json.loads(o.stdout) if o.stdout.strip() else None
        except ValueError:
            result = None
        docs.append({"path": o.path, "status": o.status, "exit_code": o.exit_code,
                     "seconds": round(o.seconds, 3), "cpu_seconds": round(o.cpu_seconds, 3),
                     "worker": o.worker, "output": o.output_dir,
                     "detail": o.detail, "result": result})
    worst = max((o.exit_code for o in outcomes), default=0)
    return json.dumps({"verb": verb, "exit_code": worst, "inputs": docs}, indent=2,
                      sort_keys=True) + "\n"


def _merged_sarif(outcomes: list[Outcome]) -> str:
    """One SARIF log with one run for the whole invocation (GitHub code scanning refuses
    several runs of one tool and category): every input's results, and one invocation per
    input; an input that crashed or timed out is an invocation that failed."""
    from .sarif import dumps, merge, sarif_log

    logs = []
    for o in outcomes:
        try:
            log = json.loads(o.stdout) if o.stdout.strip() else None
        except ValueError:
            log = None
        if log is None:
            log = sarif_log([], successful=False)
            inv = log["runs"][0]["invocations"][0]
            inv["exitCode"] = o.exit_code
            if o.detail:
                inv["toolExecutionNotifications"] = [
                    {"level": "error", "message": {"text": f"{o.path}: {o.detail}"}}]
        logs.append(log)
    return dumps(merge(logs))


# ------------------------------------------------------------------------- the verb


def wanted(args: argparse.Namespace) -> bool:
    """Whether this invocation is a batch (:func:`compiler.usage.batch_wanted`, which the
    verbs ask without importing this module)."""
    from .usage import batch_wanted

    return batch_wanted(args)


def run(verb: str, args: argparse.Namespace, out: TextIO, *, stdin: TextIO | None = None,
        err: TextIO | None = None, worker: Worker = run_one) -> int:
    """Run ``verb`` over every input of ``args.path``; returns the worst exit code."""
    from .usage import UsageError

    err = err or sys.stderr
    paths = read_paths(list(args.path), stdin or sys.stdin)
    if not paths:
        raise UsageError("no input paths given")
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout takes a positive number of seconds")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs takes a positive number")
    several = len(paths) > 1
    output = getattr(args, "output", None)
    if verb == "compile" and not output and not getattr(args, "stdout", False):
        raise UsageError("compile needs -o DIR or --stdout")
    if several and getattr(args, "stdout", False):
        raise UsageError("--stdout takes one PATH; give -o DIR for several")
    names = subfolder_names(paths)
    base = {k: v for k, v in vars(args).items() if k not in ("timeout", "jobs", "func")}
    jobs = []
    for i, (p, name) in enumerate(zip(paths, names)):
        a = dict(base, path=p)
        if output and several:
            a["output"] = os.path.join(output, name)
        jobs.append(Job(i, p, verb, a, args.timeout))
    workers = args.jobs or os.cpu_count() or 1
    advance, close = _progress(len(jobs), err)
    fmt = getattr(args, "format", "text")

    def on_done(o: Outcome) -> None:
        advance(o)
        if fmt == "text":  # each input's report as soon as it is known
            if o.stdout:
                out.write(o.stdout)
            if o.stderr:
                err.write(o.stderr)
            out.flush()

    try:
        outcomes = run_jobs(jobs, workers=workers, worker=worker, on_done=on_done)
    finally:
        close()
    if fmt == "json":
        out.write(_merged_json(verb, outcomes))
    elif fmt == "sarif":
        out.write(_merged_sarif(outcomes))
    if fmt != "text":
        for o in outcomes:
            if o.stderr:
                err.write(o.stderr)
    # the table goes with the reports, unless stdout carries data (JSON, SARIF, YAML)
    summary_table(outcomes, out if fmt == "text" and not getattr(args, "stdout", False) else err)
    return max(o.exit_code for o in outcomes)


__all__ = ["Job", "Outcome", "run", "run_jobs", "run_one", "read_paths", "subfolder_names",
           "wanted", "InputTimeout"]
