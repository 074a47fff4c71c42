"""TOSCA 2.0 arithmetic functions (§10.2.5) on numbers written in the file.

Phase: load (the TOSCA 2.0 front end).  Input: the name of an arithmetic function and its
lowered argument list.  Output: the value, or why there is none.  ``$sum``,
``$difference``, ``$product``, ``$quotient``, ``$remainder``, ``$round``, ``$floor`` and
``$ceil`` are evaluated when every argument is an integer or float literal (or such a
call, already evaluated); with another argument (a ``$get_input``, a scalar such as
``1 GB``) the call has no value at load and the caller reports it.

Rules (§10.2.5): ``$sum`` one or more numbers; ``$difference`` two; ``$product`` one or
more; integer results when every argument is an integer, else float.  ``$quotient`` two
numbers, always a float.  ``$remainder`` two integers; the result has the sign of the
first (truncated division; the clause leaves the sign open).  ``$round``, ``$floor``,
``$ceil`` one number, an integer result; ``$round`` rounds a tie down (3.5 → 3).
"""

from __future__ import annotations

import math
from typing import Any

ARITHMETIC = ("sum", "difference", "product", "quotient", "remainder", "round", "floor",
              "ceil")
_ARITY = {"sum": (1, None), "difference": (2, 2), "product": (1, None), "quotient": (2, 2),
          "remainder": (2, 2), "round": (1, 1), "floor": (1, 1), "ceil": (1, 1)}


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def literal_args(args: Any) -> bool:
    """Whether ``args`` is a list of number literals (so the call can be evaluated)."""
    return isinstance(args, list) and all(_number(a) for a in args)


def evaluate(name: str, args: list[Any]) -> tuple[Any, str | None]:
    """``(value, None)`` or ``(None, problem)`` for ``$name: args``, numbers only."""
    lo, hi = _ARITY[name]
    if len(args) < lo or (hi is not None and len(args) > hi):
        want = f"{lo}" if lo == hi else f"at least {lo}"
        noun = "argument" if lo == 1 else "arguments"
        return None, f"${name} takes {want} {noun}, not {len(args)}"
    if name == "sum":
        return sum(args), None
    if name == "difference":
        return args[0] - args[1], None
    if name == "product":
        return math.prod(args), None
    if name == "quotient":
        if args[1] == 0:
            return None, "$quotient divides by zero"
        try:
            return args[0] / args[1], None
        except OverflowError:
            return None, "$quotient has no float value (too large)"
    if name == "remainder":
        if not all(isinstance(a, int) for a in args):
            return None, "$remainder takes two integers"
        if args[1] == 0:
            return None, "$remainder divides by zero"
        a, b = args
        r = abs(a) % abs(b)  # exact for integers of any size
        return (-r if a < 0 else r), None
    x = args[0]
    if isinstance(x, float) and not math.isfinite(x):
        return None, f"${name} of {x} has no integer value"
    if name == "floor":
        return math.floor(x), None
    if name == "ceil":
        return math.ceil(x), None
    return math.ceil(x - 0.5), None  # round: a tie goes down
