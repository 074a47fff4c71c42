"""Bare-name SOL001 imports (issue 21 item 4): the user's --profile-path first, else the
version the descriptor declares, else an error naming the catalog's versions and the flag;
a note always says which version was read and why.  Never a version xfc picks."""

from __future__ import annotations

from pathlib import Path

from compiler import check
from compiler.diagnostics import Severity
from compiler.resources import profiles_dir

HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"
BARE = "  - etsi_nfv_sol001_common_types.yaml\n  - etsi_nfv_sol001_vnfd_types.yaml\n"
FORGE = "https://forge.etsi.org/rep/nfv/SOL001/raw/v{v}/etsi_nfv_sol001_common_types.yaml"


def _write(tmp_path: Path, text: str, name: str = "vnfd.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _read_versions(unit) -> set[str]:
    """The catalog versions whose SOL001 files were read."""
    return {part for d in unit.diagnostics for part in d.message.split()
            if d.code == "import-version"} & {"2.6.1", "2.7.1", "3.3.1", "4.4.1"}


def _notes(unit) -> list[str]:
    return [d.message for d in unit.diagnostics if d.code == "import-version"]


def test_nothing_declared_is_an_error_naming_the_versions_and_the_flag(tmp_path):
    unit = check(str(_write(tmp_path, HEAD + "imports:\n" + BARE)))
    errs = [d for d in unit.diagnostics if d.severity >= Severity.ERROR]
    assert [(d.code, d.span.line) for d in errs] == [("import-unresolved", 3),
                                                     ("import-unresolved", 4)]
    assert "declares a SOL001 version" in errs[0].message
    assert "2.6.1, 2.7.1, 3.3.1, 4.4.1" in errs[0].hint and "--profile-path" in errs[0].hint
    # one cause: no type errors follow from the unread files
    assert not any(d.code.startswith("tosca-") for d in errs)


def test_a_sibling_forge_import_declares_the_version(tmp_path):
    text = HEAD + "imports:\n  - " + FORGE.format(v="4.4.1") + \
        "\n  - etsi_nfv_sol001_vnfd_types.yaml\n"
    unit = check(str(_write(tmp_path, text)))
    assert unit.ok, unit.diagnostics.render_text()
    [note] = _notes(unit)
    assert "read as SOL001 4.4.1" in note and "forge URL" in note
    assert any("etsi-nfv-sol001/4.4.1/etsi_nfv_sol001_vnfd_types.yaml" in n for n in
               unit.diagnostics.sources)


def test_a_shipped_sol001_file_declares_the_version_by_its_metadata(tmp_path):
    shipped = (profiles_dir() / "etsi-nfv-sol001" / "3.3.1" /
               "etsi_nfv_sol001_common_types.yaml").read_text(encoding="utf-8")
    _write(tmp_path, shipped, "etsi_nfv_sol001_common_types.yaml")
    unit = check(str(_write(tmp_path, HEAD + "imports:\n" + BARE)))
    assert unit.ok, unit.diagnostics.render_text()
    [note] = _notes(unit)
    assert "'etsi_nfv_sol001_vnfd_types.yaml' read as SOL001 3.3.1" in note


def test_tacker_vnfm_info_means_the_files_tacker_supplies(tmp_path):
    # as Tacker's samples write it: a derived VNF type whose vnfm_info defaults to Tacker
    text = HEAD + "imports:\n" + BARE + """\
node_types:
  company.SampleVNF:
    derived_from: tosca.nodes.nfv.VNF
    properties:
      vnfm_info:
        type: list
        entry_schema: { type: string, constraints: [ valid_values: [ Tacker ] ] }
        default: [ Tacker ]
topology_template:
  node_templates:
    VNF:
      type: company.SampleVNF
      properties:
        descriptor_id: b1bb0ce7-ebca-4fa7-95ed-4840d70a1177
        descriptor_version: "1.0"
        provider: Company
        product_name: Sample VNF
        software_version: "1.0"
        product_info_name: Sample VNF
        flavour_id: simple
        flavour_description: A simple flavour
"""
    unit = check(str(_write(tmp_path, text)))
    assert unit.ok, unit.diagnostics.render_text()
    notes = _notes(unit)
    assert len(notes) == 2 and all("SOL001 2.6.1" in n and "Tacker" in n for n in notes)


def test_profile_path_is_the_users_choice_first_match(tmp_path):
    mine = tmp_path / "mine"
    first = profiles_dir() / "etsi-nfv-sol001" / "2.7.1"
    for name in ("etsi_nfv_sol001_common_types.yaml", "etsi_nfv_sol001_vnfd_types.yaml"):
        _write(mine, (first / name).read_text(encoding="utf-8"), name)
    # even beside a forge import declaring 4.4.1, the user's directory wins for bare names
    text = HEAD + "imports:\n  - etsi_nfv_sol001_vnfd_types.yaml\n"
    unit = check(str(_write(tmp_path / "d", text)), profile_paths=(str(mine),))
    assert unit.ok, unit.diagnostics.render_text()
    [note] = _notes(unit)
    assert str(mine) in note and "first match" in note
