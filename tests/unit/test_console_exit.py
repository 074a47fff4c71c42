"""The console entry (``python -m compiler``, the ``xfc`` script) ends the process without
the interpreter's teardown (compiler/__main__.py, issue 12 item 6), and loses nothing by
it: the output is complete, temp folders are gone, ``atexit`` handlers ran, a live
non-daemon thread is waited for, and a reader that goes away (``| head``) or a closed
stdout keeps the verdict as the exit code, without a traceback.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from compiler.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "5g-core-slice" / "slice.yaml"
ENV = dict(os.environ, PYTHONPATH=str(REPO))


def _xfc(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "compiler", *args], cwd=REPO, env=env or ENV,
                          capture_output=True, text=True, timeout=120)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _failing_input(folder: Path, nodes: int) -> Path:
    """A descriptor with one error per node template (an unknown type)."""
    lines = ["tosca_definitions_version: tosca_simple_yaml_1_3", "topology_template:",
             "  node_templates:"]
    for i in range(nodes):
        lines += [f"    n{i}:", f"      type: no.such.Type{i}"]
    path = folder / "many.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_compile_output_is_complete_and_no_temp_folder_is_left(tmp_path):
    done = _xfc("compile", str(SAMPLE), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    # the same compile in this process (cli.main returns normally) writes the same files
    assert main(["compile", str(SAMPLE), "-o", str(tmp_path / "in-process")],
                out=io.StringIO()) == 0
    written = _tree(tmp_path / "out")
    assert len(written) > 5 and written == _tree(tmp_path / "in-process")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in-process", "out"]  # no .xfc-*


def test_tosca_parser_sandbox_is_removed(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    done = _xfc("check", str(SAMPLE), "--tosca-parser", env=dict(ENV, TMPDIR=str(temp)))
    assert done.returncode in (0, 1), done.stderr
    assert list(temp.iterdir()) == []


def test_exit_now_runs_atexit_handlers_and_finalizers(tmp_path):
    probe = textwrap.dedent(f"""
        import atexit, sys, tempfile
        sys.path.insert(0, {str(REPO)!r})
        from compiler.__main__ import exit_now
        kept = tempfile.TemporaryDirectory(dir={str(tmp_path)!r})
        open(kept.name + "/f", "w").close()
        atexit.register(lambda: open({str(tmp_path / "atexit-ran")!r}, "w").close())
        sys.stdout.write("buffered, not yet flushed")
        exit_now(7)
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 7, done.stderr
    assert done.stdout == "buffered, not yet flushed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atexit-ran"]  # the folder is gone


def test_exit_now_waits_for_a_live_non_daemon_thread(tmp_path):
    probe = textwrap.dedent(f"""
        import sys, threading, time
        sys.path.insert(0, {str(REPO)!r})
        from compiler.__main__ import exit_now
        def late():
            time.sleep(0.3)
            open({str(tmp_path / "thread-done")!r}, "w").close()
        threading.Thread(target=late).start()
        exit_now(5)
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 5, done.stderr
    assert (tmp_path / "thread-done").exists()


# stdout written through at once (PYTHONUNBUFFERED=1) fails at the write; buffered, at
# the final flush: both ways are run
STDOUT_MODES = {"unbuffered": dict(ENV, PYTHONUNBUFFERED="1"),
                "buffered": {k: v for k, v in ENV.items() if k != "PYTHONUNBUFFERED"}}


def _with_reader_gone(*args: str, env: dict = ENV) -> tuple[int, str]:
    """Run xfc with a stdout pipe whose reading end is closed before xfc writes."""
    proc = subprocess.Popen([sys.executable, "-m", "compiler", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    return proc.wait(timeout=120), err


@pytest.mark.parametrize("mode", sorted(STDOUT_MODES))
def test_a_reader_that_goes_away_keeps_the_exit_code(tmp_path, mode):
    bad = _failing_input(tmp_path, 400)  # its JSON report is larger than a pipe's buffer
    for args, code in (((str(bad), "--format", "json"), 1),  # fails while writing
                       ((str(bad), "--format", "json", "--quiet"), 1),
                       ((str(SAMPLE), "--format", "json"), 0)):  # buffered: at the flush
        got, err = _with_reader_gone("check", *args, env=STDOUT_MODES[mode])
        assert got == code, (args, err)
        assert "Traceback" not in err and "Exception ignored" not in err, err
        assert "internal error" not in err, err


def test_a_closed_stdout_keeps_the_exit_code(tmp_path):
    bad = _failing_input(tmp_path, 3)
    for path, code in ((bad, 1), (SAMPLE, 0)):
        done = subprocess.run(f"'{sys.executable}' -m compiler check '{path}' >&-", shell=True,
                              cwd=REPO, env=ENV, capture_output=True, text=True, timeout=120)
        assert done.returncode == code, done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_a_profiler_still_gets_its_statistics(tmp_path):
    # under cProfile the process exits normally: the statistics are written after main
    stats = tmp_path / "check.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "compiler",
                           "check", str(SAMPLE)], cwd=REPO, env=ENV, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert stats.stat().st_size > 1000


def test_the_installed_script_entry_is_this_one(tmp_path):
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["xfc"] == "compiler.__main__:run"
    # what pip's generated `xfc` script does: import the module (which must run nothing),
    # then call the function
    bad = _failing_input(tmp_path, 2)
    for path, code in ((SAMPLE, 0), (bad, 1)):
        done = subprocess.run([sys.executable, "-c", "import sys; from compiler.__main__ import "
                               "run; sys.argv[0] = 'xfc'; sys.exit(run())", "check", str(path),
                               "-q"], cwd=REPO, env=ENV, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == code, done.stderr


@pytest.mark.parametrize("mode", sorted(STDOUT_MODES))
def test_a_normal_exit_with_the_reader_gone_keeps_the_code_too(tmp_path, mode):
    # a live non-daemon thread makes exit_now exit normally: the failed flush must not
    # come back at the interpreter's own final flush ("Exception ignored", exit 120)
    probe = textwrap.dedent(f"""
        import sys, threading, time
        sys.path.insert(0, {str(REPO)!r})
        from compiler.__main__ import exit_now
        threading.Thread(target=time.sleep, args=(0.2,)).start()
        try:  # as report() does: the write may fail at once, the data stays buffered
            sys.stdout.write("x" * 100)
        except BrokenPipeError:
            pass
        exit_now(5)
    """)
    proc = subprocess.Popen([sys.executable, "-c", probe], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=STDOUT_MODES[mode])
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 5, err
    assert "Exception ignored" not in err and "Traceback" not in err, err
