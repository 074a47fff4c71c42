"""TOSCA 2.0 value types that TOSCA 1.3 has no type for: ``scalar`` and ``bytes``.

Phase: load (the TOSCA 2.0 front end, :mod:`compiler.tosca2`).  Input: a data type
definition derived from ``scalar``, or a property/attribute/parameter/schema definition of
``type: bytes``.  Output: its 1.3 form, a ``string`` with a ``pattern`` constraint that
holds exactly the values the 2.0 type accepts, positioned where the 2.0 text wrote it.

* ``scalar`` (TOSCA 2.0, the scalar type; csd06 §9.1.2.2 called it ``scalar-unit``): a
  data type derived from it declares ``units`` (symbol → multiplier), optionally
  ``prefixes`` (prefix → multiplier), ``canonical_unit`` and ``data_type`` (``integer``
  or ``float``, the default).  A value is ``<number> <prefix><unit>``.  xfc checks that
  form; it does not convert between units, so a ``validation`` clause on the type, which
  would compare numbers in the canonical unit, is accepted with a warning and not
  enforced (comparing the strings would change its meaning).
* ``bytes`` (§9.1.1.5): a Base64 string (RFC 2045 §6.8).  A length clause on it counts
  bytes, not characters, so constraints on a bytes definition are a warning, not enforced.

Codes: tosca-wrong-type (malformed ``units``/``prefixes``/``canonical_unit``/``data_type``),
tosca-unsupported (a validation clause that is not enforced).
"""

from __future__ import annotations

import re
from typing import Any

from ...diagnostics import Diagnostics, Span
from ..yamlpos import PMap, PSeq

SCALAR_KEYS = ("data_type", "units", "prefixes", "canonical_unit")
_INTEGER = r"[+-]?[0-9]+"
_FLOAT = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
BASE64 = r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"


def _symbols(body: PMap, key: str, diags: Diagnostics, path: str) -> list[str] | None:
    """The symbols of ``units``/``prefixes``: a map of strings to numbers."""
    m = body.get(key)
    ok = isinstance(m, PMap) and (bool(m) or key == "prefixes") and all(
        isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
        for k, v in m.items())
    if not ok or not isinstance(m, PMap):
        diags.add("tosca-wrong-type", f"{key} of a scalar type must be a map of symbols to "
                  "numbers" + (" with at least one unit" if key == "units" else ""),
                  body.value_span(key), path=f"{path}.{key}")
        return None
    return [str(k) for k in m]


def _alternation(symbols: list[str]) -> str:
    # longest first, so that 'Ki' is tried before 'K'
    return "|".join(re.escape(s) for s in sorted(symbols, key=lambda s: (-len(s), s)))


def _constraint(out: PMap, src: PMap, src_key: str, pattern: str) -> None:
    """Appends ``{pattern: ...}`` to ``out``'s constraints, at ``src_key``'s position."""
    c = PMap(span=src.key_span(src_key))
    dict.__setitem__(c, "pattern", pattern)
    c.key_spans["pattern"] = c.value_spans["pattern"] = src.key_span(src_key)
    seq = out.get("constraints")
    if not isinstance(seq, PSeq):
        seq = PSeq(span=src.key_span(src_key))
        dict.__setitem__(out, "constraints", seq)
        out.key_spans["constraints"] = out.value_spans["constraints"] = src.key_span(src_key)
    seq.append(c)
    seq.item_spans.append(src.key_span(src_key))


def scalar_type_names(types: Any) -> frozenset[str]:
    """The data types of a file's ``data_types`` derived, there, from ``scalar``."""
    if not isinstance(types, PMap):
        return frozenset()
    found: set[str] = set()
    grew = True
    while grew:
        grew = False
        for name, body in types.items():
            base = body.get("derived_from") if isinstance(body, PMap) else None
            if name not in found and (base == "scalar" or base in found):
                found.add(name)
                grew = True
    return frozenset(found)


def scalar_type(out: PMap, body: PMap, diags: Diagnostics, path: str,
                types: Any = None) -> PMap:
    """``out``, the lowered data type ``body`` derived from ``scalar``, as a 1.3 string
    type whose pattern admits ``<number> <prefix><unit>``.  Its ``data_type`` is
    ``integer``, ``float`` or a data type of the same file (``types``) derived from one
    of them (its own validation, like the scalar's, is not enforced on the number)."""
    res = PMap(span=out.span)
    for k in out:
        if k not in SCALAR_KEYS and k != "constraints":
            dict.__setitem__(res, k, out[k])
            res.key_spans[k] = out.key_span(k)
            res.value_spans[k] = out.value_span(k)
    dict.__setitem__(res, "derived_from", "string")
    if "constraints" in out:
        diags.add("tosca-unsupported", "a validation clause on a scalar type is accepted but "
                  "not enforced: xfc checks a scalar's form, not its magnitude",
                  body.key_span("validation"), path=f"{path}.validation")
    if "units" not in body:
        diags.add("tosca-wrong-type", "a scalar type must define its units",
                  body.key_span("derived_from"), path=path)
        return res
    units = _symbols(body, "units", diags, path)
    prefixes = _symbols(body, "prefixes", diags, path) if "prefixes" in body else []
    kind, checked = _number_base(body.get("data_type", "float"), types)
    if kind not in ("integer", "float"):
        diags.add("tosca-wrong-type", f"data_type of a scalar type must be integer or float, "
                  f"not {kind!r}", body.value_span("data_type"), path=f"{path}.data_type")
        return res
    if checked:
        diags.add("tosca-unsupported", f"the validation of data_type {body['data_type']!r} "
                  "is accepted but not enforced on a scalar's number: xfc checks a scalar's "
                  "form, not its magnitude", body.value_span("data_type"),
                  path=f"{path}.data_type")
    canon = body.get("canonical_unit")
    if units is not None and canon is not None and canon not in units:
        diags.add("tosca-wrong-type", f"canonical_unit {canon!r} is not one of the units "
                  f"({', '.join(units)})", body.value_span("canonical_unit"),
                  path=f"{path}.canonical_unit")
    if units is None or prefixes is None:
        return res
    number = _INTEGER if kind == "integer" else _FLOAT
    prefix = f"(?:{_alternation(prefixes)})?" if prefixes else ""
    _constraint(res, body, "units", rf"\s*{number}\s*{prefix}(?:{_alternation(units)})\s*")
    return res


def bytes_def(out: Any, body: Any, diags: Diagnostics, path: str,
              span: Span | None = None) -> Any:
    """A definition lowered to ``out``: ``type: bytes`` becomes a Base64 string."""
    if isinstance(body, str):  # an entry_schema / key_schema short form, at ``span``
        if body != "bytes":
            return out
        res = PMap(span=span)
        dict.__setitem__(res, "type", "string")
        res.key_spans["type"] = res.value_spans["type"] = res.span
        _constraint(res, res, "type", BASE64)
        return res
    if not isinstance(out, PMap) or not isinstance(body, PMap) or out.get("type") != "bytes":
        return out
    dict.__setitem__(out, "type", "string")
    if "constraints" in out:
        diags.add("tosca-unsupported", "a validation clause on bytes is accepted but not "
                  "enforced: its length counts bytes, which xfc does not decode (TOSCA 2.0 "
                  "§9.1.1.5)", body.key_span("validation"), path=f"{path}.validation")
        dict.__delitem__(out, "constraints")
    _constraint(out, body, "type", BASE64)
    return out


def _number_base(kind: Any, types: Any) -> tuple[Any, bool]:
    """``integer`` or ``float`` when ``kind`` is one, or a data type of ``types`` derived
    from one (through the file's own types, cycles cut); else ``kind``.  With it, whether
    a type on the way writes a ``validation`` (not enforced on the number)."""
    seen: set[Any] = set()
    cur, checked = kind, False
    while isinstance(cur, str) and cur not in ("integer", "float") and cur not in seen \
            and isinstance(types, PMap) and isinstance(types.get(cur), PMap):
        seen.add(cur)
        checked = checked or "validation" in types[cur]
        cur = types[cur].get("derived_from")
    return (cur, checked) if cur in ("integer", "float") else (kind, False)
