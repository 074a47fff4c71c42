"""``xfc explain PATH --wiring NAME`` and the text behind it."""

from __future__ import annotations

import io
import json
from pathlib import Path

from compiler.cli import main
from compiler.emitters.policies.common import build_context
from compiler.emitters.policies.explain import explain
from tests.unit.policies_support import chain_unit

CHAIN = str(Path(__file__).resolve().parent / "policies_data" / "chain.yaml")


def test_explain_names_every_step_target_and_loss():
    ctx = build_context(chain_unit(targets=("kubernetes", "onap")))
    text = explain(ctx, "smf_to_upf")
    assert text.startswith("wiring smf_to_upf: smf -> upf, stickiness connection, chain core\n")
    assert ("step 2. reinstantiate: shut upf, smf down in the order smf, upf, then start them "
            "in the order upf, smf; escalates after 2m\n") in text
    assert "step 3. shutdown_chain: shut the whole chain core down in the order amf, smf, upf (terminal step)" in text
    assert ("  ONAP (Drools operational policy): operations SO VF Module Delete smf; SO VF Module "
            "Delete upf; SO VF Module Create upf; SO VF Module Create smf, each with timeout 120 s.") in text
    assert "  OSM (healing-aspect) (not chosen): nothing (OSM has no chain shutdown on failure)." in text
    # step 3 is the chain's shared policy: ONAP cannot hand its loop over (docs/policies.md)
    assert ("  ONAP (Drools operational policy): operations SO VF Module Delete amf; SO VF Module "
            "Delete smf; SO VF Module Delete upf, each with timeout 300 s, in "
            "operational.chain.chain.core.shutdown_chain-300s, shared by") in text
    assert ("must raise ControlLoop-chain-chain-core-shutdown_chain-300s") in text
    assert text.count("    lost: ") == 7  # ONAP 2, OSM 3, Tacker 2
    assert explain(ctx, "nope") is None


def test_explain_command(golden):
    out = io.StringIO()
    code = main(["explain", CHAIN, "--wiring", "smf_to_upf", "--target", "onap"], out=out)
    assert code == 0, out.getvalue()
    golden.check("policies/xfc-chain/explain-smf_to_upf.txt", out.getvalue())


def test_explain_command_json():
    out = io.StringIO()
    assert main(["explain", CHAIN, "--wiring", "amf_to_smf", "--format", "json"], out=out) == 0
    doc = json.loads(out.getvalue())
    assert doc["wiring"] == "amf_to_smf"
    assert "step 1. notify: amf, smf, upf learn(s) that the wiring failed, by an HTTP call to " \
           "/wiring-failed on port 8080" in doc["explanation"]


def test_explain_unknown_wiring_is_misuse(capsys):
    out = io.StringIO()
    assert main(["explain", CHAIN, "--wiring", "nope"], out=out) == 2
    err = capsys.readouterr().err + out.getvalue()
    assert "no wiring named 'nope'" in err and "amf_to_smf, smf_to_upf" in err
