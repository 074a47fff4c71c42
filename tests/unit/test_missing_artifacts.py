"""--allow-missing-artifacts: a package kept in a source tree without its binaries.

A missing binary named in TOSCA.meta or the manifest becomes a warning at its
declaration; files xfc reads (YAML/JSON) stay errors when missing; digests of present
files are still checked; a placeholder digest says what it found (docs/csar.md).
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

from compiler import check, cli
from compiler.diagnostics import Severity

TACKER = "tacker/samples/mgmt_driver/ansible/ansible_vnf_package"


def _tacker_copy(corpus: Path, tmp_path: Path) -> Path:
    pkg = tmp_path / "ansible_vnf_package"
    shutil.copytree(corpus / TACKER, pkg)
    # the package as kept in git: its VM image is not there
    image = pkg / "Files" / "images" / "cirros-0.5.2-x86_64-disk.img"
    if image.exists():
        image.unlink()
    return pkg


def test_tacker_package_without_its_image_compiles_with_the_flag(corpus, tmp_path):
    pkg = _tacker_copy(corpus, tmp_path)
    out = io.StringIO()
    assert cli.main(["check", str(pkg)], out=out) == 1
    assert "error[csar-entry-missing]" in out.getvalue()
    assert "cirros-0.5.2-x86_64-disk.img" in out.getvalue()

    outdir = tmp_path / "out"
    out = io.StringIO()
    rc = cli.main(["compile", str(pkg), "-o", str(outdir), "--allow-missing-artifacts"],
                  out=out)
    assert rc == 0, out.getvalue()
    text = out.getvalue()
    assert "warning[csar-entry-missing]" in text and "--allow-missing-artifacts" in text
    assert "TOSCA.meta:6:7" in text  # at its declaration
    assert any(outdir.rglob("*.yaml"))


def _package(tmp_path: Path, files: dict[str, bytes], blocks: str) -> Path:
    pkg = tmp_path / "pkg"
    (pkg / "TOSCA-Metadata").mkdir(parents=True)
    (pkg / "TOSCA-Metadata" / "TOSCA.meta").write_text(
        "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: t\n"
        "Entry-Definitions: Definitions/main.yaml\n\n" + blocks)
    (pkg / "Definitions").mkdir()
    (pkg / "Definitions" / "main.yaml").write_text(
        "tosca_definitions_version: tosca_simple_yaml_1_3\n")
    for name, data in files.items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_bytes(data)
    return pkg


def _diags(pkg: Path, allow: bool) -> list[tuple[str, str, int]]:
    unit = check(str(pkg), allow_missing_artifacts=allow)
    return [(d.code, d.severity.name, d.span.line) for d in unit.diagnostics
            if d.severity in (Severity.ERROR, Severity.WARNING)]


def test_only_binaries_are_let_through_and_present_hashes_still_checked(tmp_path):
    present = b"#!/bin/sh\necho hi\n"
    wrong = hashlib.sha256(b"something else").hexdigest()
    blocks = (
        "Name: Files/images/disk.qcow2\nContent-Type: application/x-qcow2\n"
        "Algorithm: SHA-256\nHash: <calculate here>\n\n"          # lines 6-9: missing binary
        "Name: Files/kubernetes/deployment.yaml\nContent-Type: text/yaml\n\n"  # 11: missing YAML
        "Name: Scripts/install.sh\nContent-Type: application/x-sh\n"
        f"Algorithm: SHA-256\nHash: {wrong}\n"                    # 14-17: present, wrong
    )
    pkg = _package(tmp_path, {"Scripts/install.sh": present}, blocks)
    assert _diags(pkg, allow=False) == [
        ("csar-entry-missing", "ERROR", 6), ("csar-hash-mismatch", "ERROR", 9),
        ("csar-entry-missing", "ERROR", 11), ("csar-hash-mismatch", "ERROR", 17)]
    assert _diags(pkg, allow=True) == [
        ("csar-entry-missing", "WARNING", 6), ("csar-hash-mismatch", "WARNING", 9),
        ("csar-entry-missing", "ERROR", 11), ("csar-hash-mismatch", "ERROR", 17)]


def test_a_placeholder_or_malformed_hash_says_what_it_found(tmp_path):
    blocks = ("Name: a.sh\nContent-Type: application/x-sh\nAlgorithm: SHA-256\n"
              "Hash: <caculate here>\n\n"
              "Name: b.sh\nContent-Type: application/x-sh\nAlgorithm: SHA-256\n"
              "Hash: 12ab\n\n"
              "Name: c.sh\nContent-Type: application/x-sh\nAlgorithm: SHA-256\n"
              f"Hash: {'g' * 64}\n")
    pkg = _package(tmp_path, {"a.sh": b"a", "b.sh": b"b", "c.sh": b"c"}, blocks)
    msgs = [d.message for d in check(str(pkg)).diagnostics if d.code == "csar-hash-mismatch"]
    assert msgs == [
        "'Hash' of 'a.sh' is the placeholder '<caculate here>', not a SHA-256 digest "
        "(64 hex digits expected)",
        "'Hash' of 'b.sh' is '12ab', 4 hex digits, not a SHA-256 digest "
        "(64 hex digits expected)",
        "'Hash' of 'c.sh' is 'gggggggggggggggggggggggg...', which has 'g', not a hex digit, "
        "not a SHA-256 digest (64 hex digits expected)",
    ]
    assert not any("None" in m for m in msgs)
