"""The SOL001 v3.3.1 examples in the corpus load clean; so do our 4.4.1 and 2.6.1 samples.

(The corpus has no third-party descriptor using the 4.4.1 container types — SOURCES.md —
so the 4.4.1 container VNFD sample stands in for them.)
"""

from pathlib import Path

import pytest

import compiler

REPO = Path(__file__).resolve().parents[2]
V331 = "cloudnet-tosca-toolbox/examples/TOSCA_1.3_NFV_Topology"


@pytest.mark.parametrize("name", ["TopologyVNFD.yaml", "TopologyNSD.yaml"])
def test_sol001_3_3_1_examples_load_clean(corpus, name):
    result = compiler.analyse(str(corpus / V331 / name))  # the front end: "load clean"
    assert result.ok, result.diagnostics.render_text()
    assert result.topology is not None and result.topology.nodes
    # the example imports the 3.3.1 type files it ships beside itself
    assert any("etsi_nfv_sol001_vnfd_types.yaml" in f.name for f in result.package.files)


@pytest.mark.parametrize("sample", ["samples/sol001-v4-container-vnf/vnfd.yaml",
                                    "samples/sol001-firewall-chain"])
def test_sol001_samples_load_clean(sample):
    result = compiler.analyse(str(REPO / sample))  # the front end: "load clean"
    assert result.ok and not [d for d in result.diagnostics if str(d.severity) != "note"], \
        result.diagnostics.render_text()
