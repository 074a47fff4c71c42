"""Symbolic link loops as the entry, an import, and a manifest Source.

``Path.resolve`` raises RuntimeError on a loop (Python 3.11-3.12): exit 3.  A loop now
names no file, so each ends where a missing file would.
"""

from __future__ import annotations

import os

from tests.hostile import shapes
from tests.hostile.harness import assert_refused, run


def _loop(folder, a="loop.yaml", b="loop2.yaml"):
    os.symlink(b, folder / a)
    os.symlink(a, folder / b)


def test_a_symlink_loop_as_the_entry(tmp_path):
    _loop(tmp_path)
    d = assert_refused(run(["check", tmp_path / "loop.yaml"]), "input-not-found",
                       positioned=False)
    assert d["file"].endswith("loop.yaml") and "symbolic link" in d["message"]


def test_a_symlink_loop_as_the_entry_under_root(tmp_path):
    _loop(tmp_path)
    assert_refused(run(["check", tmp_path / "loop.yaml", "--root", tmp_path]),
                   "input-not-found", positioned=False)


def test_a_symlink_loop_as_an_import(tmp_path):
    _loop(tmp_path)
    main = tmp_path / "main.yaml"
    main.write_text(shapes.HEAD + "imports:\n  - loop.yaml\n")
    assert_refused(run(["check", main]), "import-unresolved", line=3)


def test_a_symlink_loop_as_a_manifest_source(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "TOSCA-Metadata").mkdir(parents=True)
    (pkg / "Definitions").mkdir()
    (pkg / "Files").mkdir()
    (pkg / "TOSCA-Metadata" / "TOSCA.meta").write_text(shapes.META + "ETSI-Entry-Manifest: main.mf\n")
    (pkg / "Definitions" / "main.yaml").write_text(shapes.HEAD)
    _loop(pkg / "Files", "a.bin", "b.bin")
    (pkg / "main.mf").write_text(
        "metadata:\n  vnf_provider_id: a\n  vnf_product_name: b\n"
        "  vnf_release_date_time: 2020-01-01T00:00:00+00:00\n  vnf_package_version: 1.0\n\n"
        "Source: Files/a.bin\n")
    assert_refused(run(["check", pkg]), "csar-entry-missing", file="main.mf", line=7)
