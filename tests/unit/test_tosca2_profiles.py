"""TOSCA 2.0 profiles (TOSCA 2.0 §6.7): every profile of the catalog imports and checks,
the catalog's community profiles are the published files, and the corpus's TOSCA 2.0
files check with exit 0 (docs/tosca-2.md, "Conformance")."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import compiler
from compiler.loader.catalog import PROFILES
from compiler.resources import profiles_dir
from tests.unit.tosca2_support import HEAD, check, codes

COMMUNITY = profiles_dir() / "tosca-community"


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_catalog_profile_imports_clean(tmp_path, name):
    unit = check(tmp_path, HEAD + f"imports:\n  - profile: {name}\n")
    assert codes(unit) == [], unit.diagnostics.render_text()


@pytest.mark.parametrize("path", sorted(p for p in PROFILES.values() if p))
def test_every_catalog_profile_file_is_shipped(path):
    assert (profiles_dir() / path).is_file()


def test_the_community_profiles_declare_the_names_they_are_found_by():
    for name, path in PROFILES.items():
        if path and path.startswith("tosca-community/"):
            text = (profiles_dir() / path).read_text()
            assert f"\nprofile: {name}\n" in text, name


def test_the_community_profiles_are_shipped_unchanged(corpus):
    src = corpus / "tosca-2.0-profiles" / "community" / "tosca"
    for shipped in sorted(COMMUNITY.rglob("profile.yaml")):
        rel = shipped.relative_to(COMMUNITY)
        assert hashlib.sha256(shipped.read_bytes()).digest() == \
            hashlib.sha256((src / rel).read_bytes()).digest(), rel
    assert (COMMUNITY / "LICENSE").read_bytes() == \
        (corpus / "tosca-2.0-profiles" / "LICENSE").read_bytes()


def _corpus_2_0(corpus: Path) -> list[Path]:
    out = []
    for p in sorted(corpus.rglob("*.y*ml")):
        try:
            head = p.read_text(encoding="utf-8", errors="replace")[:4000]
        except OSError:
            continue
        if "tosca_definitions_version: tosca_2_0" in head:
            out.append(p)
    return out


def test_the_corpus_tosca_2_0_files_check_clean(corpus):
    files = _corpus_2_0(corpus)
    assert len(files) == 15  # the simple profile's 9 files and the 6 community profiles
    failed = [str(p.relative_to(corpus)) for p in files if not compiler.check(str(p)).ok]
    assert failed == []
