"""Checking a value against a TOSCA type: primitives, lists, maps, data types, constraints.

Phase: resolve.  Input: a value already evaluated by the caller (intrinsic functions
resolved; ``get_attribute`` kept as :class:`~compiler.model.RuntimeRef`; a dict that is
still an unevaluated function passes untouched), the definition it must satisfy (a
:class:`~compiler.resolve.typedefs.PropertyDef` or :class:`~compiler.resolve.typedefs.Schema`),
the registry and the value's position.  Output: the normalised value — data-type
defaults filled in, ``"true"``/numeric strings read as tosca-parser reads them (see
docs/type-system.md) — and diagnostics at the exact position of each offending part
(nested positions come from the PMap/PSeq the value is made of).

Named leniency (given a :class:`~compiler.loader.quirks.QuirkReporter`):
``value.number-as-string`` reads a YAML integer or float assigned to a ``string``
property as its decimal text, with a note — the assigned value itself, where
tosca-parser's ``Property.validate`` does ``str(value)``.  ``value.number-as-string-in-data``
(opt-in: tosca-parser rejects these) does the same for a field of a data-type value (ONAP
SDC writes ``port: 8080`` into string fields).  An entry of a list or map is never read
so.  Without a reporter (type defaults, inputs) the letter of the spec applies.

Codes: tosca-wrong-type (a value that is not of its type), tosca-unknown-property (a key
that a data type does not define), tosca-missing-property (a required data-type property
with no value and no default), tosca-constraint (a constraint is violated),
tosca-unknown-type (the value's type is not a data type, so it cannot be checked),
tosca-quirk.
"""

from __future__ import annotations

import copy
from ..suggest import close_matches
import math
from typing import Any

from ..diagnostics import Diagnostics, Span
from ..limits import DEFAULT_LIMITS, exceeded
from ..loader.yamlpos import PMap, PSeq, span_in
from ..model import RuntimeRef
from .constraints import Constraint, comparable, describe, parse_range, show, violation
from .typedefs import MISSING, PropertyDef, Schema, yaml_type

FUNCTIONS = frozenset({
    "get_input", "get_property", "get_attribute", "get_operation_output",
    "get_nodes_of_type", "get_artifact", "concat", "join", "token",
})


def is_function(value: Any) -> bool:
    """A one-key mapping naming a TOSCA intrinsic function (TOSCA 1.3 §4)."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in FUNCTIONS


def validate_value(value: Any, definition: PropertyDef | Schema, reg: Any, span: Span,
                   path: str, diags: Diagnostics, quirks: Any = None,
                   from_function: frozenset[str] = frozenset()) -> Any:
    """Check ``value`` against ``definition``; return it normalised (defaults filled).

    ``quirks`` is the resolution's :class:`~compiler.loader.quirks.QuirkReporter`, or None
    for no leniency.  ``from_function``: the paths (as ``path`` writes them) where the
    value as written held a function call, so that a number a function gave (ONAP's
    integer input into a string) is not answered as a literal to quote."""
    return _Checker(reg, diags, quirks, from_function).check(
        value, definition.type, definition.scope, definition.constraints,
        definition.entry_schema, definition.key_schema, span, path,
    )


def validate_type(value: Any, type_name: str, reg: Any, span: Span, path: str,
                  diags: Diagnostics, scope: str = "", quirks: Any = None) -> Any:
    """Check ``value`` against a bare type name (no constraints of a definition)."""
    return _Checker(reg, diags, quirks).check(value, type_name, scope, (), None, None, span, path)


def number_text(v: Any) -> str | None:
    """The decimal text of a finite YAML integer or float (``8080`` -> ``"8080"``,
    ``1.5`` -> ``"1.5"``); None for anything else."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float) and math.isfinite(v):
        return repr(v)
    return None


class _Checker:
    __slots__ = ("reg", "diags", "quirks", "depth", "field", "from_function")

    def __init__(self, reg: Any, diags: Diagnostics, quirks: Any = None,
                 from_function: frozenset[str] = frozenset()) -> None:
        self.reg = reg
        self.diags = diags
        self.quirks = quirks
        self.from_function = from_function
        self.depth = 0  # 1 while checking the assigned value itself, more inside it
        self.field = 0  # the depth of the data-type field value being checked, if any

    def _computed(self, path: str) -> bool:
        """The value at ``path`` is (inside) the result of a function call."""
        return any(path == p or path.startswith(p + "[") for p in self.from_function)

    def wrong(self, msg: str, span: Span, path: str) -> None:
        self.diags.add("tosca-wrong-type", msg, span, path=path)

    def _unknown_data_hint(self, tname: str, scope: str) -> str:
        """Where the name is defined instead, or that nothing defines it: the cause is the
        definition that names the type, not the value checked against it."""
        from .typedefs import KINDS, SECTIONS

        other = [k for k in KINDS if k != "data" and self.reg.canonical(k, tname, scope)]
        if other:
            return (f"{tname!r} is defined under {SECTIONS[other[0]]}; a data type is "
                    "defined under data_types (TOSCA 1.3 §3.7.6)")
        return (f"no imported file defines {tname!r}: import the file that does (for "
                "tosca.datatypes.nfv.*, the SOL001 type files), or define it under data_types")

    def check(self, value: Any, tname: str, scope: str, constraints: tuple[Constraint, ...],
              entry: Schema | None, key: Schema | None, span: Span, path: str) -> Any:
        self.depth += 1
        try:
            return self._check(value, tname, scope, constraints, entry, key, span, path)
        finally:
            self.depth -= 1

    def _check(self, value: Any, tname: str, scope: str, constraints: tuple[Constraint, ...],
               entry: Schema | None, key: Schema | None, span: Span, path: str) -> Any:
        if isinstance(value, RuntimeRef) or is_function(value):
            return value
        reg = self.reg
        canon = reg.canonical("data", tname, scope) if tname else None
        if canon is None:
            # one unknown type name is one error, at the first value checked against it
            if tname and value is not None and not self.diags.failed_at(("data", scope, tname)):
                self.diags.mark_failed(("data", scope, tname), span)
                self.diags.add(
                    "tosca-unknown-type",
                    f"the value cannot be checked: {tname!r} is not a data type", span,
                    path=path, hint=self._unknown_data_hint(tname, scope),
                )
            return value
        prim = reg.primitive_of(canon)
        ok = True
        if prim is not None:
            value, ok = self.primitive(value, prim, canon, span, path)
            if ok and prim in ("list", "map"):
                value = self.collection(
                    value, prim, canon, entry or reg.schema_of(canon, "entry_schema"),
                    key or reg.schema_of(canon, "key_schema"), span, path,
                )
        else:
            value, ok = self.complex(value, canon, span, path)
        if ok:
            base = prim or ""
            for c in reg.constraints_of(canon) + tuple(constraints):
                why = violation(c, value, base)
                if why:
                    self.diags.add("tosca-constraint", f"{why} (constraint {describe(c)})",
                                   span, path=path)
        return value

    # -- primitives -----------------------------------------------------------
    def primitive(self, v: Any, prim: str, canon: str, span: Span, path: str
                  ) -> tuple[Any, bool]:
        shown = canon if canon == prim else f"{canon} (a {prim})"
        if prim == "string":
            if isinstance(v, str):
                return v, True
            text = number_text(v)
            quirk = "value.number-as-string" if self.depth == 1 else (
                "value.number-as-string-in-data" if self.depth == self.field else None)
            if text is not None and quirk and self.quirks is not None and \
                    self.quirks.allow(quirk, span, f"read as {text!r}", path=path):
                return text, True
            if text is not None and self._computed(path):
                # a function (get_input of an integer input, as ONAP SDC writes them into
                # meta_data) gave the number: its canonical text, as ONAP means it
                if quirk != "value.number-as-string" and self.quirks is not None and \
                        self.quirks.allow("value.number-from-function", span,
                                          f"read as {text!r}", path=path):
                    return text, True
                self.wrong(f"{show(v)}, which a function gives here, is {yaml_type(v)}, not "
                           "a string", span, path)  # no literal to quote
                return v, False
            if text is not None and quirk == "value.number-as-string-in-data":
                self.diags.add("tosca-wrong-type", f"{show(v)} is {yaml_type(v)}, not a "
                               "string; quote it", span, path=path,
                               hint="a producer that writes numbers into string fields "
                               "(ONAP SDC) is read with --quirk "
                               "value.number-as-string-in-data")
                return v, False
            self.wrong(f"{show(v)} is {yaml_type(v)}, not a string; quote it", span, path)
            return v, False
        if prim == "integer":
            if isinstance(v, int) and not isinstance(v, bool):
                return v, True
            if isinstance(v, str) and v.strip().lstrip("+-").isdigit():
                if len(v) > DEFAULT_LIMITS.max_number_digits:  # int() refuses > 4,300 digits
                    exceeded(self.diags, "max_number_digits", DEFAULT_LIMITS,
                             f"an integer of {len(v):,} digits", span)
                    return v, False
                return int(v), True  # tosca-parser reads "8" as 8
            self.wrong(f"{show(v)} is not an integer ({shown})", span, path)
            return v, False
        if prim == "float":
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return v, True
            self.wrong(f"{show(v)} is not a number ({shown})", span, path)
            return v, False
        if prim == "boolean":
            if isinstance(v, bool):
                return v, True
            if isinstance(v, str) and v.lower() in ("true", "false"):
                return v.lower() == "true", True  # tosca-parser accepts "True"/"false"
            self.wrong(f"{show(v)} is not a boolean (true or false)", span, path)
            return v, False
        if prim == "null":
            if v is None:
                return v, True
            self.wrong(f"{show(v)} is not null", span, path)
            return v, False
        if prim in ("timestamp", "version") or prim.startswith("scalar-unit."):
            try:
                comparable(v, prim)
            except ValueError as exc:
                self.wrong(f"{exc} ({shown})", span, path)
                return v, False
            return v, True
        if prim == "range":
            try:
                parse_range(v)
            except ValueError as exc:
                self.wrong(str(exc), span, path)
                return v, False
            return v, True
        if prim == "list":
            if isinstance(v, list):
                return v, True
            self.wrong(f"{show(v)} is {yaml_type(v)}, not a list ({shown})", span, path)
            return v, False
        if prim == "map":
            if isinstance(v, dict):
                return v, True
            self.wrong(f"{show(v)} is {yaml_type(v)}, not a map ({shown})", span, path)
            return v, False
        return v, True

    def collection(self, v: Any, prim: str, canon: str, entry: Schema | None,
                   key: Schema | None, span: Span, path: str) -> Any:
        if prim == "list":
            if entry is None:
                return v
            out = PSeq(span=getattr(v, "span", span))
            out.item_spans = list(getattr(v, "item_spans", ()))
            for i, item in enumerate(v):
                out.append(self.check(
                    item, entry.type, entry.scope, entry.constraints, entry.entry_schema,
                    entry.key_schema, span_in(v, i, span), f"{path}[{i}]",
                ))
            return out
        if entry is None and key is None:
            return v
        out_m = PMap(span=getattr(v, "span", span))
        for k, item in v.items():
            ks = v.key_span(k) if isinstance(v, PMap) else span
            if key is not None:
                self.check(k, key.type, key.scope, key.constraints, None, None, ks,
                           f"{path}[{k!r}] (key)")
            if entry is not None:
                item = self.check(
                    item, entry.type, entry.scope, entry.constraints, entry.entry_schema,
                    entry.key_schema, span_in(v, k, span), f'{path}["{k}"]',
                )
            dict.__setitem__(out_m, k, item)
            if isinstance(v, PMap):
                out_m.key_spans[k] = v.key_span(k)
                out_m.value_spans[k] = v.value_span(k)
        return out_m

    # -- data types ------------------------------------------------------------
    def complex(self, v: Any, canon: str, span: Span, path: str) -> tuple[Any, bool]:
        if not isinstance(v, dict):
            self.wrong(f"{show(v)} is {yaml_type(v)}, but {canon} is a data type whose "
                       "values are mappings", span, path)
            return v, False
        props: dict[str, PropertyDef] = self.reg.properties("data", canon)
        out = PMap(span=getattr(v, "span", span))
        ok = True
        for k, item in v.items():
            kspan = v.key_span(k) if isinstance(v, PMap) else span
            d = props.get(k)
            if d is None:
                close = close_matches(str(k), list(props))
                self.diags.add(
                    "tosca-unknown-property",
                    f"{k!r} is not a property of data type {canon}",
                    kspan, path=f'{path}["{k}"]',
                    hint=f"did you mean {close[0]!r}?" if close else (
                        "properties: " + ", ".join(props) if props else "it has no properties"),
                )
                ok = False
                continue
            if item is None and d.type != "null":
                continue  # an explicit null is no value (filled below)
            vspan = span_in(v, k, span)
            outer, self.field = self.field, self.depth + 1
            try:
                item = self.check(item, d.type, d.scope, d.constraints, d.entry_schema,
                                  d.key_schema, vspan, f'{path}["{k}"]')
            finally:
                self.field = outer
            dict.__setitem__(out, k, item)
            if isinstance(v, PMap):
                out.key_spans[k] = kspan
                out.value_spans[k] = vspan
        for name, d in props.items():
            if name in out:
                continue
            if d.default is not MISSING:
                dict.__setitem__(out, name, copy.deepcopy(d.default))
                out.value_spans[name] = d.default_span
            elif d.required:
                self.diags.add(
                    "tosca-missing-property",
                    f"data type {canon} requires property {name!r}, which has no default",
                    getattr(v, "span", span), path=path,
                )
                ok = False
        return out, ok


__all__ = ["FUNCTIONS", "is_function", "validate_value", "validate_type", "MISSING"]
