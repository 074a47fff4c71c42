"""NetworkPolicy objects (issue 9 item 4): deny ingress by default to every generated pod,
allow along each wiring and backing-service use on the target's declared ports; an option
leaves them out.  Every object is validated strictly (tests/support/validators.py)."""

from __future__ import annotations

import io
from pathlib import Path

import yaml

from compiler import compile as compile_
from compiler.pipeline import Options
from tests.support.validators import validate_object

REPO = Path(__file__).resolve().parents[2]
SLICE = REPO / "samples" / "5g-core-slice" / "slice.yaml"


def _policies(**opts):
    unit = compile_(str(SLICE), Options(emitters=("kubernetes",), **opts))
    assert unit.ok
    out = {}
    for f in unit.outputs:
        obj = yaml.safe_load(f.content)
        assert validate_object(obj) == [], f.path
        if obj["kind"] == "NetworkPolicy":
            out[obj["metadata"]["name"]] = obj["spec"]
    return unit, out


def _peers(spec) -> dict[str, list]:
    """source workload name (or '*' for anywhere) -> ports [(port, protocol)]."""
    out: dict[str, list] = {}
    for rule in spec.get("ingress", []):
        ports = [(p["port"], p["protocol"]) for p in rule.get("ports", [])]
        for peer in rule.get("from", [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "*"}}}]):
            out[peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]] = ports
    return out


def test_every_generated_workload_denies_ingress_by_default():
    unit, pols = _policies()
    workloads = {yaml.safe_load(f.content)["metadata"]["name"] for f in unit.outputs
                 if "/deployment-" in f.path or "/statefulset-" in f.path}
    assert set(pols) == workloads
    for name, spec in pols.items():
        assert spec["policyTypes"] == ["Ingress"]
        assert spec["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == name


def test_allowed_along_wirings_and_uses_on_the_declared_ports():
    _, pols = _policies()
    # wirings: smf -> upf (N4), amf -> smf (N11), amf -> udm (N8), udm -> udr (N35)
    assert _peers(pols["upf"]) == {"smf": [(2152, "UDP"), (8805, "UDP")]}
    assert _peers(pols["smf"]) == {"amf": [(8080, "TCP"), (8805, "UDP")]}
    assert _peers(pols["udm"]) == {"amf": [(8080, "TCP"), (9090, "TCP")]}
    # udr is the target of n35 and uses subscriber-db
    assert _peers(pols["udr"]) == {"udm": [(8080, "TCP")]}
    # backing-service uses
    assert _peers(pols["session-store"]) == {"amf": [(6379, "TCP")], "smf": [(6379, "TCP")]}
    assert _peers(pols["subscriber-db"]) == {"udm": [(5432, "TCP")], "udr": [(5432, "TCP")]}
    # amf: nothing inside the slice reaches it, so it is an entry point (NGAP from the RAN)
    assert _peers(pols["amf"]) == {"*": [(8080, "TCP"), (38412, "SCTP")]}


def test_option_and_flag_leave_them_out(tmp_path):
    _, pols = _policies(network_policies=False)
    assert pols == {}
    from compiler.cli import main

    out = tmp_path / "out"
    code = main(["compile", str(SLICE), "-o", str(out), "--no-network-policies", "--quiet"], io.StringIO())
    assert code == 0
    assert not list((out / "kubernetes").glob("networkpolicy-*.yaml"))
    assert list((out / "kubernetes").glob("deployment-*.yaml"))
