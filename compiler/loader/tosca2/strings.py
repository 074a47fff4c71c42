"""TOSCA 2.0 string functions (§10.2.3.2-4) on values known at load.

Phase: load (the TOSCA 2.0 front end, :mod:`compiler.tosca2`).  Input: the evaluated
arguments of a ``$concat``, ``$join`` or ``$token`` call.  Output: its value, or a
problem naming the clause.  Used where a call must have its value at load: a function
call written as a map key (§10.1, :mod:`.keys`) and a condition clause (:mod:`.conditions`).
In a property value these calls are carried to the 1.3 resolver, which evaluates them
with everything it knows (inputs, other properties).

Rules: ``$concat`` takes one or more strings (a string result) or one or more lists (a
list: their entries, in order); an integer among strings is written in decimal, as the
resolver's concat writes it.  ``$join`` takes a list of strings (integers written in
decimal: the clause's own example joins ``1111``) and an optional delimiter.
``$token`` takes a string, a string of separator characters and an index from 0; a
separator next to another gives an empty substring, and an index past the last
substring is an error.

Codes: none (the callers report the problem).
"""

from __future__ import annotations

import re
from typing import Any

STRINGS = ("concat", "join", "token")


def _text(v: Any) -> str | None:
    if isinstance(v, str):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    return None


def evaluate(name: str, args: list[Any]) -> tuple[Any, str | None]:
    """(value, None), or (None, the problem) for a malformed call."""
    if name == "concat":
        if not args:
            return None, "$concat takes one or more arguments (TOSCA 2.0 §10.2.3.2)"
        if all(isinstance(a, list) for a in args):
            return [x for a in args for x in a], None
        texts = [_text(a) for a in args]
        if any(t is None for t in texts):
            return None, ("$concat takes strings or lists, all of one kind (TOSCA 2.0 "
                          "§10.2.3.2)")
        return "".join(t for t in texts if t is not None), None
    if name == "join":
        if len(args) not in (1, 2) or not isinstance(args[0], list) or \
                (len(args) == 2 and not isinstance(args[1], str)):
            return None, ("$join takes a list of strings and an optional delimiter string "
                          "(TOSCA 2.0 §10.2.3.3)")
        texts = [_text(a) for a in args[0]]
        if any(t is None for t in texts):
            return None, "$join joins strings (TOSCA 2.0 §10.2.3.3)"
        return (args[1] if len(args) == 2 else "").join(t for t in texts if t is not None), None
    # token
    if len(args) != 3 or not isinstance(args[0], str) or not isinstance(args[1], str) or \
            not args[1] or not isinstance(args[2], int) or isinstance(args[2], bool):
        return None, ("$token takes a string, a non-empty string of separator characters "
                      "and an integer index (TOSCA 2.0 §10.2.3.4)")
    parts = re.split("[" + re.escape(args[1]) + "]", args[0])
    if not 0 <= args[2] < len(parts):
        return None, (f"$token: index {args[2]} of {len(parts)} substrings (TOSCA 2.0 "
                      "§10.2.3.4)")
    return parts[args[2]], None


__all__ = ["STRINGS", "evaluate"]
