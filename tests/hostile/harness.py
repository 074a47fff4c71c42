"""Run xfc on one hostile input in a child process with a memory cap, and judge the outcome.

The house rule for bad input: a positioned diagnostic, exit 1 (2 for misuse), under 2 s
and 500 MB.  Each run here is a fresh ``python`` whose address space is capped with
``RLIMIT_AS`` before xfc is imported, so that a run that would pass 500 MB fails
(MemoryError, exit 3) instead of exhausting the shared machine.  Time is the child's CPU
time (user + system, start-up included): the suite runs on loaded machines, where wall
clock says more about the neighbours than about xfc.

The child makes the process settings of the ``xfc`` console entry
(``compiler.__main__.configure_process``: the collector's threshold), then either runs the
command line (``cli.main``), or, for inputs that need a limit lowered, ``compiler.check`` with ``Options(limits=Limits(**overrides))``; either way
it prints one JSON line: exit code, diagnostics, CPU seconds, peak RSS.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MEMORY_CAP = 500 * 1024 * 1024
CPU_BUDGET = 2.0

_CHILD = r"""
import io, json, resource, sys
cap = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
sys.path.insert(0, sys.argv[2])
request = json.loads(sys.argv[3])
from compiler import cli
import compiler
from compiler.__main__ import configure_process
configure_process()  # the collector setting of the `xfc` process: the limits hold for it
from compiler.limits import Limits
from compiler.pipeline import Options
out = io.StringIO()
diags = []
if request.get("limits") is not None:
    unit = compiler.check(request["args"][-1], Options(limits=Limits(**request["limits"])))
    rc = 1 if unit.diagnostics.has_errors else 0
    diags = [d.to_json() for d in unit.diagnostics]
elif request.get("krm"):  # the KRM function: a ResourceList on stdin, results in it
    import re, yaml
    rc = cli.main(request["args"], out=out)
    for r in (yaml.safe_load(out.getvalue()) or {}).get("results") or []:
        m = re.search(r"line (\d+), column (\d+)", r.get("message", ""))
        diags.append({"code": "krm-" + r.get("severity", "?"), "message": r.get("message"),
                      "file": None, "line": int(m[1]) if m else None,
                      "column": int(m[2]) if m else None})
else:
    err = io.StringIO()
    saved, sys.stderr = sys.stderr, err
    try:
        rc = cli.main(request["args"] + ["--format", "json"], out=out)
    finally:
        sys.stderr = saved
    text = out.getvalue() + err.getvalue()
    sys.stderr.write(err.getvalue())
    try:
        diags = json.loads(text[text.index("{"):]).get("diagnostics", [])
    except ValueError:  # misuse (exit 2) is reported as text: read its positioned lines
        import re
        diags = [{"file": m[0], "line": int(m[1]), "column": int(m[2]), "code": m[3],
                  "message": m[4]}
                 for m in re.findall(r"^(.+?):(\d+):(\d+): \w+\[([\w-]+)\]: (.*)$", text, re.M)]
        diags = diags or [{"code": "?", "message": text}]
ru = resource.getrusage(resource.RUSAGE_SELF)
# The peak of this process's own memory: ru_maxrss would also hold the peak of the pytest
# process it was forked from (Linux carries the old image's high-water mark across exec),
# so a big test process made small runs look like 540 MB.  VmHWM is reset by exec.
try:
    with open("/proc/self/status") as f:
        peak_kb = next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak_kb = ru.ru_maxrss
print(json.dumps({"rc": rc, "diagnostics": diags, "cpu": ru.ru_utime + ru.ru_stime,
                  "rss_kb": peak_kb}))
"""


@dataclass
class Outcome:
    rc: int
    diagnostics: list[dict]
    cpu: float
    rss_kb: int
    stderr: str

    def codes(self) -> list[str]:
        return [d["code"] for d in self.diagnostics]

    def of(self, code: str) -> list[dict]:
        return [d for d in self.diagnostics if d["code"] == code]

    def show(self) -> str:
        lines = [f"rc={self.rc} cpu={self.cpu:.2f}s rss={self.rss_kb // 1024} MB"]
        lines += [f"{d.get('file')}:{d.get('line')}:{d.get('column')}: {d['code']}: "
                  f"{str(d.get('message'))[:200]}" for d in self.diagnostics[:20]]
        return "\n".join(lines) + ("\n" + self.stderr[-2000:] if self.stderr else "")


def run(args: list[str], *, limits: dict | None = None, timeout: float = 60.0,
        stdin: Path | None = None) -> Outcome:
    """Run ``xfc ARGS`` (or ``compiler.check(ARGS[-1])`` with ``limits``) in a capped child.

    ``stdin``: a file given to the child as its standard input; with ``args`` ``["krm"]``
    the KRM function's error results are the diagnostics (code ``krm-error``, the line
    and column its message names)."""
    request = json.dumps({"args": [str(a) for a in args], "limits": limits,
                          "krm": args[:1] == ["krm"]})
    with open(stdin if stdin is not None else "/dev/null", "rb") as fh:
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(MEMORY_CAP), str(REPO), request],
                              stdin=fh, capture_output=True, text=True, timeout=timeout)
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return Outcome(rc=proc.returncode or 3, diagnostics=[], cpu=0.0, rss_kb=0,
                       stderr=proc.stderr + proc.stdout)
    return Outcome(rc=data["rc"], diagnostics=data["diagnostics"], cpu=data["cpu"],
                   rss_kb=data["rss_kb"], stderr=proc.stderr)


def assert_refused(outcome: Outcome, code: str, *, rc: int = 1, file: str | None = None,
                   line: int | None = None, positioned: bool = True) -> dict:
    """The run ended as the house rule asks: exit ``rc`` with ``code``, positioned, in budget.

    Returns the first diagnostic of ``code``.  ``positioned`` asks for a line >= 1 in a
    file that exists (inputs that have no line, such as a zip member or a path given on
    the command line, pass ``positioned=False`` and are checked by ``file``).
    """
    shown = outcome.show()
    assert outcome.rc == rc, shown
    assert "Traceback" not in outcome.stderr, shown
    hits = outcome.of(code)
    assert hits, f"no {code}:\n{shown}"
    first = hits[0]
    if positioned:
        assert first["line"] >= 1 and first["column"] >= 1, shown
        assert Path(first["file"]).exists(), shown
    if file is not None:
        assert first["file"].endswith(file), shown
    if line is not None:
        assert first["line"] == line, shown
    assert outcome.cpu < CPU_BUDGET, f"{outcome.cpu:.2f} s of CPU\n{shown}"
    assert outcome.rss_kb * 1024 < MEMORY_CAP, shown
    return first
