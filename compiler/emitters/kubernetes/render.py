"""Rendering Kubernetes view models to YAML through jinja2, and checking the result.

Phase: emit (last step of the Kubernetes back end).
Input: a list of :class:`K8sObject` (plain data: dicts, lists, str, int, float, bool,
None — nothing else).
Output: one YAML text per object, rendered by ``templates/kubernetes/object.yaml.j2``.

Safety (the issue's point 4): templates only loop and branch; every scalar and every key
they write goes through ONE filter, ``q``.  It writes a string *plain* (unquoted) only
when a conservative whitelist proves that every YAML reader takes it back as the same
string — YAML 1.1 (PyYAML, go-yaml v2: ``yes``/``y``/``on`` booleans, ``010`` octal,
``1:20`` sexagesimal, timestamps) and YAML 1.2 (core and JSON schemas) alike — and
double-quoted otherwise (JSON string syntax, a subset of YAML 1.2 double-quoted scalars,
with what a YAML 1.1 reader would fold escaped); numbers, booleans and null get their
canonical spelling.  A plain scalar holds no space, ``#``, quote, bracket, comma, ``&``,
``*``, ``!``, ``|``, ``>``, ``%`` and starts with a letter, a digit or ``/``, so no
value can open a new key, a new document (``---``), a comment, a tag (``!!python/...``)
or an anchor.  After rendering, the text is parsed back with ``yaml.safe_load_all`` and
compared with the view model: the same single document, the same keys and values;
otherwise the emitter raises InternalError (a bug in xfc, never in the input).

Codes: none.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

import jinja2
import yaml

from ...resources import templates_dir

# Characters that may stand unescaped in a double-quoted YAML scalar and survive a
# PyYAML (YAML 1.1 reader) round trip: printable, and not a YAML 1.1 line break
# (U+0085, U+2028, U+2029 would be folded) nor a BOM.
_UNSAFE_NONASCII = {0x85, 0x2028, 0x2029, 0xFEFF}


def _escape_char(c: str) -> str:
    o = ord(c)
    if c == '"':
        return '\\"'
    if c == "\\":
        return "\\\\"
    if 0x20 <= o <= 0x7E:
        return c
    if c == "\n":
        return "\\n"
    if c == "\t":
        return "\\t"
    if c == "\r":
        return "\\r"
    printable = (0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000) and (
        o not in _UNSAFE_NONASCII
    )
    if printable:
        return c
    if o <= 0xFF:
        return f"\\x{o:02x}"
    if o <= 0xFFFF:
        return f"\\u{o:04x}"
    return f"\\U{o:08x}"


# The plain-scalar whitelist.  ASCII letters, digits and ``. _ / - @`` anywhere after a
# first character that is alphanumeric or ``/`` (mount paths); ``:`` only inside (a ``:``
# last, or before a space, would be a mapping indicator; spaces are not in the set at all).
_PLAIN = re.compile(r"[A-Za-z0-9/](?:[A-Za-z0-9._/@:-]*[A-Za-z0-9._/@-])?\Z")

# Words some YAML reader resolves to a boolean, null or float when they stand plain, in any
# letter case (YAML 1.1 bool ``y|n|yes|no|on|off|true|false``, null ``null``; YAML 1.2
# core ``true|false|null``; ``nan``/``inf`` as some float parsers spell them).  Compared
# case-folded, so ``Yes``, ``ON``, ``nULL`` are quoted too: more than strictly needed.
_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null",
                    "nan", "inf", "infinity"})

# Every implicitly typed scalar that starts with a digit — YAML 1.1 int (decimal, ``0b``,
# ``0`` octal, ``0x``, ``_`` separators, sexagesimal ``1:20``), float (``1.``, ``1.2.3``,
# ``1e+3``, sexagesimal), timestamp (``2001-12-14t21:59:43.10-05:00``, ``2002-12-14``);
# YAML 1.2 int (``0o17``, ``0x1F``), float (``1e3``) — is spelled with these characters
# only (hex digits, the ``x o b t z e`` markers, separators), plus ``p i n j`` for good
# measure (hex floats, ``inf``/``nan``, complex).  A string starting with a digit is
# therefore plain only when it holds a character outside this set: ``256Mi``, ``500m``,
# ``5g-core``, ``10.0.0.0/24`` are plain; ``1e3``, ``010``, ``1.2.3``, ``2024-01-01`` are not.
_NUMERIC_CHARS = frozenset("0123456789abcdefABCDEFxXoObBtTzZeEpPiInNjJ._:+-")


def is_plain_safe(text: str) -> bool:
    """True when ``text`` may be written as a plain YAML scalar (see ``_PLAIN``)."""
    if not _PLAIN.match(text):
        return False
    if text[0].isdigit():
        return not set(text) <= _NUMERIC_CHARS
    return text.casefold() not in _WORDS


def quote(value: Any) -> str:
    """The ``q`` filter: a scalar as a YAML flow scalar that reads back as the same value.

    Strings are written plain when :func:`is_plain_safe` proves it unambiguous
    (``apps/v1``, ``app.kubernetes.io/name``, ``nginx:1.25``, ``256Mi``), else
    double-quoted (``"true"``, ``"yes"``, ``"1.0"``, ``"010"``, ``"a b"``, ``": "``,
    ``"---"``, ``"!!binary"``); numbers, booleans and null are written in the spelling
    both YAML 1.1 and 1.2 readers resolve to the same type.
    """
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "e" in text and "." not in text:  # PyYAML's float pattern needs a dot
            mant, _, exp = text.partition("e")
            text = f"{mant}.0e{exp}"
        return text
    if isinstance(value, str):
        if is_plain_safe(value):
            return value
        return '"' + "".join(_escape_char(c) for c in value) + '"'
    raise TypeError(f"q: not a scalar: {type(value).__name__}")  # a bug in the view model


@functools.cache
def environment() -> jinja2.Environment:
    """The one jinja2 environment of the Kubernetes back end."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "kubernetes")),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["q"] = quote
    return env


@dataclass(frozen=True, slots=True)
class K8sObject:
    """One Kubernetes object to write: its file name and its plain-data body."""

    path: str  # "kubernetes/<kind>-<name>.yaml"
    body: dict  # apiVersion, kind, metadata, ...
    template: str = "object.yaml.j2"

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def name(self) -> str:
        return str(self.body.get("metadata", {}).get("name", ""))


def canonical(value: Any) -> Any:
    """The view model with every mapping's keys sorted (order carries no meaning there)."""
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


# Top-level keys in the order kubectl shows them; the rest follow sorted.
_HEAD = ("apiVersion", "kind", "metadata")


def render(obj: K8sObject) -> str:
    """Render one object to YAML text (one document, no ``---``)."""
    body = canonical(obj.body)
    head = [(k, body[k]) for k in _HEAD if k in body]
    rest = [(k, body[k]) for k in body if k not in _HEAD]
    return environment().get_template(obj.template).render(entries=head + rest)


def _same(a: Any, b: Any) -> bool:
    """Deep equality that also tells ``1`` from ``True`` and ``1`` from ``1.0``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def check_rendered(obj: K8sObject, text: str) -> str | None:
    """Parse ``text`` back; None when it is exactly ``obj.body``, else what differs."""
    try:
        docs = [d for d in yaml.safe_load_all(text)]
    except yaml.YAMLError as exc:
        return f"the rendered YAML does not parse: {exc}"
    if len(docs) != 1:
        return f"the rendered YAML holds {len(docs)} documents instead of 1"
    if not _same(canonical(docs[0]), canonical(obj.body)):
        return "the rendered YAML differs from the view model"
    return None
