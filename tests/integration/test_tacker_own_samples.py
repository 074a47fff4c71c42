"""Tacker's own code judges Tacker's own sample packages that break TOSCA 1.3 §3.8.13, and
xfc's verdict follows it (issue 21: the consumer's own code is the judge).

Each package is onboarded by Tacker 16.0.0's ``csar_utils.load_csar_data`` (the gate's
first stage, compiler/bundlers/_tacker_child.py) as it is in the corpus, or, for the
samples of Tacker's test suites, completed with the SOL001 type files exactly as Tacker's
own test harness completes them before upload (``tacker/tests/utils.py`` and
``tacker/tests/functional/sol_v2_common/utils.py`` copy ``../common/Definitions`` into
the package).  Where Tacker accepts, xfc accepts too, with the quirk's warning
(docs/quirks.md); the free5gc packages are refused by Tacker, but for other faults than the
mapping: with those alone removed Tacker onboards them, dangling mappings included.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from compiler import api
from compiler.bundlers import tacker_gate
from compiler.diagnostics import Severity
from compiler.pipeline import Options
from tests.support.tacker import tacker  # noqa: F401  (the fixture)

CORPUS = Path(os.environ.get("XFC_CORPUS", "/work/shared/corpus"))
SAMPLES = "tacker/samples"
V2 = f"{SAMPLES}/tests/functional/sol_v2_common"
ETSI = f"{SAMPLES}/tests/etc/samples/etsi/nfv"


def _corpus(rel: str) -> Path:
    path = CORPUS / rel
    if not path.exists():
        pytest.skip(f"corpus path {rel} is not at {CORPUS}")
    return path


def _package(tmp_path: Path, rel: str, common: str | None = None) -> Path:
    """A copy of the package; with ``common``, its files added to Definitions/ as Tacker's
    test harness adds them."""
    pkg = tmp_path / "pkg"
    shutil.copytree(_corpus(rel), pkg)
    if common:
        for f in sorted(_corpus(common).iterdir()):
            shutil.copy(f, pkg / "Definitions" / f.name)
    return pkg


def _xfc(rel: str, quirks: tuple[str, ...] = ("all",)):
    path = _corpus(rel)
    unit = api.check(api.CheckRequest(path=str(path), all_flavours=True, options=Options(
        root=str(CORPUS / "tacker"), quirks=quirks))).unit
    errors = [d for d in unit.diagnostics if d.severity >= Severity.ERROR]
    warned = sorted({d.message.split(":", 1)[0] for d in unit.diagnostics
                     if d.code == "tosca-quirk" and d.severity == Severity.WARNING})
    return errors, warned


# (id, package, the common type files Tacker's harness adds, the flavour file, the quirk)
ACCEPTED = [
    ("practical-df-scalable", f"{SAMPLES}/practical_vnf_package", None,
     "Definitions/Node.yaml", "substitution.missing-requirement"),
    ("v2-sample7-non-boot-volume", f"{V2}/userdata_standard_with_non_boot_volume/contents",
     f"{V2}/common/Definitions", "Definitions/v2_sample7_top.vnfd.yaml",
     "substitution.missing-node"),
    ("test-cnf-vdumap", f"{ETSI}/test_cnf", f"{ETSI}/common/Definitions",
     "Definitions/helloworld3_top.vnfd.yaml", "substitution.flavour-id-valid-values"),
]


@pytest.mark.parametrize("name,rel,common,entry,quirk", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_tacker_onboards_it_and_xfc_accepts_with_a_warning(tacker, tmp_path: Path, name: str,
                                                           rel: str, common: str | None,
                                                           entry: str, quirk: str) -> None:
    verdict = tacker_gate.judge(_package(tmp_path, rel, common), None)
    assert verdict is not None and verdict["ok"] is True, verdict
    assert verdict["stages"] == ["onboard"]
    errors, warned = _xfc(f"{rel}/{entry}")
    assert not errors, [e.message for e in errors]
    assert warned == [f"quirk {quirk}"]
    errors, _ = _xfc(f"{rel}/{entry}", ("all", f"-{quirk}"))
    assert errors, f"without {quirk} the package is refused by the letter of the spec"


FREE5GC = [f"{SAMPLES}/free5gc/vnf/sample_free5gc_vnf_package",
           f"{SAMPLES}/free5gc/vnf/change_ext_conn"]


@pytest.mark.parametrize("rel", FREE5GC, ids=["free5gc-package", "free5gc-change-ext-conn"])
def test_free5gc_tacker_refuses_for_another_fault_not_the_mapping(tacker, tmp_path: Path,
                                                                  rel: str) -> None:
    pkg = _package(tmp_path, rel)
    verdict = tacker_gate.judge(pkg, None)
    assert verdict is not None and verdict["ok"] is False and verdict["stage"] == "onboard"
    # tosca-parser 2.15 in Tacker: the VNF type's requirement virtual_link_internal has the
    # default occurrences [1, 1] and the VNF template leaves it unassigned
    assert ('Relationship "virtual_link_internal" in template "VNF" has a wrong number of '
            "occurrences") in verdict["error"]
    # that fault alone removed, Tacker next stops at the scripts the corpus copy lacks;
    # with the TOSCA.meta entries of those scripts removed too, it onboards the package:
    # its dangling requirement mappings (free5gc_amf_CP ...) are accepted by Tacker's code
    types = pkg / "Definitions" / "sample_free5gc_types.yaml"
    text = types.read_text(encoding="utf-8")
    link = "capability: tosca.capabilities.nfv.VirtualLinkable\n"
    assert text.count(link) == 1
    types.write_text(text.replace(link, link + "          occurrences: [0, 1]\n"),
                     encoding="utf-8")
    meta = pkg / "TOSCA-Metadata" / "TOSCA.meta"
    meta.write_text(meta.read_text(encoding="utf-8").split("\n\n")[0] + "\n", encoding="utf-8")
    verdict = tacker_gate.judge(pkg, None)
    assert verdict is not None and verdict["ok"] is True, verdict
    flavour = f"{rel}/Definitions/sample_free5gc_df_simple.yaml"
    errors, warned = _xfc(flavour)
    assert not errors, [e.message for e in errors]
    assert warned == ["quirk substitution.missing-node"]
