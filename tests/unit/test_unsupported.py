"""One path and one code for what a back end or target cannot express
(``compiler.unsupported``): the message names the target and the construct, the retired
codes are aliases of it (``xfc codes``, SARIF ``deprecatedIds``, ``Diagnostics.add``), and
no emitter, target or bundler reports a loss any other way.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import compiler
from compiler import plugins, sarif
from compiler.codes import ALIASES, CODES, canonical
from compiler.diagnostics import Diagnostics, Severity, Span
from compiler.pipeline import Options
from compiler.unsupported import CODE, saturated, unsupported

REPO = Path(__file__).resolve().parents[2]
RETIRED = ("k8s-not-expressible", "policy-not-expressible", "emit-unsupported")
CASES = REPO / "tests" / "diagnostics" / "unsupported"


def test_the_message_names_the_target_then_the_construct() -> None:
    diags = Diagnostics()
    d = unsupported(diags, "kubernetes", "vdu", "'logical_node' of T has no Kubernetes "
                    "equivalent; x", Span("a.yaml", 3, 5), path="p", hint="h")
    assert (d.code, d.severity, d.message, d.path, d.hint) == (
        "unsupported", Severity.WARNING,
        "kubernetes: vdu: 'logical_node' of T has no Kubernetes equivalent; x", "p", "h")
    note = unsupported(diags, "policies", "the input", "nothing", severity=Severity.NOTE)
    assert note.severity == Severity.NOTE and note.code == CODE


@pytest.mark.parametrize("target, construct", [("", "vdu"), ("kubernetes", "")])
def test_a_loss_without_its_target_or_construct_is_a_bug(target: str, construct: str) -> None:
    with pytest.raises(ValueError):
        unsupported(Diagnostics(), target, construct, "why")


def test_the_retired_codes_are_aliases_and_no_codes_of_their_own() -> None:
    assert set(CODES[CODE].aliases) == set(RETIRED)
    for old in RETIRED:
        assert old not in CODES and ALIASES[old] == CODE and canonical(old) == CODE
    # a third party still adding under a retired code is recorded under the new one,
    # and counts towards its limit
    diags = Diagnostics(max_per_code=1)
    d = diags.add("k8s-not-expressible", "old caller", Span("a.yaml", 1, 1))
    assert d.code == CODE
    unsupported(diags, "osm", "step 1", "lost", Span("a.yaml", 2, 1))
    assert saturated(diags) and diags.saturated("policy-not-expressible")


def test_xfc_codes_finds_the_code_by_a_retired_name() -> None:
    out = subprocess.run([sys.executable, "-m", "compiler", "codes", "policy-not-expr"],
                         capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.startswith("unsupported ") and "formerly k8s-not-expressible" in out
    assert len(out.splitlines()) == 1


def test_the_sarif_rule_lists_the_retired_ids() -> None:
    rule = next(r for r in sarif.rules() if r["id"] == CODE)
    assert rule["deprecatedIds"] == list(RETIRED)
    assert all("deprecatedIds" not in r for r in sarif.rules() if r["id"] != CODE)


def test_no_module_reports_a_loss_under_a_code_of_its_own() -> None:
    """Every emitter, target and bundler goes through unsupported(): the retired codes
    appear in compiler/ only where they are registered as aliases."""
    allowed = {REPO / "compiler" / "codes.py", REPO / "compiler" / "unsupported.py"}
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "compiler").rglob("*.py")
                 if p not in allowed
                 and re.search("|".join(RETIRED), p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_loss_in_the_cases_names_a_target_or_back_end() -> None:
    """Each ``unsupported`` of the failing inputs starts with the name of a policy target
    or an emitter from the plugin tables (what the user passes to --target / --emit)."""
    names = set(plugins.names("target")) | set(plugins.names("emitter"))
    seen: set[str] = set()
    for case in sorted(CASES.glob("fail*.yaml")):
        if case.name.endswith(".options.yaml"):
            continue
        opts = CASES / (case.name[: -len(".yaml")] + ".options.yaml")
        options = Options()
        if opts.exists():
            import yaml

            extra = yaml.safe_load(opts.read_text(encoding="utf-8")) or {}
            if "targets" in extra:
                options = Options(targets=tuple(extra["targets"]))
        unit = compiler.compile(str(case), options=options)
        for d in unit.diagnostics:
            if d.code == CODE:
                head = d.message.split(":")[0]
                assert head in names, d.message
                seen.add(head)
    assert {"kubernetes", "policies", "osm"} <= seen  # onap, tacker: test_policies_emit
