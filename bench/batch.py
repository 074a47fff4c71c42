#!/usr/bin/env python3
"""Batch mode against one call per file, over the shared corpus.

usage: python bench/batch.py [--sample N] [--jobs J] [--corpus DIR]

Inputs: every TOSCA file of the corpus (INDEX.tsv rows of kind 'tosca') and every CSAR
directory (CSAR_DIRS.txt), checked with ``--root CORPUS`` so that imports may reach
anywhere in the corpus and nowhere else.

1. batch: ONE ``python -m compiler check - --format json -j J`` over all of them (the paths
   on stdin); wall time, and the CPU time its workers spent on the inputs (each input's
   JSON reports its worker's process id and CPU seconds): a CPU over wall ratio above 1
   means more than one core worked;
2. one call each: ``python -m compiler check PATH --format json``, one subprocess per file,
   for a sample of N files spread evenly over the same list (every k-th), timed one after
   the other; the mean per file times the number of files is the estimate for all.

Prints the files, both times, the ratio (one-call-each estimate / batch), how many
worker processes ran and the CPU each used, the mean number of inputs in flight (the
time inputs spent in workers over the wall time: 2.0 means both workers busy all along)
and the workers' CPU over wall time (below the number of workers when other programs
share the cores: the load average is printed), and whether every sampled file got the same exit code and the same
diagnostics both ways.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def corpus_paths(corpus: Path) -> list[str]:
    with open(corpus / "INDEX.tsv", encoding="utf-8") as f:
        files = [r["path"] for r in csv.DictReader(f, delimiter="\t") if r["kind"] == "tosca"]
    dirs = [ln.strip() for ln in (corpus / "CSAR_DIRS.txt").read_text().splitlines() if ln.strip()]
    return [str(corpus / p) for p in files + dirs]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=int, default=60, help="files run one call each (default 60)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--corpus", type=Path,
                    default=Path(os.environ.get("XFC_SHARED", REPO.parent / "shared")) / "corpus")
    a = ap.parse_args()
    paths = corpus_paths(a.corpus)
    cmd = [sys.executable, "-m", "compiler", "check", "-", "--format", "json",
           "--root", str(a.corpus), "-j", str(a.jobs), "--timeout", "120"]
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, input="\n".join(paths) + "\n", capture_output=True, text=True,
                          cwd=REPO)
    batch_wall = time.monotonic() - t0
    if proc.returncode not in (0, 1):
        print(f"batch failed with exit code {proc.returncode}:\n{proc.stderr[-2000:]}")
        return 1
    doc = json.loads(proc.stdout)
    by_path = {i["path"]: i for i in doc["inputs"]}
    # the workers are the fork server's children, not ours: each input reports the CPU
    # time its worker spent on it and the worker's process id
    batch_cpu = sum(i["cpu_seconds"] for i in doc["inputs"])
    busy = sum(i["seconds"] for i in doc["inputs"])  # wall time inputs spent in workers
    workers: dict[int, float] = {}
    for i in doc["inputs"]:
        workers[i["worker"]] = workers.get(i["worker"], 0.0) + i["cpu_seconds"]
    statuses: dict[str, int] = {}
    for i in doc["inputs"]:
        statuses[i["status"]] = statuses.get(i["status"], 0) + 1

    n = max(1, min(a.sample, len(paths)))
    step = len(paths) / n
    sample = [paths[int(k * step)] for k in range(n)]
    same = 0
    t0 = time.monotonic()
    for p in sample:
        one = subprocess.run([sys.executable, "-m", "compiler", "check", p, "--format", "json",
                              "--root", str(a.corpus)], capture_output=True, text=True, cwd=REPO)
        b = by_path[p]
        try:
            single = json.loads(one.stdout)
        except ValueError:
            single = None
        same += one.returncode == b["exit_code"] and single == b["result"]
    single_wall = time.monotonic() - t0
    per_file = single_wall / n
    estimate = per_file * len(paths)

    print(f"corpus: {a.corpus} ({len(paths)} inputs: TOSCA files and CSAR directories)")
    print(f"machine load average at the start: {load:.1f} on {os.cpu_count()} cores")
    print(f"batch:  1 call, -j {a.jobs}: {batch_wall:.1f} s wall; "
          f"{', '.join(f'{v} {k}' for k, v in sorted(statuses.items()))}")
    print(f"        {len(workers)} worker processes, CPU seconds each: "
          + ", ".join(f"{c:.1f}" for c in sorted(workers.values(), reverse=True)))
    print(f"        inputs in flight on average: {busy / batch_wall:.2f} (time inputs spent in "
          f"workers / wall); workers' CPU / wall: {batch_cpu / batch_wall:.2f} "
          f"({'more than one core busy' if batch_cpu / batch_wall > 1.05 else 'below one core: the machine is shared, see load'})")
    print(f"single: 1 call per file for a sample of N={n} files: {single_wall:.1f} s, "
          f"{per_file:.3f} s/file -> {estimate:.1f} s estimated for all {len(paths)}")
    print(f"ratio:  one call each / batch = {estimate / batch_wall:.1f}x")
    print(f"agreement: {same}/{n} sampled files gave the same exit code and diagnostics both ways")
    return 0


if __name__ == "__main__":
    sys.exit(main())
