"""The checks: X-factor rules run on a normalised, graphed compilation.

Phase: check.  Input: a :class:`compiler.pipeline.Compilation` whose ``topology``,
``xmodel`` and ``plan`` are set.  Output: diagnostics only.

Every rule is a function ``rule(unit, diags) -> None`` listed with its code in
:data:`RULES` (sqlglot-style tuple of functions), in the order of the spec's table
(xfactor-profile.md §4).  Rules never raise on odd input; an exception escaping from a
rule is a bug in xfc, which the CLI reports as an internal error.

Check plugins (entry-point group ``xfc.checks``, :mod:`compiler.plugins`) run after the
rules when a call names them (``--check NAME``, ``Options.checks``); their findings carry
codes of their own (``<check>/<slug>``).

Codes emitted by the rules: see :data:`RULES`; ``plugin-error`` for a named check plugin
that cannot be loaded or raises.  Codes of the table emitted by earlier
phases: ``xf-process-conflict``, ``xf-wiring-conflict`` (normalize: they need the
declarations, which the model no longer has) and ``xf-step-syntax`` (the step parser).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from ..diagnostics import Diagnostics
from ..model.ir import Analysed, BackEndInput, complete
from . import xfactor as _x


class Rule(NamedTuple):
    code: str
    function: Callable[[BackEndInput, Diagnostics], None]


RULES: tuple[Rule, ...] = (
    Rule("xf-no-traits", _x.no_traits),
    Rule("xf-stateless-local-state", _x.stateless_local_state),
    Rule("xf-scratch-lifetime", _x.scratch_lifetime),
    Rule("xf-sticky-session", _x.sticky_session),
    Rule("xf-sticky-session", _x.service_affinity),
    Rule("xf-reconnect-stateful", _x.reconnect_stateful),
    Rule("xf-reconnect-single", _x.reconnect_single),
    Rule("xf-notify-no-endpoint", _x.notify_no_endpoint),
    Rule("xf-scope-unknown", _x.scope_unknown),
    Rule("xf-fragile-no-chain", _x.fragile_no_chain),
    Rule("xf-stateful-no-backing", _x.stateful_no_backing),
    Rule("xf-dependency-cycle", _x.dependency_cycle),
)


def run_checks(unit: Analysed, diags: Diagnostics) -> None:
    """Run every rule of :data:`RULES` on ``unit`` (skipped when the model is missing),
    then the check plugins ``unit.options.checks`` names, loaded by name.  A plugin that
    cannot be loaded, or that raises, is a ``plugin-error`` naming its distribution; it
    stops no other check."""
    ir = complete(unit)
    if ir is None:
        return
    for rule in RULES:
        rule.function(ir, diags)
    from .. import plugins
    from ..diagnostics import Span

    for name in unit.options.checks:
        where = Span(unit.path)
        try:
            plugin = plugins.check(name)
        except plugins.PluginError as exc:
            diags.add("plugin-error", str(exc), where)
            continue
        try:
            plugin.check(unit, diags)
        except Exception as exc:  # noqa: BLE001 - a third-party bug is not xfc's exit 3
            diags.add("plugin-error", f"check plugin {name!r} failed: {type(exc).__name__}: {exc}",
                      where)


__all__ = ["RULES", "Rule", "run_checks"]
