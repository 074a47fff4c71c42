"""Same bytes wherever xfc runs: output never depends on the working directory or on how
the input path is spelled (issue 9 item 8).  Paths in the output (the
``xfactor.io/source`` annotation) are relative to the package root."""

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from compiler import cli

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"


def _compile(cwd: Path, path: str, out: Path, monkeypatch) -> dict[str, bytes]:
    monkeypatch.chdir(cwd)
    code = cli.main(["compile", path, "-o", str(out), "--quiet", "--target", "kubernetes",
                     "--target", "onap", "--target", "osm", "--target", "tacker",
                     "--param", "vnf_instance_id=ci"], out=io.StringIO())
    assert code == 0, path
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _spellings(tmp_path: Path, rel: str) -> list[tuple[Path, str]]:
    """(working directory, path as typed) pairs that all name samples/<rel>."""
    top, _, rest = rel.partition("/")
    inside = SAMPLES / top
    return [
        (REPO, f"samples/{rel}"),
        (REPO, f"./samples/{rel}"),
        (REPO, str(SAMPLES / rel)),
        (REPO, f"samples/{top}/../{top}/{rest}".rstrip("/")),
        (inside, rest or "."),
        (inside, f"./{rest}" if rest else "./"),
        (tmp_path, str(SAMPLES / rel)),
        (SAMPLES, f"{top}/{rest}".rstrip("/")),
    ]


@pytest.mark.parametrize("rel", ["5g-core-slice/slice.yaml", "sol001-firewall-chain",
                                 "sol001-v4-container-vnf/vnfd.yaml"])
def test_output_bytes_do_not_depend_on_cwd_or_spelling(rel, tmp_path, monkeypatch):
    results = []
    for i, (cwd, spelled) in enumerate(_spellings(tmp_path, rel)):
        results.append((spelled, _compile(cwd, spelled, tmp_path / f"out{i}", monkeypatch)))
    first_name, first = results[0]
    assert any(b"xfactor.io/source" in v for v in first.values())
    for spelled, files in results[1:]:
        assert files.keys() == first.keys(), spelled
        for name in first:
            assert files[name] == first[name], f"{name} differs between {first_name!r} and {spelled!r}"


def test_source_annotation_is_package_relative(tmp_path, monkeypatch):
    files = _compile(REPO, "./samples/5g-core-slice/../5g-core-slice/slice.yaml",
                     tmp_path / "o", monkeypatch)
    sources = {line.split(b":", 1)[1].strip() for v in files.values() for line in v.splitlines()
               if line.strip().startswith(b"xfactor.io/source:")}
    assert sources and all(s.startswith(b"slice.yaml:") for s in sources), sources


def test_zipped_csar_matches_the_directory(tmp_path, monkeypatch):
    src = SAMPLES / "sol001-firewall-chain"
    archive = tmp_path / "fw.csar"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(src.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(src).as_posix())
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    shutil.copy(archive, deep / "fw.csar")
    from_dir = _compile(REPO, "samples/sol001-firewall-chain", tmp_path / "o1", monkeypatch)
    from_zip = _compile(tmp_path, "fw.csar", tmp_path / "o2", monkeypatch)
    from_deep = _compile(REPO, str(deep / "fw.csar"), tmp_path / "o3", monkeypatch)
    assert from_zip == from_deep
    assert from_zip == from_dir
