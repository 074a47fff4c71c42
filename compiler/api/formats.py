"""What ``--format`` means in each command: one table (issue 21, item 9).

Phase: api (what the faces share).  ``--format`` keeps the meaning each command gave
it: the diagnostics for ``check`` and ``compile`` (their files go to ``-o``), the picture
for ``graph``, the report for ``simulate`` and ``explain``, the package for ``bundle``
(``-f``; its diagnostics are ``--diagnostics-format``).  Each verb takes its choices and its help
from :data:`FORMATS`, and ``xfc --help`` prints :func:`table`, so the two cannot drift
apart (``tests/unit/test_formats_table.py``).

Codes: none.
"""

from __future__ import annotations

from typing import NamedTuple


class Meaning(NamedTuple):
    what: str  # what --format chooses the form of
    choices: tuple[str, ...]  # the first is the default (bundle: none, it is required)
    note: str = ""  # said in the table, on a line of its own


_DIAGNOSTICS = ("text", "json", "sarif")
FORMATS: dict[str, Meaning] = {
    "check": Meaning("the diagnostics", _DIAGNOSTICS),
    "compile": Meaning("the diagnostics", _DIAGNOSTICS, "(compile writes its files to -o DIR)"),
    "report": Meaning("the diagnostics", _DIAGNOSTICS, "(report writes its page to -o FILE)"),
    "graph": Meaning("the picture", ("dot", "mermaid", "json")),
    "simulate": Meaning("the report", ("text", "json")),
    "explain": Meaning("the report", ("text", "json")),
    # the built-in bundlers (compiler.plugins.BUILTIN_BUNDLERS); a plugin adds its own name
    "bundle": Meaning("the package, repeatable", ("helm", "kustomize", "csar", "onap-helm", "osm"),
                      "(-f; its diagnostics: --diagnostics-format text | json | sarif)"),
    "codes": Meaning("the listing", ("text", "json")),
    "version": Meaning("the listing", ("text", "json")),
}


def help_for(verb: str) -> str:
    """The ``--format`` help of ``verb``."""
    m = FORMATS[verb]
    if verb == "bundle":
        return (f"{m.what}: {', '.join(m.choices)}, or an xfc.bundlers plugin's name "
                "(`xfc --help` says what --format means in each command)")
    return (f"{m.what}: {' | '.join(m.choices)} (default: {m.choices[0]}; `xfc --help` says "
            "what --format means in each command)")


def table() -> str:
    """The table ``xfc --help`` prints: commands that agree share a row."""
    rows: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for verb, m in FORMATS.items():
        rows.setdefault((m.what, m.choices), []).append(verb)
    names = {key: ", ".join(verbs) for key, verbs in rows.items()}
    width = max(len(n) for n in names.values())
    lines = ["--format means, per command:"]
    for (what, choices), verbs in rows.items():
        lines.append(f"  {names[(what, choices)]:<{width}}  {what}: {' | '.join(choices)}")
        for note in dict.fromkeys(FORMATS[v].note for v in verbs if FORMATS[v].note):
            lines.append(f"  {'':<{width}}  {note}")
    return "\n".join(lines) + "\n"


__all__ = ["FORMATS", "Meaning", "help_for", "table"]
