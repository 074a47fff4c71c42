"""Hostile inputs end in exit code 1 with a diagnostic, fast, with nothing written.

Issue 2's list: billion laughs, a 50 MB scalar, deep nesting, zip slip, zip bomb, an
import of ../../etc/passwd, an import of an http:// URL.
"""

import io
import time
import zipfile

import pytest

from compiler import cli

HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"


def laughs() -> str:
    lines = [HEAD.strip(), "metadata:", "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    prev = "a"
    for i in range(9):
        n = chr(ord("b") + i)
        lines.append(f"  {n}: &{n} [" + ", ".join([f"*{prev}"] * 10) + "]")
        prev = n
    return "\n".join(lines) + "\n"


def make(tmp_path, kind):
    p = tmp_path / "in.yaml"
    if kind == "billion-laughs":
        p.write_text(laughs())
        return p, "yaml-alias-limit"
    if kind == "50MB-scalar":
        with p.open("w") as fh:
            fh.write(HEAD + "description: ")
            fh.write("x" * (50 * 1024 * 1024))
            fh.write("\n")
        return p, "input-too-large"
    if kind == "deep-nesting":
        p.write_text(HEAD + "metadata: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n")
        return p, "yaml-too-deep"
    if kind == "etc-passwd":
        p.write_text(HEAD + "imports:\n  - ../../../../../../etc/passwd\n")
        return p, "import-outside-root"
    if kind == "http-import":
        p.write_text(HEAD + "imports:\n  - http://198.51.100.7/types.yaml\n")
        return p, "import-network"
    z = tmp_path / "in.csar"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("TOSCA-Metadata/TOSCA.meta",
                    "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: t\n"
                    "Entry-Definitions: Definitions/main.yaml\n")
        if kind == "zip-slip":
            zf.writestr("Definitions/main.yaml", HEAD)
            zf.writestr("../../evil.yaml", "owned: true\n")
            return z, "csar-zip-unsafe"
        if kind == "zip-bomb":
            zf.writestr("Definitions/main.yaml", HEAD + "description: " + "a" * (200 * 1024 * 1024) + "\n")
            return z, "csar-zip-bomb"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    ["billion-laughs", "50MB-scalar", "deep-nesting", "etc-passwd", "http-import", "zip-slip", "zip-bomb"],
)
@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
def test_hostile_input(tmp_path, kind, capsys):
    path, code = make(tmp_path, kind)
    outdir = tmp_path / "out"
    before = sorted(p.name for p in tmp_path.iterdir())
    out = io.StringIO()
    t = time.perf_counter()
    rc = cli.main(["compile", str(path), "-o", str(outdir)], out=out)
    elapsed = time.perf_counter() - t
    text = out.getvalue()
    assert rc == 1, text + capsys.readouterr().err
    assert f"error[{code}]" in text, text
    assert "Traceback" not in text + capsys.readouterr().err
    assert elapsed < 2.0, f"{kind} took {elapsed:.2f}s"
    assert not outdir.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not (tmp_path.parent / "evil.yaml").exists()
