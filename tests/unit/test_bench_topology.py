"""bench/gen_topology.py writes exactly N node templates that tosca-parser accepts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import gen_topology  # noqa: E402


@pytest.mark.parametrize("n", [5, 6, 7, 8, 41, 1000])
def test_exact_node_count_and_kinds(n: int) -> None:
    doc = yaml.safe_load(gen_topology.topology(n))
    nodes = doc["topology_template"]["node_templates"]
    assert len(nodes) == n
    kinds = {t["type"] for t in nodes.values()}
    assert kinds == {"tosca.nodes.nfv.Vdu.Compute", "tosca.nodes.nfv.Vdu.VirtualBlockStorage",
                     "tosca.nodes.nfv.VduCp", "tosca.nodes.nfv.VnfVirtualLink"}
    assert doc["tosca_definitions_version"] == "tosca_simple_yaml_1_3"
    # every requirement names an existing node template
    for tpl in nodes.values():
        for req in tpl.get("requirements", []):
            ((_, target),) = req.items()
            assert target in nodes
    assert len(doc["topology_template"]["policies"]) == 6


def test_too_small_is_refused() -> None:
    with pytest.raises(ValueError):
        gen_topology.topology(4)


def test_tosca_parser_accepts_it(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XFC_SHARED", str(corpus.parent))
    path = gen_topology.generate(41, tmp_path / "t")
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "etsi_nfv_sol001_common_types.yaml", "etsi_nfv_sol001_vnfd_types.yaml", "vnfd.yaml"]
    from toscaparser.tosca_template import ToscaTemplate

    tpl = ToscaTemplate(str(path))
    assert len(tpl.nodetemplates) == 41
    assert len(tpl.policies) == 6
