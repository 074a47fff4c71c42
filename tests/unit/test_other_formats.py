"""Clear words for other formats and slips: OSM/SOL006 descriptors are named as such;
a folder or file named almost TOSCA-Metadata/TOSCA.meta draws a "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import analyse as check  # the loader's words, not the back ends'

META = ("TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: t\n"
        "Entry-Definitions: main.yaml\n")
TOSCA = "tosca_definitions_version: tosca_simple_yaml_1_3\n"


def _diags(path: Path):
    return [(d.code, d.severity.name, d.message, d.hint) for d in check(str(path)).diagnostics]


@pytest.mark.parametrize("text, named", [
    ("vnfd:\n  id: hackfest\n  product-name: hackfest\n  df:\n    - id: default\n",
     "OSM SOL006 descriptor (top-level 'vnfd')"),
    ("nsd:\n  nsd:\n    - id: hackfest-ns\n", "OSM SOL006 descriptor (top-level 'nsd')"),
    ("etsi-nfv-vnfd:vnfd:\n  id: a\n", "ETSI SOL006 (YANG) descriptor ('etsi-nfv-vnfd:vnfd')"),
    ("vnfd:vnfd-catalog:\n  vnfd: []\n", "OSM information-model descriptor"),
])
def test_osm_descriptor_is_named(tmp_path: Path, text: str, named: str) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(text)
    ((code, sev, msg, hint),) = _diags(f)
    assert (code, sev) == ("tosca-version", "ERROR")
    assert named in msg and "not TOSCA" in msg
    assert "SOL001" in hint and "start it with" not in hint


def test_plain_yaml_without_version_keeps_the_old_hint(tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text("description: x\nnode_types: {}\n")
    ((code, _, msg, hint),) = _diags(f)
    assert code == "tosca-version" and "has no tosca_definitions_version" in msg
    assert "start it with" in hint


def test_osm_package_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "hackfest_vnfd.yaml").write_text("vnfd:\n  id: hackfest\n")
    ((code, _, msg, _),) = _diags(tmp_path)
    assert code == "csar-no-entry" and "OSM/ETSI SOL006 package" in msg
    assert "hackfest_vnfd.yaml" in msg


def test_misspelt_metadata_folder_and_file_draw_did_you_mean(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "TOSCA-metadate").mkdir(parents=True)
    (pkg / "TOSCA-metadate" / "TOSCA.meta").write_text(META)
    (pkg / "main.yaml").write_text(TOSCA)
    ((code, sev, msg, hint),) = _diags(pkg)
    assert (code, sev) == ("csar-meta-misnamed", "WARNING")
    assert "'TOSCA-metadate/'" in msg and "did you mean 'TOSCA-Metadata/'" in hint

    (pkg / "TOSCA-metadate").rename(pkg / "TOSCA-Metadata")
    (pkg / "TOSCA-Metadata" / "TOSCA.meta").rename(pkg / "TOSCA-Metadata" / "TOSCA.mets")
    ((code, _, msg, _),) = _diags(pkg)
    assert code == "csar-meta-misnamed" and "TOSCA-Metadata/TOSCA.mets" in msg

    (pkg / "TOSCA-Metadata" / "TOSCA.mets").rename(pkg / "TOSCA-Metadata" / "TOSCA.meta")
    assert _diags(pkg) == []
    # without TOSCA.meta, ordinary folders are no slip
    import shutil

    shutil.rmtree(pkg / "TOSCA-Metadata")
    for d in ("Tests", "Files", "TOSCA-Scripts", "Metadata"):
        (pkg / d).mkdir()
        (pkg / d / "t.txt").write_text("x")
    assert _diags(pkg) == []
