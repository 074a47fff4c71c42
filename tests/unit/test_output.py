"""compiler.output: atomic, contained writes."""

import pytest

from compiler.model import OutputFile
from compiler.output import OutputError, write_outputs


def f(path, text="x: 1\n"):
    return OutputFile(path=path, content=text.encode())


def test_writes_new_directory(tmp_path):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml"), f("policies/b.yaml")], out)
    assert (out / "kubernetes/a.yaml").read_text() == "x: 1\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".xfc-")]


def test_replaces_only_our_entries(tmp_path):
    # Issue 9 item 7 changed this test: it used to expect a file xfc never wrote
    # (kubernetes/stale.yaml) to be deleted; now only files of the previous manifest are
    # removed, and files xfc did not write are kept (with --force) or refused.
    out = tmp_path / "out"
    write_outputs([f("kubernetes/stale.yaml", "old"), f("kubernetes/b.yaml")], out)
    (out / "README").write_text("keep me")
    write_outputs([f("kubernetes/a.yaml")], out, force=True)
    assert sorted(p.name for p in (out / "kubernetes").iterdir()) == ["a.yaml"]
    assert (out / "README").read_text() == "keep me"


@pytest.mark.parametrize("bad", ["../evil.yaml", "/etc/x", "a/../../b", "", "a\\b"])
def test_refuses_paths_outside(tmp_path, bad):
    with pytest.raises(OutputError):
        write_outputs([f(bad)], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "evil.yaml").exists()


# --------------------------------------------------------------------------- the manifest


import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from compiler import output as output_mod
from compiler.output import MANIFEST, ForeignFiles, read_manifest, survey, sweep_stale_temps

REPO = Path(__file__).resolve().parents[2]


def tree(d):
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_manifest_lists_every_file_with_its_sha256(tmp_path):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml", "a: 1\n"), f("policies/b.yaml", "b: 2\n")], out)
    lines = (out / MANIFEST).read_text().splitlines()
    ha, hb = (hashlib.sha256(t).hexdigest() for t in (b"a: 1\n", b"b: 2\n"))
    assert lines == [f"{ha}  kubernetes/a.yaml", f"{hb}  policies/b.yaml"]
    if os.path.exists("/usr/bin/sha256sum"):  # the format sha256sum -c reads
        r = subprocess.run(["sha256sum", "-c", MANIFEST], cwd=out, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr


def test_stale_file_of_an_earlier_compile_is_removed(tmp_path):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml"), f("policies/failurepolicy-old.yaml"),
                   f("extra/deep/x.yaml")], out)
    write_outputs([f("kubernetes/a.yaml", "new: 1\n"), f("policies/failurepolicy-new.yaml")], out)
    assert set(tree(out)) == {MANIFEST, "kubernetes/a.yaml", "policies/failurepolicy-new.yaml"}
    assert not (out / "extra").exists()  # folders only xfc's files were in go too
    assert (out / "kubernetes/a.yaml").read_text() == "new: 1\n"
    assert set(read_manifest(out)) == {"kubernetes/a.yaml", "policies/failurepolicy-new.yaml"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".xfc-")]


@pytest.mark.parametrize("foreign", ["README", "kubernetes/notes.txt", ".git/config", "docs/a/b.md"])
def test_foreign_file_is_refused_and_never_deleted(tmp_path, foreign):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml"), f("policies/old.yaml")], out)
    (out / foreign).parent.mkdir(parents=True, exist_ok=True)
    (out / foreign).write_text("mine")
    before = tree(out)
    with pytest.raises(ForeignFiles) as exc:
        write_outputs([f("kubernetes/a.yaml", "new: 1\n")], out)
    assert foreign.split("/")[0] in str(exc.value) and "--force" in str(exc.value)
    assert tree(out) == before  # nothing changed, nothing deleted
    # --force writes beside it, removes the stale file of xfc, keeps the foreign one
    write_outputs([f("kubernetes/a.yaml", "new: 1\n")], out, force=True)
    assert (out / foreign).read_text() == "mine"
    assert not (out / "policies").exists()
    assert (out / "kubernetes/a.yaml").read_text() == "new: 1\n"
    assert set(read_manifest(out)) == {"kubernetes/a.yaml"}
    # the foreign file still makes a later compile without --force refuse
    with pytest.raises(ForeignFiles):
        write_outputs([f("kubernetes/a.yaml")], out)


def test_directory_without_manifest_is_foreign(tmp_path):
    out = tmp_path / "out"
    (out / "kubernetes").mkdir(parents=True)
    (out / "kubernetes" / "deployment-x.yaml").write_text("from an older xfc")
    with pytest.raises(ForeignFiles):
        write_outputs([f("kubernetes/a.yaml")], out)
    write_outputs([f("kubernetes/a.yaml")], out, force=True)
    assert (out / "kubernetes" / "deployment-x.yaml").read_text() == "from an older xfc"


def test_foreign_file_at_a_path_to_write_is_refused_even_with_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "kubernetes").mkdir()
    (out / "kubernetes" / "a.yaml").write_text("mine")
    (out / "policies").write_text("a file where xfc needs a folder")
    for files in ([f("kubernetes/a.yaml")], [f("policies/p.yaml")]):
        with pytest.raises(ForeignFiles) as exc:
            write_outputs(files, out, force=True)
        assert "never overwrites" in str(exc.value)
    assert (out / "kubernetes" / "a.yaml").read_text() == "mine"
    assert (out / "policies").read_text() == "a file where xfc needs a folder"


def test_edited_file_is_refused_and_force_discards_the_edit(tmp_path):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml"), f("kubernetes/gone.yaml")], out)
    (out / "kubernetes/a.yaml").write_text("edited by hand")
    with pytest.raises(ForeignFiles) as exc:
        write_outputs([f("kubernetes/a.yaml")], out)
    assert "kubernetes/a.yaml changed since xfc wrote it" in str(exc.value)
    assert (out / "kubernetes/a.yaml").read_text() == "edited by hand"
    (out / "kubernetes/gone.yaml").write_text("edited too")
    write_outputs([f("kubernetes/a.yaml")], out, force=True)
    assert set(tree(out)) == {MANIFEST, "kubernetes/a.yaml"}
    assert (out / "kubernetes/a.yaml").read_text() == "x: 1\n"


def test_symbolic_links_are_foreign_and_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.yaml").write_text("precious")
    out = tmp_path / "out"
    write_outputs([f("policies/p.yaml")], out)
    (out / "kubernetes").symlink_to(outside, target_is_directory=True)
    for force in (False, True):
        with pytest.raises(ForeignFiles):
            write_outputs([f("kubernetes/a.yaml")], out, force=force)
    assert (outside / "a.yaml").read_text() == "precious"
    # a manifest that names a file behind the link does not make it xfc's
    (out / "kubernetes").unlink()
    (out / "link.yaml").symlink_to(outside / "a.yaml")
    digest = hashlib.sha256(b"precious").hexdigest()
    with open(out / MANIFEST, "a") as fh:
        fh.write(f"{digest}  link.yaml\n")
    assert survey(out).foreign == ["link.yaml"]
    write_outputs([f("policies/p.yaml")], out, force=True)
    assert (outside / "a.yaml").read_text() == "precious" and (out / "link.yaml").is_symlink()


def test_a_broken_manifest_is_foreign(tmp_path):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml")], out)
    (out / MANIFEST).write_text("not a manifest\n")
    with pytest.raises(ForeignFiles):
        write_outputs([f("kubernetes/a.yaml")], out)
    (out / MANIFEST).write_text(f"{'0' * 64}  ../../etc/passwd\n")
    with pytest.raises(ForeignFiles):
        write_outputs([f("kubernetes/a.yaml")], out)


def test_foreign_folders_are_not_walked(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml")], out)
    deep = out / "project" / "src"
    deep.mkdir(parents=True)
    for i in range(50):
        (deep / f"{i}.py").write_text("")
    s = survey(out, {"kubernetes"})
    assert s.foreign == ["project/"] and s.owned == ["kubernetes/a.yaml"]


@pytest.mark.parametrize("exchange", [True, False])
def test_replacing_only_xfc_files_swaps_the_directory(tmp_path, monkeypatch, exchange):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml"), f("kubernetes/b.yaml")], out)
    if not exchange:  # a system without renameat2: two renames
        monkeypatch.setattr(output_mod, "_exchange", lambda a, b: False)
    write_outputs([f("kubernetes/b.yaml", "b: 2\n")], out)
    assert tree(out) == {MANIFEST: (out / MANIFEST).read_bytes(), "kubernetes/b.yaml": b"b: 2\n"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".xfc-")]


def test_output_through_a_symbolic_link_writes_in_its_folder(tmp_path):
    real = tmp_path / "real"
    write_outputs([f("kubernetes/a.yaml")], real)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    write_outputs([f("kubernetes/b.yaml")], link)
    assert link.is_symlink() and set(tree(real)) == {MANIFEST, "kubernetes/b.yaml"}


def test_an_interrupted_forced_run_leaves_only_xfc_files(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml"), f("kubernetes/old.yaml")], out)
    (out / "README").write_text("mine")
    real_replace, calls = os.replace, []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # after the interim manifest and the first file
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(output_mod.os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_outputs([f("kubernetes/a.yaml", "a: 2\n"), f("kubernetes/c.yaml")], out, force=True)
    monkeypatch.setattr(output_mod.os, "replace", real_replace)
    s = survey(out)
    assert s.foreign == ["README"] and not s.edited  # nothing of xfc looks foreign
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".xfc-")]
    write_outputs([f("kubernetes/c.yaml")], out, force=True)
    assert set(tree(out)) == {MANIFEST, "README", "kubernetes/c.yaml"}


# --------------------------------------------------------------------------- leftovers


_LEFTOVER = """
import sys, time
from pathlib import Path
from compiler.output import make_temp
tmp = make_temp(Path(sys.argv[1]))
for i in range(100000):
    (tmp / f"{i}.yaml").write_text("x: 1\\n")
    if i == 50:
        print(tmp, flush=True)
time.sleep(60)
"""


def test_folder_of_a_killed_run_is_swept_by_the_next(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _LEFTOVER, str(tmp_path)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        leftover = Path(proc.stdout.readline().strip())
        assert leftover.is_dir()
    finally:
        proc.send_signal(signal.SIGKILL)  # mid-write: no finally block runs
        proc.wait()
    assert leftover.exists()
    mine = output_mod.make_temp(tmp_path)  # a live run's folder (this process)
    unmarked = tmp_path / ".xfc-unmarked"
    unmarked.mkdir()
    other = tmp_path / ".xfc-othertool"
    other.mkdir()
    (other / ".xfc-temp").write_text(json.dumps({"tool": "other", "pid": 999999999}))
    write_outputs([f("kubernetes/a.yaml")], tmp_path / "out")
    assert not leftover.exists()
    assert mine.exists() and unmarked.exists() and other.exists()
    assert sweep_stale_temps(tmp_path) == []


def test_an_empty_unmarked_folder_goes_after_a_minute_a_filled_one_stays(tmp_path):
    """A run killed between make_temp's mkdtemp and its marker leaves an empty folder."""
    empty, filled = tmp_path / ".xfc-tosca-parser-killed", tmp_path / ".xfc-mine"
    empty.mkdir()
    filled.mkdir()
    (filled / "notes.txt").write_text("a user's file")
    assert sweep_stale_temps(tmp_path) == []  # fresh: its marker may be on its way
    old = time.time() - 2 * output_mod.UNMARKED_EMPTY_AGE
    for d in (empty, filled):
        os.utime(d, (old, old))
    assert sweep_stale_temps(tmp_path) == [empty]
    assert not empty.exists() and (filled / "notes.txt").read_text() == "a user's file"


def test_other_hosts_leftover_waits_a_day(tmp_path):
    d = tmp_path / ".xfc-remote"
    d.mkdir()
    (d / ".xfc-temp").write_text(json.dumps({"tool": "xfc", "pid": 1, "host": "elsewhere"}))
    assert sweep_stale_temps(tmp_path) == []
    old = time.time() - 2 * 24 * 3600
    os.utime(d / ".xfc-temp", (old, old))
    assert sweep_stale_temps(tmp_path) == [d]


_SLOW_COMPILE = """
import sys, time
import compiler.output as o
from compiler import cli
real = o._sha256
def slow(data):
    print("writing", flush=True)
    time.sleep(30)
    return real(data)
o._sha256 = slow
sys.exit(cli.main(["compile", "samples/5g-core-slice/slice.yaml", "-o", sys.argv[1], "-q"]))
"""


def test_sigterm_while_writing_removes_the_temporary_folder(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_COMPILE, str(tmp_path / "out")],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        assert [p for p in tmp_path.iterdir() if p.name.startswith(".xfc-")]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert list(tmp_path.iterdir()) == []


def test_a_mounted_output_directory_is_written_in_place(tmp_path, monkeypatch):
    # a container volume: DIR cannot be renamed, and renames from its parent's file
    # system fail; the temporary folder goes inside DIR and is not a foreign file there
    out = tmp_path / "out"
    write_outputs([f("kubernetes/a.yaml"), f("kubernetes/old.yaml")], out)
    monkeypatch.setattr(output_mod, "_same_device", lambda a, b: False)
    seen = []
    real_make_temp = output_mod.make_temp

    def spy(home):
        seen.append(home)
        t = real_make_temp(home)
        assert survey(out).foreign == []  # the temporary folder is not foreign
        return t

    monkeypatch.setattr(output_mod, "make_temp", spy)
    ino = out.stat().st_ino
    write_outputs([f("kubernetes/a.yaml", "a: 2\n")], out)
    assert seen == [out.resolve()] and out.stat().st_ino == ino
    assert set(tree(out)) == {MANIFEST, "kubernetes/a.yaml"}


def test_new_directory_gets_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        write_outputs([f("kubernetes/a.yaml")], tmp_path / "out")
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o750


def test_sigkill_of_a_real_compile_mid_write_is_swept_by_the_next(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_COMPILE, str(tmp_path / "out")],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"  # files are being written
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    (leftover,) = [p for p in tmp_path.iterdir() if p.name.startswith(".xfc-")]
    assert any((leftover / "new").rglob("*.yaml"))
    assert not (tmp_path / "out").exists()
    r = subprocess.run([sys.executable, "-m", "compiler", "compile", "samples/5g-core-slice/slice.yaml",
                        "-o", str(tmp_path / "out"), "-q"], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
