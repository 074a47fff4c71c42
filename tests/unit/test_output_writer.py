"""The output directory says whose files it holds (issue 21, item 9): the manifest names
the command that wrote it, and another command refuses to replace that set (exit 2)
unless --force, naming the command whose files they are."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from compiler import cli
from compiler.model import OutputFile
from compiler.output import MANIFEST, OtherCommand, read_manifest, read_writer, write_outputs

REPO = Path(__file__).resolve().parents[2]
SLICE = str(REPO / "samples/5g-core-slice/slice.yaml")


def f(path: str, text: str = "x: 1\n") -> OutputFile:
    return OutputFile(path=path, content=text.encode())


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(list(argv), out=out)
    return code, out.getvalue(), err.getvalue()


def files(d: Path) -> list[str]:
    return sorted(p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file())


def test_the_manifest_names_its_writer_and_stays_a_sha256sum_file(tmp_path):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml"), f("policies/b.yaml")], out, writer="xfc compile")
    text = (out / MANIFEST).read_text()
    assert text.splitlines()[0] == "# written by: xfc compile"
    assert read_writer(out) == "xfc compile"
    assert set(read_manifest(out)) == {"kubernetes/a.yaml", "policies/b.yaml"}
    if shutil.which("sha256sum"):  # coreutils skips the comment line, even with --strict
        proc = subprocess.run(["sha256sum", "-c", "--strict", MANIFEST], cwd=out,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_another_command_is_refused_and_nothing_changes(tmp_path):
    out = tmp_path / "out"
    write_outputs([f("helm/c/Chart.yaml"), f("helm/c/values.yaml")], out,
                  writer="xfc bundle --format helm")
    before = {p: (out / p).read_bytes() for p in files(out)}
    with pytest.raises(OtherCommand) as err:
        write_outputs([f("kubernetes/a.yaml")], out, writer="xfc compile")
    msg = str(err.value)
    assert "holds the output of `xfc bundle --format helm`" in msg
    assert "helm/" in msg and "2 files" in msg and "--force" in msg
    assert {p: (out / p).read_bytes() for p in files(out)} == before


def test_force_replaces_the_other_commands_output(tmp_path):
    out = tmp_path / "out"
    write_outputs([f("helm/c/Chart.yaml")], out, writer="xfc bundle --format helm")
    (out / "NOTES.txt").write_text("mine")  # a foreign file is still kept
    write_outputs([f("kubernetes/a.yaml")], out, writer="xfc compile", force=True)
    assert files(out) == [MANIFEST, "NOTES.txt", "kubernetes/a.yaml"]
    assert read_writer(out) == "xfc compile"


def test_the_same_command_replaces_its_own_set(tmp_path):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml"), f("kubernetes/b.yaml")], out, writer="xfc compile")
    write_outputs([f("kubernetes/b.yaml", "y: 2\n")], out, writer="xfc compile")
    assert files(out) == [MANIFEST, "kubernetes/b.yaml"]


def test_a_manifest_without_a_writer_line_is_still_read(tmp_path):
    # written by an xfc from before the writer line, or by a library call without one
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml")], out)
    assert read_writer(out) is None
    assert not (out / MANIFEST).read_text().startswith("#")
    write_outputs([f("kubernetes/b.yaml")], out, writer="xfc compile")
    assert files(out) == [MANIFEST, "kubernetes/b.yaml"]


def test_cli_compile_after_bundle_exits_2_naming_the_bundle(tmp_path):
    out = tmp_path / "out"
    assert run("bundle", SLICE, "-f", "helm", "-o", str(out), "-q")[0] == 0
    helm = files(out)
    code, _out, err = run("compile", SLICE, "-o", str(out), "-q")
    assert code == 2
    assert "holds the output of `xfc bundle --format helm`" in err
    assert files(out) == helm  # nothing deleted
    code, _out, err = run("compile", SLICE, "-o", str(out), "-q", "--force")
    assert code == 0, err
    assert not [p for p in files(out) if p.startswith("helm/")]
    assert read_writer(out) == "xfc compile"


def test_cli_bundle_after_compile_and_other_formats(tmp_path):
    out = tmp_path / "out"
    assert run("compile", SLICE, "-o", str(out), "-q")[0] == 0
    code, _out, err = run("bundle", SLICE, "-f", "kustomize", "-o", str(out), "-q")
    assert code == 2 and "holds the output of `xfc compile`" in err
    assert run("bundle", SLICE, "-f", "kustomize", "-o", str(out), "-q", "--force")[0] == 0
    # the same formats in another order are the same command; other formats are not
    assert run("bundle", SLICE, "-f", "kustomize", "-o", str(out), "-q")[0] == 0
    code, _out, err = run("bundle", SLICE, "-f", "helm", "-f", "kustomize", "-o", str(out), "-q")
    assert code == 2 and "`xfc bundle --format kustomize`" in err


def test_cli_compile_beside_a_graph_file_refuses(tmp_path):
    # `xfc graph ... > out/slice.dot` is a file xfc's manifest does not list
    out = tmp_path / "out"
    assert run("compile", SLICE, "-o", str(out), "-q")[0] == 0
    (out / "slice.dot").write_text("digraph {}\n")
    code, _out, err = run("compile", SLICE, "-o", str(out), "-q")
    assert code == 2 and "slice.dot" in err and "xfc did not write" in err
    assert (out / "slice.dot").read_text() == "digraph {}\n"
