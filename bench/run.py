#!/usr/bin/env python3
"""Benchmark: xfc's check against tosca-parser and a bare YAML load.

usage: python bench/run.py [--sizes 1000,10000] [--repeat 3] [--tosca-repeat 1]
                           [--skip-tosca-parser] [--timeout 300] [--json FILE]

For each size N it generates bench/_work/topo_N/vnfd.yaml with bench/gen_topology.py
and times, on the same file:
  xfc           compiler.check(path) in this process (best of --repeat; the
                library is imported lazily and warmed up on a 5-node topology
                before timing);
  tosca-parser  ToscaTemplate(path) in a fresh subprocess, offline, with a timeout
                (best of --tosca-repeat, default 1: the 10,000-node parse takes ~25 s);
  CSafeLoader   yaml.load(file, Loader=yaml.CSafeLoader) (best of --repeat).
It then prints one table with the ratios xfc/tosca-parser and xfc/CSafeLoader, and
the growth xfc(largest)/xfc(smallest). When xfc cannot run yet the table says
"xfc: not available (<reason>)" instead of stopping.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "_work"

sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import gen_topology  # noqa: E402

OFFLINE_ENV = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}

TOSCA_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from toscaparser.tosca_template import ToscaTemplate
t1, c1 = time.perf_counter(), time.process_time()
try:
    tpl = ToscaTemplate(sys.argv[1])
except Exception as exc:  # report, do not crash: the parent prints it in the table
    print(json.dumps({"error": f"{type(exc).__name__}: {str(exc)[:300]}"}))
    sys.exit(0)
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"seconds": t2 - t1, "cpu": c2 - c1, "import_seconds": t1 - t0,
                  "nodes": len(tpl.nodetemplates), "policies": len(tpl.policies)}))
"""


# ------------------------------------------------------------------------- timers

def time_yaml(path: Path, repeat: int) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return {"error": "PyYAML has no CSafeLoader (built without libyaml)"}
    best: dict[str, Any] = {"seconds": float("inf"), "cpu": float("inf")}
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        with open(path, "rb") as fh:
            yaml.load(fh, Loader=loader)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        if cpu < best["cpu"]:
            best = {"seconds": wall, "cpu": cpu}
    return best


def time_tosca_parser(path: Path, repeat: int, timeout: float) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(OFFLINE_ENV)
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        try:
            proc = subprocess.run([sys.executable, "-c", TOSCA_CHILD, str(path)], capture_output=True,
                                  text=True, timeout=timeout, env=env, cwd=str(path.parent), check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout:.0f} s"}
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if proc.returncode != 0 or not lines:
            tail = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
            return {"error": tail[:300]}
        result = json.loads(lines[-1])
        if "error" in result:
            return result
        if best is None or result["cpu"] < best["cpu"]:
            best = result
    assert best is not None
    return best


class Xfc:
    """Lazily imported xfc library; ``reason`` says why it cannot be used."""

    def __init__(self) -> None:
        self.check = None
        self.reason: str | None = None
        try:
            import compiler  # noqa: PLC0415 - lazy on purpose

            self.check = compiler.check
        except Exception as exc:  # noqa: BLE001
            self.reason = f"import compiler failed: {type(exc).__name__}: {exc}"

    def time(self, path: Path, repeat: int) -> dict[str, Any]:
        if self.check is None:
            return {"error": self.reason}
        best = {"seconds": float("inf"), "cpu": float("inf")}
        result = None
        for _ in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            try:
                result = self.check(str(path))
            except Exception as exc:  # noqa: BLE001 - a bench reports, it does not crash
                self.reason = f"compiler.check raised {type(exc).__name__}: {str(exc)[:200]}"
                self.check = None
                return {"error": self.reason}
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            if cpu < best["cpu"]:
                best = {"seconds": wall, "cpu": cpu}
        diags = list(getattr(result, "diagnostics", ()) or ())
        errors = [d for d in diags if str(getattr(d, "severity", "")).lower().endswith("error")]
        counts: dict[str, int] = {}
        for d in diags:
            key = f"{getattr(d, 'code', '?')} ({str(getattr(d, 'severity', '')).lower().rsplit('.', 1)[-1]})"
            counts[key] = counts.get(key, 0) + 1
        return {**best, "ok": getattr(result, "ok", None), "diagnostics": len(diags), "errors": len(errors),
                "codes": ", ".join(f"{k} x{v}" for k, v in sorted(counts.items()))}


# ---------------------------------------------------------------------- reporting

def _fmt_s(value: float | None) -> str:
    return "-" if value is None else (f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s")


def _cell(m: dict[str, Any]) -> str:
    if "cpu" not in m:
        return "-"
    return f"{_fmt_s(m['cpu'])} ({_fmt_s(m['seconds'])})"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None or b == 0 else f"{a / b:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated node counts (default 1000,10000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of xfc and CSafeLoader; best is kept (default 3)")
    ap.add_argument("--tosca-repeat", type=int, default=1, help="runs of tosca-parser per size (default 1)")
    ap.add_argument("--skip-tosca-parser", action="store_true", help="do not run tosca-parser")
    ap.add_argument("--timeout", type=float, default=900, help="seconds allowed per tosca-parser run")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error(f"--sizes must be integers: {args.sizes!r}")
    if not sizes or min(sizes) < 5 or args.repeat < 1 or args.tosca_repeat < 1:
        ap.error("sizes must be >= 5 and repeats >= 1")

    try:
        import toscaparser  # noqa: F401
        from importlib.metadata import version

        tp_version = version("tosca-parser")
    except Exception:  # noqa: BLE001
        tp_version = "not installed"
    import yaml

    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpu; "
          f"PyYAML {yaml.__version__} (libyaml: {hasattr(yaml, 'CSafeLoader')}); tosca-parser {tp_version}")

    xfc = Xfc()
    if xfc.check is not None:
        # warm-up on a tiny topology: the phases import lazily, and that one-off cost
        # belongs to no size (tosca-parser's import is not timed either)
        xfc.time(gen_topology.generate(5, WORK / "topo_warmup"), 1)
    rows: list[dict[str, Any]] = []
    for n in sizes:
        path = gen_topology.generate(n, WORK / f"topo_{n}")
        size_kib = path.stat().st_size / 1024
        print(f"[{n} nodes] {path.relative_to(REPO)} ({size_kib:.0f} KiB) ...", flush=True)
        row: dict[str, Any] = {"nodes": n, "file": str(path.relative_to(REPO)), "kib": round(size_kib)}
        row["yaml"] = time_yaml(path, args.repeat)
        row["xfc"] = xfc.time(path, args.repeat)
        if args.skip_tosca_parser or tp_version == "not installed":
            row["tosca"] = {"error": "skipped" if args.skip_tosca_parser else "tosca-parser not installed"}
        else:
            row["tosca"] = time_tosca_parser(path, args.tosca_repeat, args.timeout)
        rows.append(row)

    # ------------------------------------------------------------------ the table
    # Cells are "cpu (wall)"; the ratios use CPU time, which other work on a shared
    # machine disturbs far less than wall-clock time.
    head = ["nodes", "KiB", "xfc check", "tosca-parser", "CSafeLoader", "xfc/tosca-parser", "xfc/CSafeLoader"]
    table = [head]
    for r in rows:
        xc, tc, yc = (r[k].get("cpu") for k in ("xfc", "tosca", "yaml"))
        table.append([str(r["nodes"]), str(r["kib"]), _cell(r["xfc"]), _cell(r["tosca"]), _cell(r["yaml"]),
                      _ratio(xc, tc), _ratio(xc, yc)])
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    print()
    for i, row in enumerate(table):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=False)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print("times are CPU (wall-clock); ratios are of CPU times")
    print()
    if xfc.reason:
        print(f"xfc: not available ({xfc.reason})")
    else:
        for r in rows:
            x = r["xfc"]
            print(f"xfc on {r['nodes']} nodes: ok={x['ok']}, {x['diagnostics']} diagnostics, {x['errors']} errors"
                  + (f": {x['codes']}" if x["codes"] else ""))
        if len(rows) >= 2:
            lo, hi = rows[0], rows[-1]
            print(f"xfc({hi['nodes']})/xfc({lo['nodes']}) = "
                  f"{_ratio(hi['xfc']['cpu'], lo['xfc']['cpu'])} "
                  f"(node ratio {hi['nodes'] / lo['nodes']:.1f})")
    for r in rows:
        if "error" in r["tosca"] and r["tosca"]["error"] != "skipped":
            print(f"tosca-parser on {r['nodes']} nodes: {r['tosca']['error']}")
        elif "nodes" in r["tosca"] and r["tosca"]["nodes"] != r["nodes"]:
            print(f"tosca-parser on {r['nodes']} nodes: saw {r['tosca']['nodes']} node templates")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
