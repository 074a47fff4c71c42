"""Opening inputs (compiler.loader.csar): directories, zips and lone files; entry
selection; digest verification at the exact manifest line; zip safety and zip bombs."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import struct
import tempfile
import time
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import pytest

from compiler.diagnostics import Diagnostics
from compiler.loader.csar import InputPackage, ZipFS, open_input
from compiler.loader.fs import DirFS, TooLarge
from compiler.loader.yamlpos import Limits

GOOD = Path(__file__).resolve().parent.parent / "fixtures" / "csar" / "good"
TOSCA = b"tosca_definitions_version: tosca_simple_yaml_1_3\n"


def opened(path, limits: Limits | None = None) -> tuple[InputPackage | None, Diagnostics]:
    d = Diagnostics()
    kw = {"limits": limits} if limits else {}
    return open_input(str(path), d, **kw), d


def errors(d: Diagnostics) -> list[tuple[str, str, int, int]]:
    return [(x.code, x.span.file, x.span.line, x.span.column) for x in d.errors()]


def copy_good(tmp_path: Path) -> Path:
    dst = tmp_path / "pkg"
    shutil.copytree(GOOD, dst)
    return dst


def zip_dir(src: Path, dst: Path) -> Path:
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(src.rglob("*")):
            zf.write(p, p.relative_to(src).as_posix())
    return dst


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


# --------------------------------------------------------------------------------------
# Directories, zips, files


def test_good_directory_opens_cleanly():
    pkg, d = opened(GOOD)
    assert list(d) == [], d.render_text()
    assert pkg.kind == "dir"
    assert pkg.entry == "Definitions/main.yaml"
    assert pkg.meta.get("CSAR-Version").value == "1.1"
    assert pkg.manifest_name == "main.mf"
    assert pkg.manifest.metadata_dict()["vnf_product_name"] == "chain-cnf"
    assert pkg.external_sources == ("https://example.com/images/web.qcow2",)
    assert isinstance(pkg.fs, DirFS)
    assert pkg.fs.read_bytes(pkg.entry, 1000).startswith(TOSCA)


def test_good_zip_opens_cleanly_without_extracting(tmp_path):
    z = zip_dir(GOOD, tmp_path / "good.csar")
    pkg, d = opened(z)
    assert list(d) == [], d.render_text()
    assert pkg.kind == "zip" and isinstance(pkg.fs, ZipFS)
    assert pkg.entry == "Definitions/main.yaml"
    assert pkg.root_label == str(z)
    assert pkg.fs.display("main.mf") == f"{z}/main.mf"
    assert pkg.manifest.file == f"{z}/main.mf"
    # directories are not names; names are sorted
    assert pkg.fs.names() == sorted(pkg.fs.names())
    assert "Definitions" not in pkg.fs.names() and "Licenses/LICENSE.txt" in pkg.fs.names()
    assert pkg.fs.size("ChangeLog.txt") == (GOOD / "ChangeLog.txt").stat().st_size
    with pkg.fs.open("Files/kubernetes/deployment.yaml") as fh:
        assert fh.read() == (GOOD / "Files/kubernetes/deployment.yaml").read_bytes()
    with pytest.raises(TooLarge):
        pkg.fs.read_bytes("Files/kubernetes/deployment.yaml", 10)
    with pytest.raises(FileNotFoundError):
        pkg.fs.read_bytes("nope.yaml", 10)


def test_zip_is_recognised_by_magic_whatever_its_name(tmp_path):
    z = zip_dir(GOOD, tmp_path / "package.bin")
    pkg, d = opened(z)
    assert pkg.kind == "zip" and d.errors() == []


def test_plain_file_is_its_own_entry(tmp_path):
    f = tmp_path / "sub" / "service.yaml"
    f.parent.mkdir()
    f.write_bytes(TOSCA)
    pkg, d = opened(f)
    assert list(d) == []
    assert (pkg.kind, pkg.entry, pkg.meta, pkg.manifest) == ("file", "service.yaml", None, None)
    assert pkg.fs.exists("service.yaml")
    assert pkg.fs.display("service.yaml") == str(f)


def test_missing_path(tmp_path):
    pkg, d = opened(tmp_path / "nothing.csar")
    assert pkg is None
    assert [x.code for x in d] == ["input-not-found"]


def test_csar_that_is_not_a_zip(tmp_path):
    f = tmp_path / "fake.csar"
    f.write_text("not a zip")
    pkg, d = opened(f)
    assert pkg is None
    assert errors(d) == [("csar-zip-invalid", str(f), 0, 0)]


def test_truncated_zip(tmp_path):
    z = zip_dir(GOOD, tmp_path / "good.zip")
    data = z.read_bytes()
    z.write_bytes(data[: len(data) // 2])
    pkg, d = opened(z)
    assert pkg is None and d.codes() == ["csar-zip-invalid"]


# --------------------------------------------------------------------------------------
# Entry selection


def test_no_meta_single_root_tosca_file(tmp_path):
    z = make_zip(tmp_path / "a.zip", {"main.yaml": b"\xef\xbb\xbf" + TOSCA, "other.yml": b"a: 1\n",
                                      "Definitions/types.yaml": TOSCA})
    pkg, d = opened(z)
    assert pkg.entry == "main.yaml" and pkg.meta is None and list(d) == []


def test_no_meta_two_root_tosca_files(tmp_path):
    (tmp_path / "a.yaml").write_bytes(TOSCA)
    (tmp_path / "b.yml").write_bytes(TOSCA)
    pkg, d = opened(tmp_path)
    assert pkg is None
    (e,) = d.errors()
    assert e.code == "csar-no-entry" and "a.yaml, b.yml" in e.message and e.span.file == str(tmp_path)


def test_no_meta_no_tosca_file(tmp_path):
    (tmp_path / "values.yaml").write_text("replicas: 1\n")
    pkg, d = opened(tmp_path)
    assert pkg is None
    (e,) = d.errors()
    assert e.code == "csar-no-entry" and "values.yaml" in e.message


def test_manifest_found_by_entry_base_name(tmp_path):
    (tmp_path / "vnf.yaml").write_bytes(TOSCA)
    digest = hashlib.sha256(TOSCA).hexdigest()
    (tmp_path / "vnf.mf").write_text(f"Source: vnf.yaml\nAlgorithm: SHA-256\nHash: {digest}\n")
    pkg, d = opened(tmp_path)
    assert pkg.manifest_name == "vnf.mf" and list(d) == []


def test_entry_definitions_missing(tmp_path):
    pkg_dir = copy_good(tmp_path)
    (pkg_dir / "Definitions" / "main.yaml").unlink()
    pkg, d = opened(pkg_dir)
    assert pkg is None
    meta = f"{pkg_dir}/TOSCA-Metadata/TOSCA.meta"
    assert ("csar-entry-missing", meta, 4, 20) in errors(d)


def test_entry_definitions_outside_package(tmp_path):
    (tmp_path / "TOSCA-Metadata").mkdir()
    (tmp_path / "TOSCA-Metadata" / "TOSCA.meta").write_text("Entry-Definitions: ../x.yaml\n")
    pkg, d = opened(tmp_path)
    assert pkg is None
    (e,) = d.errors()
    assert e.code == "csar-entry-missing" and "outside the package" in e.message


def test_entry_name_case_hint(tmp_path):
    (tmp_path / "TOSCA-Metadata").mkdir()
    (tmp_path / "TOSCA-Metadata" / "TOSCA.meta").write_text("Entry-Definitions: Main.yaml\n")
    (tmp_path / "main.yaml").write_bytes(TOSCA)
    pkg, d = opened(tmp_path)
    (e,) = d.errors()
    assert e.hint == "names are case-sensitive: the package has 'main.yaml'"


def test_other_meta_entries_must_exist(tmp_path):
    pkg_dir = copy_good(tmp_path)
    (pkg_dir / "ChangeLog.txt").unlink()
    shutil.rmtree(pkg_dir / "Licenses")
    pkg, d = opened(pkg_dir)
    assert pkg is not None
    meta = f"{pkg_dir}/TOSCA-Metadata/TOSCA.meta"
    mf = f"{pkg_dir}/main.mf"
    assert errors(d) == [
        ("csar-entry-missing", meta, 6, 24),  # ETSI-Entry-Change-Log
        ("csar-entry-missing", meta, 7, 22),  # ETSI-Entry-Licenses (a folder)
        ("csar-entry-missing", mf, 15, 9),  # Source: ChangeLog.txt
        ("csar-entry-missing", mf, 27, 17),  # non-MANO Source: Licenses/LICENSE.txt
    ]


# --------------------------------------------------------------------------------------
# Digests


def test_changed_file_is_a_mismatch_at_both_hash_lines(tmp_path):
    pkg_dir = copy_good(tmp_path)
    with open(pkg_dir / "Files/kubernetes/deployment.yaml", "a") as fh:
        fh.write("# changed\n")
    pkg, d = opened(pkg_dir)
    assert pkg is not None
    assert errors(d) == [
        ("csar-hash-mismatch", f"{pkg_dir}/TOSCA-Metadata/TOSCA.meta", 12, 7),
        ("csar-hash-mismatch", f"{pkg_dir}/main.mf", 21, 7),
    ]
    e = d.errors()[1]
    assert (e.span.end_line, e.span.end_column) == (21, 7 + 64)
    assert "Files/kubernetes/deployment.yaml" in e.message


def test_changed_file_in_zip_is_a_mismatch(tmp_path):
    pkg_dir = copy_good(tmp_path)
    (pkg_dir / "Definitions/main.yaml").write_bytes(TOSCA)
    z = zip_dir(pkg_dir, tmp_path / "x.csar")
    pkg, d = opened(z)
    assert errors(d) == [("csar-hash-mismatch", f"{z}/main.mf", 13, 7)]


def write_pkg(root: Path, mf_lines: list[str], files: dict[str, bytes]) -> None:
    (root / "TOSCA-Metadata").mkdir(parents=True)
    (root / "TOSCA-Metadata/TOSCA.meta").write_text(
        "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: t\n"
        "Entry-Definitions: main.yaml\nETSI-Entry-Manifest: main.mf\n"
    )
    (root / "main.yaml").write_bytes(TOSCA)
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "main.mf").write_text("\n".join(mf_lines) + "\n")


@pytest.mark.parametrize("spelling", ["SHA-256", "sha256", "Sha-256", "SHA_256", "sha-256"])
def test_algorithm_spellings(tmp_path, spelling):
    digest = hashlib.sha256(TOSCA).hexdigest().upper()
    write_pkg(tmp_path, ["Source: main.yaml", f"Algorithm: {spelling}", f"Hash: {digest}"], {})
    pkg, d = opened(tmp_path)
    assert d.errors() == []


def test_unsupported_algorithms(tmp_path):
    write_pkg(tmp_path, [
        "Source: main.yaml", "Algorithm: MD5", "Hash: 00",  # 1-3
        "", "Source: a.txt", "Algorithm: SHA-224", "Hash: 00",  # 5-7: not in a manifest
        "", "Source: b.txt", "Algorithm:", "Hash: 00",  # 9-11: empty
    ], {"a.txt": b"a", "b.txt": b"b"})
    pkg, d = opened(tmp_path)
    mf = f"{tmp_path}/main.mf"
    assert errors(d) == [
        ("csar-hash-algorithm", mf, 2, 12),
        ("csar-hash-algorithm", mf, 6, 12),
        ("csar-hash-algorithm", mf, 10, 11),
    ]


def test_meta_accepts_sha224_and_flags_sha255(tmp_path):
    data = b"#!/bin/sh\n"
    (tmp_path / "TOSCA-Metadata").mkdir()
    (tmp_path / "s.sh").write_bytes(data)
    (tmp_path / "main.yaml").write_bytes(TOSCA)
    (tmp_path / "TOSCA-Metadata/TOSCA.meta").write_text(
        "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: t\nEntry-Definitions: main.yaml\n\n"
        f"Name: s.sh\nContent-Type: text/x-sh\nAlgorithm: sha-224\nHash: {hashlib.sha224(data).hexdigest()}\n\n"
        "Name: s.sh\nAlgorithm: SHA-255\nHash: 00\n"
    )
    pkg, d = opened(tmp_path)
    assert errors(d) == [("csar-hash-algorithm", f"{tmp_path}/TOSCA-Metadata/TOSCA.meta", 12, 12)]


def test_hash_that_is_not_a_digest(tmp_path):
    write_pkg(tmp_path, ["Source: main.yaml", "Algorithm: SHA-512", "Hash: <calculate here>"], {})
    pkg, d = opened(tmp_path)
    (e,) = d.errors()
    assert (e.code, e.span.line, e.span.column) == ("csar-hash-mismatch", 3, 7)
    assert "128 hex digits" in e.message


def test_missing_source_and_external_source(tmp_path):
    write_pkg(tmp_path, ["Source: Files/gone.img", "", "Source: http://example.com/x.img",
                         "Algorithm: SHA-256", "Hash: 00"], {})
    pkg, d = opened(tmp_path)
    assert errors(d) == [("csar-entry-missing", f"{tmp_path}/main.mf", 1, 9)]
    assert pkg.external_sources == ("http://example.com/x.img",)


def test_large_binary_artifact_is_hashed_as_a_stream(tmp_path):
    """An artifact larger than the text limit is fine: it is hashed, never loaded whole."""
    blob = os.urandom(300_000)
    digest = hashlib.sha256(blob).hexdigest()
    write_pkg(tmp_path / "p", ["Source: Files/images/disk.img", "Algorithm: SHA-256", f"Hash: {digest}"],
              {"Files/images/disk.img": blob})
    z = zip_dir(tmp_path / "p", tmp_path / "p.csar")
    pkg, d = opened(z, Limits(max_file_bytes=4096))
    assert list(d) == [], d.render_text()
    with pytest.raises(TooLarge):
        pkg.fs.read_bytes("Files/images/disk.img", 4096)


# --------------------------------------------------------------------------------------
# Zip safety


def hostile(tmp_path: Path, name: str, *, mode: int | None = None, twice: bool = False) -> Path:
    z = tmp_path / "hostile.csar"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(z, "w") as zf:
            zf.writestr("main.yaml", TOSCA)
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.create_system = 3
                info.external_attr = mode << 16
            zf.writestr(info, b"payload")
            if twice:
                zf.writestr(zipfile.ZipInfo(name), b"other payload")
    return z


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("/etc/passwd", "absolute path"),
        ("../evil.yaml", "'..' component"),
        ("Definitions/../../evil.yaml", "'..' component"),
        ("..\\evil.yaml", "backslash"),
        ("Definitions\\x.yaml", "backslash"),
        ("C:/evil.yaml", "absolute path"),
    ],
)
def test_unsafe_names_refuse_the_package(tmp_path, name, why):
    z = hostile(tmp_path, name)
    pkg, d = opened(z)
    assert pkg is None
    (e,) = d.errors()
    assert (e.code, e.span.file) == ("csar-zip-unsafe", str(z))
    assert repr(name) in e.message and why in e.message


def test_symlink_member_refuses_the_package(tmp_path):
    z = hostile(tmp_path, "Files/link", mode=stat.S_IFLNK | 0o777)
    pkg, d = opened(z)
    assert pkg is None
    (e,) = d.errors()
    assert e.code == "csar-zip-unsafe" and "'Files/link' is a symbolic link" in e.message


def test_duplicate_member_refuses_the_package(tmp_path):
    z = hostile(tmp_path, "Files/a.txt", twice=True)
    pkg, d = opened(z)
    assert pkg is None
    (e,) = d.errors()
    assert e.code == "csar-zip-unsafe" and "'Files/a.txt' appears twice" in e.message


def test_encrypted_member_is_invalid(tmp_path):
    z = make_zip(tmp_path / "e.zip", {"main.yaml": TOSCA})
    data = bytearray(z.read_bytes())
    # set the "encrypted" flag in the central directory record
    cd = data.rfind(b"PK\x01\x02")
    struct.pack_into("<H", data, cd + 8, struct.unpack_from("<H", data, cd + 8)[0] | 1)
    z.write_bytes(bytes(data))
    pkg, d = opened(z)
    assert pkg is None and d.codes() == ["csar-zip-invalid"]


def test_too_many_members_refused_before_parsing(tmp_path):
    # the member count limit is Limits.max_package_files (it was a module constant)
    z = make_zip(tmp_path / "many.zip", {"main.yaml": TOSCA})
    data = bytearray(z.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, eocd + 8, 65535, 65535)  # entries on disk, total
    z.write_bytes(bytes(data))
    pkg, d = opened(z, Limits(max_package_files=1000))
    assert pkg is None
    (e,) = d.errors()
    assert e.code == "csar-zip-bomb" and "65535 members" in e.message


def _write_zeros(zf: zipfile.ZipFile, name: str, size: int) -> None:
    chunk = bytes(1 << 20)
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as fh:
        left = size
        while left > 0:
            fh.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)


@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
def test_zip_bomb_descriptor_refused_quickly_with_little_memory(tmp_path):
    z = tmp_path / "bomb.csar"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("TOSCA-Metadata/TOSCA.meta", "Entry-Definitions: Definitions/main.yaml\n")
        _write_zeros(zf, "Definitions/main.yaml", 200 * 1024 * 1024)
    assert z.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    t0 = time.monotonic()
    pkg, d = opened(z)
    elapsed = time.monotonic() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert pkg is None
    (e,) = d.errors()
    assert e.code == "csar-zip-bomb" and "'Definitions/main.yaml'" in e.message
    assert elapsed < 2.0
    assert peak < 8 * 1024 * 1024


def test_zip_bomb_binary_ratio(tmp_path):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("main.yaml", TOSCA)
        _write_zeros(zf, "Files/images/disk.img", 8 * 1024 * 1024)
    pkg, d = opened(z, Limits(max_file_bytes=1024 * 1024))
    assert pkg is None
    (e,) = d.errors()
    assert e.code == "csar-zip-bomb" and "inflates" in e.message


@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
def test_zip_member_lying_about_its_size_is_a_bomb(tmp_path):
    """The declared size says 100 bytes; the data inflates to 5 MB.  The bounded read
    stops at the declared size, and the forensic check names it a bomb."""
    z = tmp_path / "liar.csar"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("TOSCA-Metadata/TOSCA.meta", b"Entry-Definitions: main.yaml\n" + bytes(5 * 1024 * 1024))
    data = bytearray(z.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 100)
    struct.pack_into("<I", data, central + 24, 100)
    z.write_bytes(bytes(data))
    t0 = time.monotonic()
    pkg, d = opened(z)
    assert time.monotonic() - t0 < 2.0
    assert pkg is None
    (e,) = d.errors()
    assert (e.code, e.span.file) == ("csar-zip-bomb", f"{z}/TOSCA-Metadata/TOSCA.meta")


def test_corrupt_member_is_invalid(tmp_path):
    z = tmp_path / "crc.csar"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("main.yaml", TOSCA)
    data = bytearray(z.read_bytes())
    at = data.find(b"tosca_definitions_version")
    data[at] = ord("T")  # same size, wrong CRC
    z.write_bytes(bytes(data))
    pkg, d = opened(z)
    # entry guessing skips the unreadable file, so nothing declares TOSCA
    assert pkg is None and d.codes() == ["csar-no-entry"]
    fs = ZipFS.from_path(str(z), Diagnostics())
    with pytest.raises(OSError):
        fs.read_bytes("main.yaml", 1000)


# --------------------------------------------------------------------------------------
# The corpus


def _corpus_inputs(corpus: Path) -> list[Path]:
    dirs = [corpus / line.strip() for line in (corpus / "CSAR_DIRS.txt").read_text().splitlines() if line.strip()]
    zips = sorted(p for p in corpus.rglob("*") if p.suffix in (".csar", ".zip") and p.is_file())
    return dirs + zips


def test_every_corpus_package_opens_without_exception_or_temp_files(corpus, tmp_path, monkeypatch):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    inputs = _corpus_inputs(corpus)
    assert len(inputs) >= 104 + 28
    results = {}
    for p in inputs:
        d = Diagnostics()
        pkg = open_input(str(p), d)
        results[p.relative_to(corpus).as_posix()] = (pkg, d)
        if pkg is not None:
            assert pkg.fs.exists(pkg.entry)
        if isinstance(getattr(pkg, "fs", None), ZipFS):
            pkg.fs.close()
    assert list(tmp.iterdir()) == []

    csar = "tosca-parser/samples/tests/data/CSAR/"
    pkg, d = results[csar + "csar_hello_world.zip"]
    assert pkg.entry == "tosca_helloworld.yaml" and d.errors() == []
    pkg, d = results[csar + "csar_root_level_yaml.zip"]
    assert pkg.entry == "root_level.yaml" and pkg.meta is None
    assert results[csar + "csar_not_zip.zip"][1].codes() == ["csar-zip-invalid"]
    assert "csar-no-entry" in results[csar + "csar_two_root_level_yaml.zip"][1].codes()
    assert "csar-meta-syntax" in results[csar + "csar_metadata_not_yaml.zip"][1].codes()
    assert "csar-meta-missing-key" in results[csar + "csar_missing_metadata.zip"][1].codes()
    pkg, d = results[csar + "csar_invalid_entry_def.zip"]
    assert pkg is None and d.codes() == ["csar-entry-missing"]
    tacker = "tacker/samples/tests/etc/samples/etsi/nfv/"
    pkg, d = results[tacker + "sample_vnf_package_csar_in_meta_and_manifest_false_algorithm"]
    # the entry is absent from the corpus copy, yet TOSCA.meta is still checked in full
    assert [(x.code, x.span.line, x.span.column) for x in d.errors()] == [
        ("csar-entry-missing", 4, 20),
        ("csar-entry-missing", 6, 7),
        ("csar-hash-algorithm", 8, 12),
    ]
    onap = "onap-vnfsdk-refrepo/vnfmarket-be/vnf-sdk-marketplace/src/test/resources/clearwater_ns.csar"
    pkg, d = results[onap]
    assert pkg.entry == "Definitions/openovnf__vCSCF.yaml" and pkg.kind == "zip"


def test_a_manifest_source_too_long_for_the_os_is_a_missing_entry(tmp_path):
    # fuzzer finding: a 300-character Source made Path.is_dir() raise ENAMETOOLONG and
    # the whole directory was refused as input-not-found, without a line
    (tmp_path / "TOSCA-Metadata").mkdir()
    (tmp_path / "TOSCA-Metadata" / "TOSCA.meta").write_text(
        "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: t\n"
        "Entry-Definitions: main.yaml\nETSI-Entry-Manifest: main.mf\n")
    (tmp_path / "main.yaml").write_bytes(TOSCA)
    (tmp_path / "main.mf").write_text("Source: " + "x" * 300 + "\n")
    pkg, d = opened(str(tmp_path))
    assert pkg is not None
    assert [(x.code, x.span.file.endswith("main.mf"), x.span.line, x.span.column) for x in d] == [
        ("csar-entry-missing", True, 1, 9)]
    assert DirFS(tmp_path).is_dir("x" * 300) is False and DirFS(tmp_path).is_dir("TOSCA-Metadata")
