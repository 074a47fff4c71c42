"""TOSCA 2.0 values: ``$``-functions, the ``$$`` escape and validation clauses, lowered.

Phase: load (the TOSCA 2.0 front end, :mod:`compiler.tosca2`).  Input: a positioned
value (a property value, a default, a function argument) or a ``validation`` clause of a
TOSCA 2.0 file.  Output: the same value in the TOSCA 1.3 form the resolver evaluates
(``{$get_input: x}`` → ``{get_input: x}``), or the 1.3 ``constraints`` list a validation
clause means.  Positions are kept: every map and list is rebuilt with the spans it was
read with.

The function syntax is TOSCA 2.0 §10.1: a map whose only key starts with ``$`` is a call,
a string that starts with ``$`` is a call without arguments, ``$$`` escapes one ``$``,
and ``$name$suffix`` is the same function as ``$name`` (for repeated keys).  The
functions read are those of §10.2.1 and §10.2.3 that TOSCA 1.3 also has:
``$get_input``, ``$get_property``, ``$get_attribute``, ``$get_artifact`` (§10.2.1.1-4),
``$concat``, ``$join``, ``$token`` (§10.2.3.2-4).  A call written as a map key in a
value is evaluated at load to the key's string (:mod:`.keys`).  The boolean and comparison functions
(§10.2.2) and ``$value`` (§10.2.1.5) are read inside ``validation`` clauses (§9.10), when
the clause has a 1.3 constraint with the same meaning; in a value, a boolean function on
values the file writes is evaluated (:mod:`.conditions`).  A ``<tosca_path>`` over
``RELATIONSHIP`` is walked by :mod:`.paths` (§10.3).

Codes: tosca-function (a malformed call: a ``$`` key beside other keys, an unknown
function), tosca2-unsupported (a 2.0 function or path xfc does not evaluate),
tosca-unsupported (a validation clause that has no 1.3 constraint: accepted, not
enforced).
"""

from __future__ import annotations

from typing import Any

from ...diagnostics import Diagnostics, Span
from ..yamlpos import CallKey, PMap, PSeq
from .arithmetic import ARITHMETIC, evaluate, literal_args
from .conditions import BOOLEAN, ConditionError, Evaluator, NotEvaluable
from .keys import key_text

# 2.0 function name -> 1.3 function name (same arguments, after path lowering)
CARRIED = {
    "get_input": "get_input",
    "get_property": "get_property",
    "get_attribute": "get_attribute",
    "get_artifact": "get_artifact",
    "concat": "concat",
    "join": "join",
    "token": "token",
}
# 2.0 built-ins xfc knows but does not evaluate in a value (clause of each)
NOT_EVALUATED = {
    "value": "§10.2.1.5", "node_index": "§10.2.1.6", "relationship_index": "§10.2.1.7",
    "available_allocation": "§10.2.1.8",
    "and": "§10.2.2.1", "or": "§10.2.2.1", "not": "§10.2.2.1", "xor": "§10.2.2.1",
    "equal": "§10.2.2.2", "greater_than": "§10.2.2.2", "greater_or_equal": "§10.2.2.2",
    "less_than": "§10.2.2.2", "less_or_equal": "§10.2.2.2", "valid_values": "§10.2.2.2",
    "matches": "§10.2.2.2",
    "has_suffix": "§10.2.2.3", "has_prefix": "§10.2.2.3", "contains": "§10.2.2.3",
    "has_entry": "§10.2.2.3", "has_key": "§10.2.2.3", "has_all_entries": "§10.2.2.3",
    "has_all_keys": "§10.2.2.3", "has_any_entry": "§10.2.2.3", "has_any_key": "§10.2.2.3",
    "in_range": "§6.6 (the community core profile's)",
    "length": "§10.2.3.1",
    "union": "§10.2.4", "intersection": "§10.2.4",
    "sum": "§10.2.5", "difference": "§10.2.5", "product": "§10.2.5", "quotient": "§10.2.5",
    "remainder": "§10.2.5", "round": "§10.2.5", "floor": "§10.2.5", "ceil": "§10.2.5",
}
KNOWN = frozenset(CARRIED) | frozenset(NOT_EVALUATED)
# a single-key map with one of these keys is a function call to the 1.3 resolver
_V13_FUNCTIONS = ("get_input", "get_property", "get_attribute", "get_operation_output",
                  "get_nodes_of_type", "get_artifact", "concat", "join", "token")
_ENTITIES = ("SELF", "SOURCE", "TARGET", "HOST")


def call_name(key: Any) -> str | None:
    """The function a map key or a string calls (``$concat$2`` → ``concat``), or None
    for a plain or escaped (``$$``) string (§10.1)."""
    if not isinstance(key, str) or not key.startswith("$") or key.startswith("$$"):
        return None
    return key[1:].split("$", 1)[0]


def unescape(text: str) -> str:
    """``$$x`` → ``$x`` (only the first ``$`` is an escape, §10.1)."""
    return text[1:] if text.startswith("$$") else text


class Values:
    """Lowers values of one file; reports into ``diags``."""

    def __init__(self, diags: Diagnostics) -> None:
        self.diags = diags
        # set by the lowering: the node template whose values are lowered (SELF in a
        # <tosca_path>), and the graph a RELATIONSHIP step walks (.paths.Graph)
        self.self_node: str | None = None
        self.graph: Any = None

    # ------------------------------------------------------------------ values
    def value(self, v: Any, span: Span, path: str) -> Any:
        """``v`` (read at ``span``) in its TOSCA 1.3 form."""
        if isinstance(v, str):
            name = call_name(v)
            if name is None:
                return unescape(v)
            return self.call(name, None, v, span, path)
        if isinstance(v, PMap):
            if len(v) == 1:
                (k, arg), = v.items()
                name = call_name(k)
                if name is not None:
                    return self.call(name, arg, v, v.value_span(k), path, k)
                if isinstance(k, str) and k in _V13_FUNCTIONS:
                    self.diags.add(
                        "tosca2-unsupported",
                        f"the map {{{k}: ...}} is data in TOSCA 2.0 but a function call in "
                        "TOSCA 1.x, which xfc evaluates; its meaning would change",
                        v.key_span(k), path=path,
                        hint=f"call the function as ${k} (TOSCA 2.0 §10.1), or rename the key")
                    return None
            out = PMap(span=v.span)
            for k, item in v.items():
                if call_name(k) is not None:
                    self.diags.add("tosca-function", f"malformed function: the key {k!r} "
                                   f"starts with '$' in a map of {len(v)} keys (TOSCA 2.0 §10.1)",
                                   v.key_span(k), path=path,
                                   hint="a function call is a map with exactly one key; "
                                        f"write ${k} to mean the literal key {k}")
                    continue
                if isinstance(k, CallKey):
                    nk = key_text(self.diags, k, path, KNOWN)
                    if nk is None:
                        continue
                else:
                    nk = unescape(k) if isinstance(k, str) else k
                if nk in out:
                    first = out.key_spans.get(nk) or v.span
                    self.diags.add("yaml-duplicate-key", f"duplicate key {nk!r} (first "
                                   f"defined at line {first.line}): a key written as a "
                                   "function call gives it (TOSCA 2.0 §10.1)",
                                   v.key_span(k), path=path)
                    continue
                self.put(out, nk, self.value(item, v.value_span(k), f"{path}.{nk}"), v, k)
            return out
        if isinstance(v, PSeq):
            out_s = PSeq(span=v.span)
            for i, item in enumerate(v):
                out_s.append(self.value(item, v.item_span(i), f"{path}[{i}]"))
                out_s.item_spans.append(v.item_span(i))
            return out_s
        return v

    @staticmethod
    def put(out: PMap, key: Any, value: Any, src: PMap, src_key: Any) -> None:
        dict.__setitem__(out, key, value)
        out.key_spans[key] = src.key_span(src_key)
        out.value_spans[key] = src.value_span(src_key)

    def call(self, name: str, arg: Any, node: Any, span: Span, path: str,
             key: str | None = None) -> Any:
        """One call ``$name: arg`` in its 1.3 form (None after an error)."""
        at = node.key_span(key) if isinstance(node, PMap) and key is not None else span
        if name in CARRIED:
            if name in ("get_property", "get_attribute") and isinstance(arg, PSeq):
                walked = self.tosca_path(name, arg, span, path)
                if walked is None:
                    return None
                paths, many = walked
                if many:
                    # ALL (§10.3): the list of the values of every path reached
                    calls = PSeq([self._carried(name, p, node, span, path, key)
                                  for p in paths], span=span)
                    calls.item_spans = [span] * len(calls)
                    return calls
                arg = paths[0]
            return self._carried(name, arg, node, span, path, key)
        if name in BOOLEAN and isinstance(node, PMap):
            # a boolean call on values the file writes has its value at load (§10.2.2)
            try:
                return Evaluator().truth(node, span)
            except ConditionError as e:
                self.diags.add("tosca-function", e.args[0], e.args[1], path=path)
                return None
            except NotEvaluable as e:
                self.diags.add("tosca2-unsupported",
                               f"${name} (TOSCA 2.0 {NOT_EVALUATED[name]}) has no value at "
                               f"load: {e.args[0]}", e.args[1], path=path,
                               hint="xfc evaluates boolean functions in a value when their "
                                    "arguments are written in the file (literals, or such "
                                    "calls)")
                return None
        if name in ARITHMETIC:
            lowered = self.value(arg, span, path)
            args = list(lowered) if isinstance(lowered, list) else [lowered]
            if literal_args(args):
                result, problem = evaluate(name, args)
                if problem is None:
                    return result
                self.diags.add("tosca-function", f"{problem} (TOSCA 2.0 §10.2.5)", at,
                               path=path)
                return None
        if name in NOT_EVALUATED:
            self.diags.add("tosca2-unsupported",
                           f"${name} (TOSCA 2.0 {NOT_EVALUATED[name]}) is not evaluated in a "
                           "value by xfc" + (" unless its arguments are numbers written in the file"
                                            if name in ARITHMETIC else ""), at, path=path,
                           hint="xfc evaluates $get_input, $get_property, $get_attribute, "
                                "$get_artifact, $concat, $join and $token in values; boolean "
                                "and comparison functions in validation clauses")
            return None
        self.diags.add("tosca-function", f"unknown function ${name}", at, path=path,
                       hint="custom function definitions (TOSCA 2.0 §6.6) are not read; "
                            "write $$ to mean a string that starts with $")
        return None

    def _carried(self, name: str, arg: Any, node: Any, span: Span, path: str,
                 key: str | None) -> PMap:
        """``{<1.3 name>: arg}``, ``arg`` lowered, at the call's position."""
        lowered = self.value(arg, span, path) if arg is not None else PSeq(span=span)
        out = PMap(span=getattr(node, "span", span))
        dict.__setitem__(out, CARRIED[name], lowered)
        out.key_spans[CARRIED[name]] = node.key_span(key) if isinstance(node, PMap) else span
        out.value_spans[CARRIED[name]] = span
        return out

    def tosca_path(self, name: str, arg: PSeq, span: Span,
                   path: str) -> tuple[list[PSeq], bool] | None:
        """A 2.0 ``<tosca_path>`` (§10.2.1.2, §10.3) in 1.3's form, one per path it
        reaches, and whether it wrote ``ALL`` (§10.3: the value is then their list):
        ``[X, CAPABILITY, c, p]`` → ``[X, c, p]``; ``[SELF, SOURCE|TARGET, p]`` →
        ``[SOURCE|TARGET, p]``; ``RELATIONSHIP`` steps walked by :mod:`.paths`."""
        items = list(arg)
        spans = [arg.item_span(i) for i in range(len(items))]
        indexed = len(items) > 1 and items[0] != "SELF" and (items[1] == "ALL" or (
            isinstance(items[1], int) and not isinstance(items[1], bool)))
        if ("RELATIONSHIP" in items[1:] or indexed) and self.graph is not None:
            walked = self.graph.walk(name, items, spans, self.self_node, path)
            if walked is None:
                return None
            out: list[PSeq] = []
            for its, sps in walked[0]:
                one = self._path13(name, its, sps, arg, path)
                if one is None:
                    return None
                out.append(one)
            return out, walked[1]
        one = self._path13(name, items, spans, arg, path)
        return None if one is None else ([one], False)

    def _path13(self, name: str, items: list[Any], spans: list[Span], arg: PSeq,
                path: str) -> PSeq | None:
        if len(items) >= 2 and items[0] == "SELF" and items[1] in ("SOURCE", "TARGET"):
            items, spans = items[1:], spans[1:]
        if len(items) >= 3 and items[1] == "CAPABILITY":
            items, spans = [items[0]] + items[2:], [spans[0]] + spans[2:]
        for i, it in enumerate(items):
            if it in ("RELATIONSHIP", "CAPABILITY", "SOURCE", "TARGET") and i > 0:
                self.diags.add("tosca2-unsupported",
                               f"${name} path step {it} (TOSCA 2.0 §10.2.1.2 tosca_path) is "
                               "not read by xfc", spans[i], path=path,
                               hint="name the node template (or SELF), optionally a "
                                    "capability with CAPABILITY, then the property")
                return None
        out = PSeq(items, span=arg.span)
        out.item_spans = spans
        return out

    # ------------------------------------------------------------- validation
    def validation(self, clause: Any, span: Span, path: str) -> PSeq | None:
        """The 1.3 ``constraints`` list a validation clause (§9.10) means, or None when
        it has none (a ``tosca-unsupported`` warning: the clause is not enforced)."""
        out = PSeq(span=span)
        if self._clause(clause, span, out):
            return out
        self.diags.add("tosca-unsupported",
                       "this validation clause (TOSCA 2.0 §9.10) has no TOSCA 1.3 constraint "
                       "form; it is accepted but not enforced", span, path=path,
                       hint="xfc enforces $and of comparisons of $value with literals "
                            "($equal, $greater_than, $greater_or_equal, $less_than, "
                            "$less_or_equal), $valid_values, $matches, $in_range, and of "
                            "{$length: $value} with a literal")
        return None

    def _clause(self, c: Any, span: Span, out: PSeq) -> bool:
        if not isinstance(c, PMap) or len(c) != 1:
            return False
        (k, args), = c.items()
        name = call_name(k)
        at = c.key_span(k)
        if name == "and" and isinstance(args, PSeq):
            return all(self._clause(a, args.item_span(i), out) for i, a in enumerate(args))
        if not isinstance(args, PSeq) or len(args) != 2:
            return False
        a, b = args
        flip = {"greater_than": "less_than", "less_than": "greater_than",
                "greater_or_equal": "less_or_equal", "less_or_equal": "greater_or_equal",
                "equal": "equal"}
        if name in flip:
            if _is_value(a) and _literal(b):
                return self._emit(out, name, b, at)
            if _is_value(b) and _literal(a):
                return self._emit(out, flip[name], a, at)
            length = {"equal": "length", "greater_or_equal": "min_length",
                      "less_or_equal": "max_length"}
            if name in length and _is_length(a) and isinstance(b, int) and \
                    not isinstance(b, bool):
                return self._emit(out, length[name], b, at)
            return False
        if name == "in_range" and _is_value(a) and isinstance(b, PSeq) and len(b) == 2 and \
                _literal(b):
            # not a 2.0 built-in: the community core profile defines it (§6.6) with 1.3's
            # meaning of the in_range constraint
            return self._emit(out, "in_range", b, at)
        if name == "valid_values" and _is_value(a) and isinstance(b, PSeq) and _literal(b):
            return self._emit(out, "valid_values", b, at)
        if name == "matches" and _is_value(a) and isinstance(b, str) and call_name(b) is None:
            return self._emit(out, "pattern", unescape(b), at)
        return False

    @staticmethod
    def _emit(out: PSeq, op: str, arg: Any, at: Span) -> bool:
        m = PMap(span=at)
        dict.__setitem__(m, op, arg)
        m.key_spans[op] = at
        m.value_spans[op] = at
        out.append(m)
        out.item_spans.append(at)
        return True


def _is_value(v: Any) -> bool:
    """``$value`` or ``{$value: []}`` (the value itself, §10.2.1.5)."""
    if v == "$value":
        return True
    return isinstance(v, PMap) and len(v) == 1 and call_name(next(iter(v))) == "value" and \
        next(iter(v.values())) in (None, [])


def _is_length(v: Any) -> bool:
    return isinstance(v, PMap) and len(v) == 1 and call_name(next(iter(v))) == "length" and \
        (_is_value(next(iter(v.values()))) or
         (isinstance(next(iter(v.values())), list) and len(next(iter(v.values()))) == 1 and
          _is_value(next(iter(v.values()))[0])))


def _literal(v: Any) -> bool:
    """A value with no function call inside."""
    if isinstance(v, str):
        return call_name(v) is None and not v.startswith("$$")
    if isinstance(v, dict):
        return all(call_name(k) is None and _literal(x) for k, x in v.items())
    if isinstance(v, list):
        return all(_literal(x) for x in v)
    return True


__all__ = ["Values", "call_name", "unescape", "CARRIED"]
