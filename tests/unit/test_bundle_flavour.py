"""Every bundle format honours ``--flavour`` (issue 21, item 6): the package of a VNFD
with several deployment flavours, bundled with ``--flavour F``, is flavour F's and
nothing of another flavour's objects (the VNF node names 'small'; 'large' adds a cache)."""

from __future__ import annotations

import contextlib
import io
import re
import tarfile
import zipfile
from pathlib import Path

import pytest

from compiler import cli

REPO = Path(__file__).resolve().parents[2]
TWO = str(REPO / "tests/fixtures/bundles/two-flavours/top.yaml")
FORMATS = {"helm": [], "kustomize": [], "onap-helm": [], "osm": [],
           "csar": ["--target", "tacker", "--param", "vnf_instance_id=7"]}


def _expand(name: str, data: bytes) -> dict[str, bytes]:
    """A file, and every member of the archives it is (zip, CSAR, tar.gz), recursively."""
    out = {name: data}
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for n in z.namelist():
                out.update(_expand(f"{name}!{n}", z.read(n)))
    elif data[:2] == b"\x1f\x8b":
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            for m in t.getmembers():
                if m.isfile():
                    out.update(_expand(f"{name}!{m.name}", t.extractfile(m).read()))
    return out


def _bundle(tmp: Path, fmt: str, fid: str) -> dict[str, bytes]:
    out = tmp / f"{fmt}-{fid}"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(["bundle", TWO, "-f", fmt, "--flavour", fid, "-o", str(out), "-q",
                         *FORMATS[fmt]], out=io.StringIO())
    assert code == 0, err.getvalue()
    files: dict[str, bytes] = {}
    for p in sorted(out.rglob("*")):
        if p.is_file():
            files.update(_expand(p.relative_to(out).as_posix(), p.read_bytes()))
    return files


def _annotated(files: dict[str, bytes], fid: str) -> list[str]:
    pat = re.compile(rb'xfactor\.io/flavour: "?' + fid.encode() + rb'"?\s*$', re.M)
    return [n for n, data in files.items() if pat.search(data)]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("fid, other", [("small", "large"), ("large", "small")])
def test_the_bundle_is_the_flavour_given(tmp_path, fmt, fid, other):
    files = _bundle(tmp_path, fmt, fid)
    assert _annotated(files, fid), f"no object of {fmt} says flavour {fid}"
    assert not _annotated(files, other), _annotated(files, other)
    objects = [n for n in files if re.search(r"deployment-cache\.yaml$", n)]
    assert bool(objects) == (fid == "large"), objects  # the cache is the large flavour's
    if fmt == "kustomize":
        assert not [n for n in files if "/overlays/" in n]
    if fmt == "csar":
        request = next(v for n, v in files.items() if n.endswith("-instantiate.json"))
        assert f'"flavourId": "{fid}"'.encode() in request
