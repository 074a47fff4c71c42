"""What a back end or target cannot express: one function, one code.

Phase: emit and bundle (called by every emitter, policy target and bundler that drops or
changes something the input asked for).  Input: the diagnostics collector, the name of
the back end or ``--target`` that cannot express the construct, the construct, and why.
Output: one ``unsupported`` diagnostic, ``<target>: <construct>: <why>``, at the
construct's position.

Like sqlglot's ``Generator.unsupported()``: a back end never drops a valid key in
silence, and never invents a code of its own for it.  There is one code, ``unsupported``
(a warning by default; a back end with nothing to write for the input passes
``severity=Severity.NOTE``), and the message always starts with the name of the target
that loses the construct (``kubernetes``, ``tacker``, ``onap``, ``osm``, ``policies``, or
a third-party target's name) and then the construct (a template, a key of it, a step of
a wiring).  The codes it replaces (``k8s-not-expressible``, ``policy-not-expressible``,
``emit-unsupported``) are aliases of it in :mod:`compiler.codes` (``xfc codes`` and the
SARIF rule's ``deprecatedIds`` name them; :meth:`Diagnostics.add` maps them).

Codes: ``unsupported``.
"""

from __future__ import annotations

from .diagnostics import Diagnostic, Diagnostics, Severity, Span

CODE = "unsupported"


def unsupported(diags: Diagnostics, target: str, construct: str, why: str,
                span: Span | None = None, *, path: str = "", hint: str = "",
                severity: Severity | None = None) -> Diagnostic:
    """Report that ``target`` cannot express ``construct``, and ``why`` (what is lost, or
    what is written instead).  ``path`` is the construct's entity path
    (``topology_template.node_templates["vdu"].properties["x"]``), ``hint`` what the author
    can do.  Returns the diagnostic (an earlier equal one when it repeats)."""
    if not target or not construct:
        raise ValueError("unsupported() needs the target and the construct it cannot express")
    return diags.add(CODE, f"{target}: {construct}: {why}", span, path=path, hint=hint,
                     severity=severity)


def saturated(diags: Diagnostics) -> bool:
    """True once ``unsupported`` has passed the per-code limit: a caller looking for more
    losses may stop (the rest would only be counted)."""
    return diags.saturated(CODE)


__all__ = ["CODE", "saturated", "unsupported"]
