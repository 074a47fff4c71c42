"""The TOSCA.meta and SOL004 manifest grammars (compiler.loader.manifest): good files from
the corpus parse, and every kind of error lands at its exact line and column."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from compiler.diagnostics import Diagnostics, Severity
from compiler.loader.manifest import parse_manifest, parse_tosca_meta

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csar"


def meta(text: str) -> tuple[object, Diagnostics]:
    d = Diagnostics()
    return parse_tosca_meta(text, "T.meta", d), d


def mf(text: str) -> tuple[object, Diagnostics]:
    d = Diagnostics()
    return parse_manifest(text, "M.mf", d), d


def where(d: Diagnostics, code: str) -> list[tuple[int, int]]:
    return [(x.span.line, x.span.column) for x in d if x.code == code]


# --------------------------------------------------------------------------------------
# TOSCA.meta


def test_meta_fixture_parses_with_spans():
    text = (FIXTURES / "good" / "TOSCA-Metadata" / "TOSCA.meta").read_text()
    m, d = meta(text)
    assert list(d) == []
    assert m.as_dict() == {
        "TOSCA-Meta-File-Version": "1.0",
        "CSAR-Version": "1.1",
        "Created-By": "xfc tests",
        "Entry-Definitions": "Definitions/main.yaml",
        "ETSI-Entry-Manifest": "main.mf",
        "ETSI-Entry-Change-Log": "ChangeLog.txt",
        "ETSI-Entry-Licenses": "Licenses",
    }
    ed = m.get("Entry-Definitions")
    assert (ed.span.line, ed.span.column, ed.value_span.column, ed.value_span.end_column) == (4, 1, 20, 41)
    (block,) = m.files
    assert block.name == "Files/kubernetes/deployment.yaml"
    assert block.get("Algorithm").value == "SHA-256"
    assert block.get("Hash").value_span.line == 12
    assert block.get("Hash").value_span.column == 7


def test_meta_values_keep_colons_and_spaces():
    m, d = meta("Entry-Definitions: a.yaml\nCreated-By: Acme: Lab 1 (c) \n")
    assert m.get("Created-By").value == "Acme: Lab 1 (c)"
    assert d.errors() == []


def test_meta_tolerates_crlf_trailing_blanks_no_final_newline_and_blank_runs():
    text = "Entry-Definitions: a.yaml  \r\nCSAR-Version: 1.1\r\n\r\n   \r\n\r\nName: x\r\nContent-Type: t"
    m, d = meta(text)
    assert d.errors() == []
    assert m.get("Entry-Definitions").value == "a.yaml"
    assert m.files[0].name == "x"
    assert m.files[0].get("Content-Type").span.line == 7


def test_meta_leading_blank_line_is_accepted():
    m, d = meta("\nEntry-Definitions: a.yaml\n")
    assert m.get("Entry-Definitions").span.line == 2


def test_meta_legacy_created_by_is_a_quirk_note():
    m, d = meta("Created-by: me\nEntry-Definitions: a.yaml\n\nName: x\nContent-type: y\n")
    assert m.get("Created-By").value == "me"
    assert m.files[0].get("Content-Type").value == "y"
    notes = [(x.span.line, x.span.column, x.severity) for x in d if x.code == "tosca-quirk"]
    assert notes == [(1, 1, Severity.NOTE), (5, 1, Severity.NOTE)]


def test_meta_syntax_error_comma_instead_of_colon():
    m, d = meta("TOSCA-Meta-File-Version, 1.0\nEntry-Definitions: a.yaml\n")
    assert m is None
    (e,) = d.errors()
    assert e.code == "csar-meta-syntax"
    assert (e.span.line, e.span.column) == (1, 24)
    assert "expected ':'" in e.message


def test_meta_syntax_error_indented_line():
    m, d = meta("Entry-Definitions: a.yaml\n  CSAR-Version: 1.1\n")
    assert m is None
    assert where(d, "csar-meta-syntax") == [(2, 1)]
    (e,) = d.errors()
    assert "a key" in e.message and "not indented" in e.hint


def test_meta_comments_are_syntax_errors():
    m, d = meta("Entry-Definitions: a.yaml\n# a comment\n")
    assert m is None
    (e,) = d.errors()
    assert (e.code, e.span.line, e.span.column) == ("csar-meta-syntax", 2, 1)
    assert "no comments" in e.hint


def test_meta_line_without_colon_at_end_of_file():
    m, d = meta("Entry-Definitions: a.yaml\nCSAR-Version")
    assert m is None
    (e,) = d.errors()
    assert (e.code, e.span.line, e.span.column) == ("csar-meta-syntax", 2, 13)


def test_meta_empty_file():
    m, d = meta("  \n\n")
    assert m is None
    assert where(d, "csar-meta-syntax") == [(1, 1)]


def test_meta_unknown_key_warns_with_suggestion_and_missing_entry_is_error():
    m, d = meta("TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: x\nEntry-Definition: a.yaml\n")
    assert m is None
    unknown = [x for x in d if x.code == "csar-meta-unknown-key"]
    assert [(x.span.line, x.span.column, x.severity) for x in unknown] == [(4, 1, Severity.WARNING)]
    assert unknown[0].hint == "did you mean 'Entry-Definitions'?"
    missing = [x for x in d if x.code == "csar-meta-missing-key"]
    assert [(x.span.line, x.severity) for x in missing] == [(1, Severity.ERROR)]


def test_meta_sdc_required_keys_are_warnings():
    m, d = meta("Entry-Definitions: a.yaml\n")
    assert m is not None
    missing = sorted(x.message for x in d if x.code == "csar-meta-missing-key")
    assert missing == [
        "TOSCA.meta block 0 has no 'CSAR-Version'",
        "TOSCA.meta block 0 has no 'Created-By'",
        "TOSCA.meta block 0 has no 'TOSCA-Meta-File-Version'",
    ]
    assert all(x.severity == Severity.WARNING for x in d)


def test_meta_empty_entry_definitions():
    m, d = meta("Entry-Definitions:\n")
    assert m is None
    (e,) = d.errors()
    assert (e.code, e.span.line, e.span.column) == ("csar-meta-missing-key", 1, 19)
    assert e.message == "'Entry-Definitions' has no value"


def test_meta_duplicate_key():
    m, d = meta("Entry-Definitions: a.yaml\nCSAR-Version: 1.1\nEntry-Definitions: b.yaml\n")
    assert where(d, "csar-meta-syntax") == [(3, 1)]
    assert m.get("Entry-Definitions").value == "a.yaml"


def test_meta_other_definitions_may_repeat():
    m, d = meta("Entry-Definitions: a.yaml\nOther-Definitions: b.yaml\nOther-Definitions: c.yaml\n")
    assert [f.value for f in m.get_all("Other-Definitions")] == ["b.yaml", "c.yaml"]
    assert d.errors() == []


def test_meta_file_block_checks():
    text = (
        "Entry-Definitions: a.yaml\n"
        "\n"
        "Content-Type: x\n"  # 3: no Name
        "\n"
        "Name: f\n"
        "Algorithm: SHA-256\n"  # 6: no Hash
        "\n"
        "Name: g\n"
        "Hash: 00\n"  # 9: no Algorithm
        "Size: 3\n"  # 10: unknown
    )
    m, d = meta(text)
    errors = [(x.code, x.span.line, x.span.column) for x in d.errors()]
    assert errors == [
        ("csar-meta-missing-key", 3, 1),
        ("csar-meta-missing-key", 6, 1),
        ("csar-meta-missing-key", 9, 1),
    ]
    assert where(d, "csar-meta-unknown-key") == [(10, 1)]
    assert len(m.files) == 3


def test_meta_block0_key_after_blank_line_gets_a_hint():
    m, d = meta("CSAR-Version: 1.1\n\nEntry-Definitions: a.yaml\n")
    assert m is None
    (u,) = [x for x in d if x.code == "csar-meta-unknown-key"]
    assert (u.span.line, u.span.column) == (3, 1)
    assert "block 0 ends at the first blank line" in u.hint


def test_every_corpus_tosca_meta_parses(corpus: Path):
    index = (corpus / "INDEX.tsv").read_text().splitlines()
    paths = [line.split("\t")[0] for line in index[1:] if line.split("\t")[2] == "tosca-meta"]
    assert len(paths) >= 100
    for rel in paths:
        d = Diagnostics()
        parse_tosca_meta((corpus / rel).read_text(), rel, d)
        assert "csar-meta-syntax" not in d.codes(), (rel, d.render_text())


# --------------------------------------------------------------------------------------
# Manifest


def test_manifest_fixture_parses():
    m, d = mf((FIXTURES / "good" / "main.mf").read_text())
    assert list(d) == []
    assert m.metadata_style == "header"
    assert list(m.metadata_dict()) == [
        "vnf_provider_id",
        "vnf_product_name",
        "vnf_release_date_time",
        "vnf_package_version",
    ]
    assert m.metadata_dict()["vnf_release_date_time"] == "2025-01-01T10:00:00+00:00"
    assert [s.path for s in m.sources] == [
        "TOSCA-Metadata/TOSCA.meta",
        "Definitions/main.yaml",
        "ChangeLog.txt",
        "Files/kubernetes/deployment.yaml",
        "https://example.com/images/web.qcow2",
    ]
    assert [s.external for s in m.sources] == [False, False, False, False, True]
    s = m.sources[3]
    assert (s.span.line, s.algorithm.value, s.hash.value_span.line, s.hash.value_span.column) == (
        19, "SHA-256", 21, 7,
    )
    (nm,) = m.non_mano_sets
    assert nm.set_id == "onap_others" and nm.span.line == 26
    assert [(x.path, x.set_id, x.span.line, x.span.column) for x in nm.sources] == [
        ("Licenses/LICENSE.txt", "onap_others", 27, 9)
    ]
    assert not m.signed


def test_manifest_osmclient_flat_metadata_and_cms():
    text = (
        "vnfd_id: chain\n"
        "vnfd_product_name: chain\n"
        "compatible_specification_versions: 2.7.1\n"
        "vnfm_info: OSM\n"
        "\n"
        "Source: Definitions/a.yaml\n"
        "Algorithm: SHA-512\n"
        "Hash: 00\n"
        "Signature: Files/a.sig\n"
        "Certificate: Files/a.cert\n"
        "-----BEGIN CMS-----\n"
        "MIIBase64==\n"
        "-----END CMS-----\n"
    )
    m, d = mf(text)
    assert d.errors() == []
    assert m.metadata_style == "flat"
    assert m.metadata_dict()["vnfm_info"] == "OSM"
    (s,) = m.sources
    assert s.signature.value == "Files/a.sig" and s.certificate.span.line == 10
    assert m.signed and (m.cms_span.line, m.cms_span.end_line) == (11, 13)


def test_manifest_without_metadata_tacker_style_and_crlf():
    m, d = mf("Source: a\r\nAlgorithm: SHA-256\r\nHash: 00\r\n\r\nSource: b")
    assert d.errors() == []
    assert m.metadata_style == "none"
    assert [s.path for s in m.sources] == ["a", "b"]


def test_manifest_hash_before_algorithm():
    m, d = mf("Source: a\nHash: 00\nAlgorithm: SHA-256\n")
    assert m is None
    (e,) = d.errors()
    assert (e.code, e.span.line, e.span.column) == ("csar-manifest-syntax", 2, 1)
    assert "'Algorithm:'" in e.message
    assert e.hint.startswith("Algorithm must come before Hash")


def test_manifest_algorithm_without_source():
    m, d = mf("metadata:\n    a: b\n\nAlgorithm: SHA-256\n")
    assert m is None
    assert where(d, "csar-manifest-syntax") == [(4, 1)]


def test_manifest_metadata_header_with_value():
    m, d = mf("metadata: x\n")
    assert m is None
    assert where(d, "csar-manifest-syntax") == [(1, 10)]


def test_manifest_text_after_cms():
    m, d = mf("Source: a\n-----BEGIN CMS-----\nxx\n-----END CMS-----\nSource: b\n")
    assert m is None
    assert where(d, "csar-manifest-syntax") == [(5, 1)]


def test_manifest_unterminated_cms():
    m, d = mf("Source: a\n-----BEGIN CMS-----\nxx\n")
    assert m is None
    assert where(d, "csar-manifest-syntax") == [(2, 1)]


def test_manifest_lowercase_keywords_are_one_quirk_note_each():
    m, d = mf("metadata:\r\n    a: b\r\n\r\nsource: x.yaml\r\n\r\nsource: y.yaml\r\n")
    assert [s.path for s in m.sources] == ["x.yaml", "y.yaml"]
    notes = [(x.code, x.span.line, x.span.column, x.message) for x in d]
    assert notes == [
        ("tosca-quirk", 4, 1, "quirk csar.manifest-key-case: 'source' read as 'Source' (2 times)")
    ]


def test_manifest_duplicate_metadata_key_and_duplicate_source():
    m, d = mf("metadata:\n    a: 1\n    a: 2\nSource: x\nSource: x\n")
    assert where(d, "csar-manifest-syntax") == [(3, 5), (5, 1)]
    sev = {x.span.line: x.severity for x in d}
    assert sev == {3: Severity.ERROR, 5: Severity.WARNING}


def test_manifest_non_mano_structure_errors():
    text = (
        "non_mano_artifact_sets:\n"
        "    Source: orphan\n"  # 2: before any set id
        "    onap_ves_events:\n"
        "    Source: shallow\n"  # 4: not deeper than the set id
        "    onap_ves_events:\n"  # 5: set given twice
        "        Source: ok\n"
        "non_mano_artifact_sets:\n"  # 7: second block
    )
    m, d = mf(text)
    assert where(d, "csar-manifest-syntax") == [(2, 5), (4, 5), (5, 5), (7, 1)]
    assert [st.set_id for st in m.non_mano_sets] == ["onap_ves_events", "onap_ves_events"]


def test_manifest_source_without_value():
    m, d = mf("Source:\n")
    assert where(d, "csar-manifest-syntax") == [(1, 8)]


def test_every_corpus_manifest_parses(corpus: Path):
    index = (corpus / "INDEX.tsv").read_text().splitlines()
    paths = [line.split("\t")[0] for line in index[1:] if line.split("\t")[2] == "manifest"]
    assert len(paths) >= 10
    for rel in paths:
        d = Diagnostics()
        m = parse_manifest((corpus / rel).read_text(), rel, d)
        assert m is not None and d.errors() == [], (rel, d.render_text())
        assert m.sources


def test_onap_vnfsdk_manifest_in_zip_parses(corpus: Path):
    path = corpus / "onap-vnfsdk-refrepo/vnfmarket-be/vnf-sdk-marketplace/src/test/resources/clearwater_ns.csar"
    if not path.exists():
        pytest.skip("clearwater_ns.csar not in the corpus")
    text = zipfile.ZipFile(path).read("MainServiceTemplate.mf").decode()
    d = Diagnostics()
    m = parse_manifest(text, "MainServiceTemplate.mf", d)
    assert d.errors() == []
    assert m.metadata_style == "header"
    assert m.metadata_dict()["vnf_provider_id"] == "ZTE"
    assert len(m.sources) == 28
    assert d.codes() == ["tosca-quirk"]
