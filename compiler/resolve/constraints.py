"""TOSCA constraint clauses (TOSCA 1.3 §3.6.3) and the ordering of comparable values.

Phase: resolve.  Two uses:

* definitions — :func:`parse_constraint` reads one clause of a ``constraints:`` list
  (in a property, attribute, parameter, entry_schema or data type) and checks its shape;
  :func:`check_definition` then checks that its arguments are valid, comparable values
  of the type it constrains (``greater_or_equal: 0.1 GHz`` on a frequency);
* values — :func:`violation` says whether a value satisfies a clause.  Scalar units are
  compared normalised (``1 GiB > 1000 MB``), versions by their parts, timestamps as
  instants.

The primitive readers for ``version`` (§3.3.2), ``timestamp`` (§3.3.1, the YAML 1.1
timestamp grammar) and ``range`` (§3.3.3) live here because ordering is defined on them.

Codes: tosca-unknown-field (unknown operator), tosca-wrong-type (a malformed clause or
an argument that is not a valid value of the constrained type).  Constraint violations
by values (tosca-constraint) are reported by ``compiler.resolve.values``.
"""

from __future__ import annotations

from ..suggest import close_matches
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from ..diagnostics import Diagnostics, Span
from ..loader.yamlpos import PMap, to_plain
from ..model import Constraint  # the IR's clause: the resolver parses and checks it
from .. import units

OPERATORS = (
    "equal",
    "greater_than",
    "greater_or_equal",
    "less_than",
    "less_or_equal",
    "in_range",
    "valid_values",
    "length",
    "min_length",
    "max_length",
    "pattern",
    "schema",
)
COMPARISONS = ("greater_than", "greater_or_equal", "less_than", "less_or_equal")
# the types whose values are ordered (TOSCA 1.3 §3.6.3.1 "comparable" types)
ORDERED = (
    "integer",
    "float",
    "string",
    "timestamp",
    "version",
    "scalar-unit.size",
    "scalar-unit.time",
    "scalar-unit.frequency",
    "scalar-unit.bitrate",
)
UNBOUNDED = "UNBOUNDED"


def describe(c: Constraint) -> str:
    """``operator: args`` as the descriptor would write it (for messages)."""
    return f"{c.operator}: {_show(c.args)}"


# --------------------------------------------------------------------------- primitives

# TOSCA 1.3 §3.3.2: <major>.<minor>[.<fix>[.<qualifier>[-<build>]]].  Like tosca-parser we
# also accept a bare <major> (YAML turns `version: 2` into an integer).
_VERSION = re.compile(
    r"(?P<major>[0-9]+)(?:\.(?P<minor>[0-9]+)(?:\.(?P<fix>[0-9]+)"
    r"(?:\.(?P<qualifier>[0-9A-Za-z]+)(?:-(?P<build>[0-9]+))?)?)?)?\Z"
)


@dataclass(frozen=True, slots=True, order=True)
class Version:
    major: int
    minor: int = 0
    fix: int = 0
    qualifier: str = ""
    build: int = 0


def parse_version(value: Any) -> Version:
    """A TOSCA version from a string (or a YAML number).  Raises ValueError."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{_show(value)} is not a version")
    text = str(value).strip()
    m = _VERSION.match(text)
    if not m:
        raise ValueError(
            f"{_show(value)} is not a TOSCA version "
            "(<major>.<minor>[.<fix>[.<qualifier>[-<build>]]])"
        )
    return Version(
        int(m["major"]),
        int(m["minor"] or 0),
        int(m["fix"] or 0),
        m["qualifier"] or "",
        int(m["build"] or 0),
    )


# TOSCA 1.3 §3.3.1 refers to the YAML 1.1 timestamp type (ISO 8601 subset)
_TIMESTAMP = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})"
    r"(?:\.(?P<frac>[0-9]*))?"
    r"(?:[ \t]*(?P<tz>Z|z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?\Z"
)


def parse_timestamp(value: Any) -> datetime:
    """An aware datetime (UTC when no zone is written).  Raises ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"{_show(value)} is not a timestamp")
    m = _TIMESTAMP.match(value.strip())
    if not m:
        raise ValueError(f"{value!r} is not an ISO 8601 timestamp (e.g. 2024-01-31T12:00:00Z)")
    try:
        if m["h"] is None:
            return datetime(int(m["y"]), int(m["mo"]), int(m["d"]), tzinfo=timezone.utc)
        frac = (m["frac"] or "0")[:6].ljust(6, "0")
        tz = timezone.utc
        if m["tz"] and m["tz"] not in ("Z", "z"):
            sign = -1 if m["tz"][0] == "-" else 1
            rest = m["tz"][1:].replace(":", "")
            hours = int(rest[:-2] if len(rest) > 2 else rest)
            minutes = int(rest[-2:]) if len(rest) > 2 else 0
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        # a leap second (ISO 8601 and YAML's timestamp admit second 60) is read as the
        # instant after second 59: datetime has no second 60
        leap = int(m["s"]) == 60
        return datetime(
            int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]),
            59 if leap else int(m["s"]), int(frac), tzinfo=tz,
        ) + timedelta(seconds=1 if leap else 0)
    except ValueError as exc:  # day 31 of February and the like
        raise ValueError(f"{value!r} is not a valid timestamp: {exc}") from None


def parse_range(value: Any) -> tuple[int, float]:
    """``[lower, upper]`` with integer bounds, upper may be UNBOUNDED.  Raises ValueError."""
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError(f"{_show(value)} is not a range ([<lower>, <upper>])")
    lo, hi = value
    if not _is_int(lo):
        raise ValueError(f"range lower bound {_show(lo)} is not an integer")
    if hi == UNBOUNDED:
        return lo, math.inf
    if not _is_int(hi):
        raise ValueError(f"range upper bound {_show(hi)} is not an integer or UNBOUNDED")
    if hi < lo:
        raise ValueError(f"range {_show(value)}: the upper bound is below the lower bound")
    return lo, hi


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def comparable(value: Any, base: str) -> Any:
    """The ordered form of ``value`` read as primitive type ``base``.  Raises ValueError.

    Used for both constraint arguments and the values they are applied to.
    """
    if base == "integer":
        if not _is_int(value):
            raise ValueError(f"{_show(value)} is not an integer")
        return value
    if base == "float":
        if not _is_num(value):
            raise ValueError(f"{_show(value)} is not a number")
        return value
    if base == "string":
        if not isinstance(value, str):
            raise ValueError(f"{_show(value)} is not a string")
        return value
    if base == "version":
        return parse_version(value)
    if base == "timestamp":
        return parse_timestamp(value)
    kind = units.kind_of(base)
    if kind:
        try:
            return units.parse_scalar(value, kind)
        except units.ScalarError as exc:
            raise ValueError(str(exc)) from None
    raise ValueError(f"values of type {base} are not ordered")


# --------------------------------------------------------------------------- definitions


def parse_constraint(
    raw: Any, span: Span, diags: Diagnostics, path: str = ""
) -> Constraint | None:
    """Read one clause (a one-key mapping) and check its shape; None when unusable."""
    if not isinstance(raw, dict) or len(raw) != 1:
        diags.add(
            "tosca-wrong-type",
            "a constraint clause is a mapping with exactly one operator, e.g. "
            "'- greater_or_equal: 1'",
            span,
            path=path,
        )
        return None
    op, args = next(iter(raw.items()))
    op_span = raw.key_span(op) if isinstance(raw, PMap) else span
    arg_span = raw.value_span(op) if isinstance(raw, PMap) else span
    if op not in OPERATORS:
        close = close_matches(str(op), OPERATORS)
        diags.add(
            "tosca-unknown-field",
            f"unknown constraint operator {op!r}",
            op_span,
            path=path,
            hint=f"did you mean {close[0]!r}?" if close else "operators: " + ", ".join(OPERATORS),
        )
        return None
    problem = _shape_problem(op, args)
    if problem:
        diags.add("tosca-wrong-type", f"constraint {op}: {problem}", arg_span, path=path)
        return None
    if op == "pattern":
        try:
            re.compile(args)
        except re.error as exc:
            diags.add(
                "tosca-wrong-type", f"constraint pattern: invalid regular expression: {exc}",
                arg_span, path=path,
            )
            return None
    return Constraint(operator=op, args=to_plain(args), span=arg_span)


def _shape_problem(op: str, args: Any) -> str | None:
    if op in ("in_range",):
        if not isinstance(args, list) or len(args) != 2:
            return "takes a list of two values [<min>, <max>]"
    elif op == "valid_values":
        if not isinstance(args, list):
            return "takes a list of values"
    elif op in ("length", "min_length", "max_length"):
        if not _is_int(args) or args < 0:
            return f"takes a non-negative integer, not {_show(args)}"
    elif op in ("pattern", "schema"):
        if not isinstance(args, str):
            return f"takes a string, not {_show(args)}"
    elif op in COMPARISONS:
        if isinstance(args, (list, dict)) or args is None:
            return f"takes a single comparable value, not {_show(args)}"
    return None


def check_definition(
    c: Constraint,
    base: str,
    diags: Diagnostics,
    path: str = "",
    validate: Callable[[Any, Span], bool] | None = None,
) -> bool:
    """Check that the clause suits a value of primitive type ``base``.

    ``validate(arg, span)`` (from values.py) checks an argument against the full type of
    the definition for ``equal``/``valid_values``; comparisons need an ordered ``base``.
    """
    op = c.operator
    if op in COMPARISONS or op == "in_range":
        if base == "range" and op == "in_range":
            base = "integer"  # a range value is in range when both its bounds are
        if base not in ORDERED:
            diags.add(
                "tosca-wrong-type",
                f"constraint {op} expects comparable values, but the type is {base}",
                c.span, path=path,
            )
            return False
        args = c.args if op == "in_range" else [c.args]
        for a in args:
            if op == "in_range" and a == UNBOUNDED:
                continue
            try:
                comparable(a, base)
            except ValueError as exc:
                diags.add(
                    "tosca-wrong-type",
                    f"constraint {op} expects comparable values of type {base}: {exc}",
                    c.span, path=path,
                )
                return False
        if op == "in_range":
            lo, hi = c.args
            if hi != UNBOUNDED and lo != UNBOUNDED and comparable(hi, base) < comparable(lo, base):
                diags.add(
                    "tosca-wrong-type", f"constraint in_range: {_show(c.args)} is empty",
                    c.span, path=path,
                )
                return False
        return True
    if op in ("length", "min_length", "max_length"):
        if base not in ("string", "list", "map", ""):
            diags.add(
                "tosca-wrong-type",
                f"constraint {op} applies to strings, lists and maps, not {base}",
                c.span, path=path,
            )
            return False
        return True
    if op == "pattern":
        if base not in ("string", ""):
            diags.add(
                "tosca-wrong-type", f"constraint pattern applies to strings, not {base}",
                c.span, path=path,
            )
            return False
        return True
    if op in ("equal", "valid_values") and validate is not None:
        args = c.args if op == "valid_values" else [c.args]
        return all(validate(a, c.span) for a in args)
    return True


# --------------------------------------------------------------------------- values


def violation(c: Constraint, value: Any, base: str) -> str | None:
    """None when ``value`` (of primitive type ``base``) satisfies ``c``, else why not.

    A clause whose arguments cannot be read as ``base`` is not applied (its definition
    was reported when the type was read).
    """
    op, args = c.operator, c.args
    try:
        if op == "equal":
            return None if _eq(value, args, base) else f"{_show(value)} is not equal to {_show(args)}"
        if op == "valid_values":
            if any(_eq(value, a, base) for a in args):
                return None
            return f"{_show(value)} is not one of {_show(args)}"
        if op in COMPARISONS:
            v, a = comparable(value, base), comparable(args, base)
            ok = {
                "greater_than": v > a,
                "greater_or_equal": v >= a,
                "less_than": v < a,
                "less_or_equal": v <= a,
            }[op]
            return None if ok else f"{_show(value)} is not {op.replace('_', ' ')} {_show(args)}"
        if op == "in_range":
            if base == "range":
                lo_v, hi_v = parse_range(value)
                return _in_range(lo_v, args, "integer") or _in_range(hi_v, args, "integer")
            return _in_range(comparable(value, base), args, base, value)
        if op in ("length", "min_length", "max_length"):
            if not isinstance(value, (str, list, dict)):
                return None
            n = len(value)
            ok = {"length": n == args, "min_length": n >= args, "max_length": n <= args}[op]
            if ok:
                return None
            return f"{_show(value)} has length {n}, {op.replace('_', ' ')} is {args}"
        if op == "pattern":
            if not isinstance(value, str):
                return None
            if re.fullmatch(args, value):
                return None
            return f"{value!r} does not match the pattern {args!r}"
    except ValueError:
        return None
    return None  # schema: not applied (documented)


def _in_range(v: Any, args: list, base: str, shown: Any = None) -> str | None:
    lo, hi = args
    if v == math.inf:
        ok = hi == UNBOUNDED
    else:
        ok = (lo == UNBOUNDED or v >= comparable(lo, base)) and (
            hi == UNBOUNDED or v <= comparable(hi, base)
        )
    if ok:
        return None
    shown = v if shown is None else shown
    if shown == math.inf:
        shown = UNBOUNDED
    return f"{_show(shown)} is out of range [{_show(lo)}, {_show(hi)}]"


def _eq(value: Any, arg: Any, base: str) -> bool:
    if base in ORDERED and base != "string":
        try:
            return comparable(value, base) == comparable(arg, base)
        except ValueError:
            pass
    if isinstance(value, bool) != isinstance(arg, bool):
        return False
    return to_plain(value) == to_plain(arg)


def _show(v: Any) -> str:
    if isinstance(v, str):
        return repr(v) if v == "" or v.strip() != v else v
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_show(x)}" for k, x in v.items()) + "}"
    return str(v)


show = _show

__all__ = [
    "OPERATORS",
    "ORDERED",
    "UNBOUNDED",
    "Constraint",
    "describe",
    "Version",
    "parse_version",
    "parse_timestamp",
    "parse_range",
    "comparable",
    "parse_constraint",
    "check_definition",
    "violation",
    "show",
]
