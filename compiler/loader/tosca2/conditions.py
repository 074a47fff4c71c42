"""TOSCA 2.0 boolean functions (§10.2.2) evaluated at load, on values the file writes.

Phase: load (the TOSCA 2.0 front end, :mod:`compiler.tosca2`).  Input: a condition clause
or a boolean call (``{$not: [false]}``, ``{$and: [...]}``, ``{$equal: [a, b]}``) as
written in a TOSCA 2.0 file, and a way to read a ``$get_property`` path (``paths``).
Output: ``True`` or ``False``, or :class:`NotEvaluable` naming what has no value at load
(a ``$get_input``, a property that is itself a call, a scalar compared by size).

Two users: a boolean call in a value (``boolean: {$not: [false]}``) becomes its result,
as arithmetic on literals does (:mod:`.arithmetic`); and a requirement assignment's
``node_filter`` (§8.7.1, §8.8) is evaluated once per candidate node template, its
``$get_property: [SELF, TARGET, ...]`` paths reading that candidate's properties
(:mod:`.selection`).

What is evaluated: ``$and``, ``$or`` (two or more arguments), ``$not`` (one), ``$xor``
(two) (§10.2.2.1); ``$equal``, ``$greater_than``, ``$greater_or_equal``, ``$less_than``,
``$less_or_equal``, ``$valid_values``, ``$matches`` (§10.2.2.2); ``$contains``,
``$has_prefix``, ``$has_suffix``, ``$has_key``, ``$has_entry`` (§10.2.2.3); ``$in_range``
(the community core profile's, §6.6); ``$length`` (§10.2.3.1), ``$concat``, ``$join``,
``$token`` (§10.2.3.2-4, :mod:`.strings`) and the arithmetic of §10.2.5 as arguments.
Comparisons take two numbers (integer or float) or two strings
that are not scalars (``512 MB``: units are not converted, so their order is unknown);
arguments of different types are an error, as §10.2.2.2 says they SHOULD be.

Codes: none (the callers report :class:`NotEvaluable` and :class:`ConditionError`).
"""

from __future__ import annotations

import re
from typing import Any, Callable

from ...diagnostics import Span
from ..yamlpos import PMap, PSeq
from .arithmetic import ARITHMETIC, evaluate
from .strings import STRINGS, evaluate as evaluate_string

BOOLEAN = ("and", "or", "not", "xor", "equal", "greater_than", "greater_or_equal",
           "less_than", "less_or_equal", "valid_values", "matches", "contains",
           "has_prefix", "has_suffix", "has_key", "has_entry", "in_range")
_SCALAR = re.compile(r"^\s*[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?\s*[A-Za-z]")


class NotEvaluable(Exception):
    """The clause has no value at load: ``args[0]`` says why, ``args[1]`` is where."""


class ConditionError(Exception):
    """The clause is malformed (argument count or types): ``args[0]`` why, ``args[1]`` where."""


def _name(key: Any) -> str | None:
    if isinstance(key, str) and key.startswith("$") and not key.startswith("$$"):
        return key[1:].split("$", 1)[0]
    return None


def is_call(v: Any) -> str | None:
    """The function ``v`` calls (a single-key ``$`` map), else None."""
    if isinstance(v, PMap) and len(v) == 1:
        return _name(next(iter(v)))
    return None


class Evaluator:
    """Evaluates clauses; ``paths(name, args, span)`` gives the value a
    ``$get_property``/``$get_attribute`` call reads, or raises :class:`NotEvaluable`."""

    def __init__(self, paths: Callable[[str, Any, Span], Any] | None = None) -> None:
        self.paths = paths

    def truth(self, clause: Any, span: Span) -> bool:
        v = self.value(clause, span)
        if not isinstance(v, bool):
            raise ConditionError(f"a condition must be a boolean, not {v!r}", span)
        return v

    def value(self, v: Any, span: Span) -> Any:
        """The value of ``v``: a literal as written, a call evaluated."""
        if isinstance(v, str):
            if _name(v) is not None:
                raise NotEvaluable(f"{v} has no value at load", span)
            return v[1:] if v.startswith("$$") else v
        name = is_call(v)
        if name is None:
            if isinstance(v, PMap):
                return {k: self.value(x, v.value_span(k)) for k, x in v.items()}
            if isinstance(v, PSeq):
                return [self.value(x, v.item_span(i)) for i, x in enumerate(v)]
            return v
        (key, arg), = v.items()
        at = v.key_span(key)
        args_raw = list(arg) if isinstance(arg, PSeq) else ([] if arg is None else [arg])
        spans = [arg.item_span(i) for i in range(len(arg))] if isinstance(arg, PSeq) \
            else [v.value_span(key)] * len(args_raw)
        if name in ("get_property", "get_attribute"):
            if self.paths is None:
                raise NotEvaluable(f"${name} has no value at load outside a node_filter", at)
            return self.paths(name, arg, at)
        if name in BOOLEAN:
            return self._boolean(name, args_raw, spans, at)
        args = [self.value(a, s) for a, s in zip(args_raw, spans)]
        if name == "length":
            if len(args) != 1 or not isinstance(args[0], (str, list, dict)):
                raise ConditionError("$length takes one string, list or map (TOSCA 2.0 "
                                     "§10.2.3.1)", at)
            return len(args[0])
        if name in ARITHMETIC:
            result, problem = evaluate(name, args)
            if problem is not None:
                raise ConditionError(f"{problem} (TOSCA 2.0 §10.2.5)", at)
            return result
        if name in STRINGS:
            result, problem = evaluate_string(name, args)
            if problem is not None:
                raise ConditionError(problem, at)
            return result
        raise NotEvaluable(f"${name} is not evaluated at load", at)

    # ------------------------------------------------------------------ §10.2.2
    def _boolean(self, name: str, raw: list[Any], spans: list[Span], at: Span) -> bool:
        if name in ("and", "or"):
            if len(raw) < 2:
                raise ConditionError(f"${name} takes two or more arguments (TOSCA 2.0 "
                                     "§10.2.2.1)", at)
            # every argument is evaluated, so an error in any is found, whatever the order
            vals = [self.truth(a, s) for a, s in zip(raw, spans)]
            return all(vals) if name == "and" else any(vals)
        if name == "not":
            if len(raw) != 1:
                raise ConditionError("$not takes one argument (TOSCA 2.0 §10.2.2.1)", at)
            return not self.truth(raw[0], spans[0])
        if name == "xor":
            if len(raw) != 2:
                raise ConditionError("$xor takes two arguments (TOSCA 2.0 §10.2.2.1)", at)
            return self.truth(raw[0], spans[0]) != self.truth(raw[1], spans[1])
        if len(raw) != 2:
            raise ConditionError(f"${name} takes two arguments (TOSCA 2.0 §10.2.2)", at)
        a, b = (self.value(x, s) for x, s in zip(raw, spans))
        if name == "equal":
            _same_type(a, b, name, at)
            return a == b
        if name in ("greater_than", "greater_or_equal", "less_than", "less_or_equal"):
            _ordered(a, b, name, at)
            return {"greater_than": a > b, "greater_or_equal": a >= b,
                    "less_than": a < b, "less_or_equal": a <= b}[name]
        if name == "in_range":
            if not (isinstance(b, list) and len(b) == 2):
                raise ConditionError("$in_range takes a value and a [low, high] list", at)
            _ordered(a, b[0], name, at)
            _ordered(a, b[1], name, at)
            return b[0] <= a <= b[1]
        if name == "valid_values":
            if not isinstance(b, list):
                raise ConditionError("$valid_values takes a value and a list (TOSCA 2.0 "
                                     "§10.2.2.2)", at)
            return a in b
        if name == "matches":
            if not (isinstance(a, str) and isinstance(b, str)):
                raise ConditionError("$matches takes two strings (TOSCA 2.0 §10.2.2.2)", at)
            try:
                return re.fullmatch(b, a) is not None
            except re.error as e:
                raise ConditionError(f"$matches: not a regular expression: {e}", at) from e
        if name in ("has_prefix", "has_suffix"):
            if isinstance(a, str) and isinstance(b, str) or \
                    isinstance(a, list) and isinstance(b, list):
                n = len(b)
                return (a[:n] == b) if name == "has_prefix" else (n == 0 or a[-n:] == b)
            raise ConditionError(f"${name} takes two strings or two lists (TOSCA 2.0 "
                                 "§10.2.2.3)", at)
        if name == "contains":
            if isinstance(a, str) and isinstance(b, str):
                return b in a
            if isinstance(a, list) and isinstance(b, list):
                return any(a[i:i + len(b)] == b for i in range(len(a) - len(b) + 1))
            raise ConditionError("$contains takes two strings or two lists (TOSCA 2.0 "
                                 "§10.2.2.3)", at)
        if name == "has_key":
            if not isinstance(a, dict):
                raise ConditionError("$has_key takes a map and a key (TOSCA 2.0 §10.2.2.3)", at)
            return b in a
        # has_entry
        if isinstance(a, dict):
            return b in a.values()
        if isinstance(a, list):
            return b in a
        raise ConditionError("$has_entry takes a list or map and a value (TOSCA 2.0 "
                             "§10.2.2.3)", at)


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    return type(v).__name__


def _same_type(a: Any, b: Any, name: str, at: Span) -> None:
    if _kind(a) != _kind(b):
        raise ConditionError(f"${name} compares a {_kind(a)} with a {_kind(b)} (TOSCA 2.0 "
                             "§10.2.2.2: arguments of different types are an error)", at)


def _ordered(a: Any, b: Any, name: str, at: Span) -> None:
    _same_type(a, b, name, at)
    if _kind(a) not in ("number", "str"):
        raise ConditionError(f"${name} orders numbers or strings, not a {_kind(a)}", at)
    if isinstance(a, str) and (_SCALAR.match(a) or _SCALAR.match(b)):
        raise NotEvaluable(f"${name} of scalars ({a!r}, {b!r}) is not evaluated: xfc "
                           "does not convert units", at)


__all__ = ["BOOLEAN", "ConditionError", "Evaluator", "NotEvaluable", "is_call"]
