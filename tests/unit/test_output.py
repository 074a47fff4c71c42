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


def test_replaces_only_our_top_level_entries(tmp_path):
    out = tmp_path / "out"
    (out / "kubernetes").mkdir(parents=True)
    (out / "kubernetes" / "stale.yaml").write_text("old")
    (out / "README").write_text("keep me")
    write_outputs([f("kubernetes/a.yaml")], out)
    assert sorted(p.name for p in (out / "kubernetes").iterdir()) == ["a.yaml"]
    assert (out / "README").read_text() == "keep me"


@pytest.mark.parametrize("bad", ["../evil.yaml", "/etc/x", "a/../../b", "", "a\\b"])
def test_refuses_paths_outside(tmp_path, bad):
    with pytest.raises(OutputError):
        write_outputs([f(bad)], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "evil.yaml").exists()
