"""Batch mode (compiler.batch): many inputs in worker processes, one result each.

A crashing worker and a timed-out input are reported for that input only; the others get
the same result as a single call.  Workers here are module-level functions so that the
fork-server workers can import them (``tests.unit.test_batch``).
"""

from __future__ import annotations

import io
import json
import os
import signal
import time
from pathlib import Path

import pytest

from compiler import batch
from compiler.cli import main

REPO = Path(__file__).resolve().parents[2]
GOOD = str(REPO / "samples" / "5g-core-slice" / "slice.yaml")
BAD = str(REPO / "tests" / "diagnostics" / "yaml-syntax" / "fail.yaml")
WARN = str(REPO / "tests" / "diagnostics" / "k8s-latest-tag" / "fail.yaml")


def _crashing_worker(job: batch.Job) -> batch.Outcome:
    if job.path.endswith("CRASH"):
        os.kill(os.getpid(), signal.SIGKILL)  # the worker process dies, pool and all
    return batch.run_one(job)


def _sleepy_worker(job: batch.Job) -> batch.Outcome:
    # the real run_one, with the verb hanging for the marked input: its --timeout alarm
    # must end that input, and the worker must go on with the next ones
    import compiler.commands.check as verb

    if not job.path.endswith("SLOW"):
        return batch.run_one(job)
    real = verb.run
    verb.run = lambda args, out: time.sleep(120) or 0
    try:
        return batch.run_one(job)
    finally:
        verb.run = real


def _args(verb: str, paths: list[str], **kw) -> dict:
    from compiler.cli import build_parser

    parser, _ = build_parser()
    ns = parser.parse_args([verb, *paths])
    d = vars(ns)
    d.update(kw)
    return d


def _jobs(paths: list[str], timeout: float | None = None) -> list[batch.Job]:
    base = _args("check", ["x"])
    base.pop("timeout"), base.pop("jobs")
    return [batch.Job(i, p, "check", dict(base, path=p), timeout) for i, p in enumerate(paths)]


def test_a_crashing_input_does_not_stop_the_others() -> None:
    paths = [GOOD, "/nowhere/CRASH", BAD, WARN]
    seen = []
    outs = batch.run_jobs(_jobs(paths), workers=2, worker=_crashing_worker, on_done=seen.append)
    assert [o.path for o in outs] == paths
    assert [o.status for o in outs] == ["ok", "crash", "errors", "ok"]
    assert "SIGKILL" in outs[1].detail
    assert [o.exit_code for o in outs] == [0, 3, 1, 0]
    assert "xfc: ok: " in outs[0].stdout and "yaml-syntax" in outs[2].stdout
    assert sorted(o.index for o in seen) == [0, 1, 2, 3]  # each reported exactly once


@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
def test_a_timed_out_input_does_not_stop_the_others() -> None:
    paths = [GOOD, "/x/SLOW", BAD]
    start = time.monotonic()
    # only the hanging input has a limit, so a slow machine cannot time out the others
    jobs = [j if j.path.endswith("SLOW") else batch.Job(j.index, j.path, j.verb, j.args, None)
            for j in _jobs(paths, timeout=1.5)]
    outs = batch.run_jobs(jobs, workers=2, worker=_sleepy_worker)
    assert time.monotonic() - start < 60
    assert [o.status for o in outs] == ["ok", "timeout", "errors"]
    assert outs[1].exit_code == 3 and "--timeout 1.5 s" in outs[1].detail
    assert 1.4 <= outs[1].seconds < 10


def test_batch_output_matches_single_calls(tmp_path: Path) -> None:
    singles = []
    for p in (GOOD, BAD, WARN):
        out = io.StringIO()
        code = main(["check", p], out)
        singles.append((code, out.getvalue()))
    out = io.StringIO()
    code = main(["check", GOOD, BAD, WARN, "--format", "json", "-j", "2"], out)
    assert code == 1  # the worst of 0, 1, 0
    doc = json.loads(out.getvalue())
    assert [i["exit_code"] for i in doc["inputs"]] == [c for c, _ in singles]
    for p, item in zip((GOOD, BAD, WARN), doc["inputs"]):
        single = io.StringIO()
        main(["check", p, "--format", "json"], single)
        assert item["result"] == json.loads(single.getvalue())


def test_compile_writes_one_unique_subfolder_per_input(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{GOOD}\n# a comment\n\n{WARN}\n"))
    out = io.StringIO()
    code = main(["compile", "-", GOOD, BAD, "-o", str(tmp_path / "out")], out)
    assert code == 1
    made = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert made == ["fail", "slice", "slice-2"]  # BAD ('fail-2') has errors: nothing written
    a = {p.relative_to(tmp_path / "out" / "slice"): p.read_bytes()
         for p in (tmp_path / "out" / "slice").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "out" / "slice-2"): p.read_bytes()
         for p in (tmp_path / "out" / "slice-2").rglob("*") if p.is_file()}
    assert a and a == b
    text = out.getvalue()
    assert "xfc batch: 4 inputs: 1 errors, 3 ok" in text


def test_sarif_batch_is_one_run_with_an_invocation_per_input() -> None:
    # one run per invocation: GitHub code scanning refuses several runs of one tool and
    # category in an upload (issue 19)
    out = io.StringIO()
    assert main(["check", GOOD, BAD, "--format", "sarif"], out) == 1
    doc = json.loads(out.getvalue())
    (run,) = doc["runs"]
    assert len(run["invocations"]) == 2
    assert [r["ruleId"] for r in run["results"] if r["level"] == "error"] == ["yaml-syntax"]


def test_subfolder_names_and_stdin_paths() -> None:
    assert batch.subfolder_names(["a/slice.yaml", "b/slice.yaml", "pkg.csar", "dir/", "x y.zip",
                                  "../..", "SLICE"]) == [
        "slice", "slice-2", "pkg", "dir", "x_y", "input", "SLICE-3"]
    assert batch.read_paths(["-", "z"], io.StringIO("a\n\n# c\n b \n")) == ["a", "b", "z"]


def test_misuse_is_exit_2(capsys) -> None:
    assert main(["compile", GOOD, BAD]) == 2  # neither -o nor --stdout
    assert main(["compile", GOOD, BAD, "--stdout"]) == 2
    assert main(["check", GOOD, BAD, "--timeout", "0"]) == 2
    assert "--timeout takes a positive number" in capsys.readouterr().err


@pytest.mark.parametrize("verb", ["check", "compile"])
def test_one_path_is_unchanged(verb: str, tmp_path: Path) -> None:
    argv = [verb, GOOD] + (["-o", str(tmp_path / "o")] if verb == "compile" else [])
    out = io.StringIO()
    assert main(argv, out) == 0
    assert "xfc batch" not in out.getvalue()
    if verb == "compile":
        assert (tmp_path / "o" / "kubernetes").is_dir()  # no per-input subfolder


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_rich_progress_bar_and_table() -> None:
    from compiler.cli import build_parser

    parser, _ = build_parser()
    args = parser.parse_args(["check", GOOD, BAD, "-j", "2"])
    out, err = _Terminal(), _Terminal()
    code = batch.run("check", args, out, err=err)
    assert code == 1
    # rich drew (and cleared) a live bar on the terminal: cursor control sequences
    assert "\x1b[" in err.getvalue()
    assert "TIMED OUT" not in err.getvalue() and "FAILED" in err.getvalue()
    table = out.getvalue()
    assert "xfc batch: 2 inputs: 1 errors, 1 ok" in table
    assert "┃" in table or "│" in table  # a rich table, not the plain one


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_bundle_batch_writes_each_input_as_a_single_bundle_would(tmp_path: Path) -> None:
    """`xfc bundle PATH... -f F -o DIR`: one subfolder per input, each byte-identical to
    `xfc bundle PATH -f F -o SUB`; an input with errors writes nothing and sets the exit."""
    svc = str(REPO / "samples" / "xfc-service" / "xfc-service.yaml")
    out = io.StringIO()
    code = main(["bundle", GOOD, svc, BAD, "-f", "helm", "-f", "csar", "-j", "2",
                 "--diagnostics-format", "json", "-o", str(tmp_path / "many")], out)
    assert code == 1
    doc = json.loads(out.getvalue())
    assert doc["verb"] == "bundle"
    assert [i["exit_code"] for i in doc["inputs"]] == [0, 0, 1]
    assert [d["code"] for d in doc["inputs"][2]["result"]["diagnostics"]] == ["yaml-syntax"]
    assert sorted(p.name for p in (tmp_path / "many").iterdir()) == ["slice", "xfc-service"]
    for path, name in ((GOOD, "slice"), (svc, "xfc-service")):
        assert main(["bundle", path, "-f", "helm", "-f", "csar", "-q",
                     "-o", str(tmp_path / "one" / name)], io.StringIO()) == 0
        single = _files(tmp_path / "one" / name)
        assert any(k.endswith(".csar") for k in single) and any(k.startswith("helm/") for k in single)
        assert _files(tmp_path / "many" / name) == single
