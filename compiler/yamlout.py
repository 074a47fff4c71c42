"""The one YAML writer: every YAML file any back end produces is written here.

Phase: emit (the last step of every back end).
Input: plain data — dicts, lists/tuples, str, int, float, bool, None — built by a back end
as its view model.
Output: deterministic YAML text (block style, mapping keys sorted, no anchors, no tags,
no document markers) that every YAML 1.1 reader (PyYAML, go-yaml v2, which
``sigs.k8s.io/yaml`` and so kubectl use) and every YAML 1.2 reader (ruamel.yaml, libyaml
with a core-schema resolver, the JSON schema) takes back as exactly that data.

Why one writer: before it, the Kubernetes back end wrote through a recursive jinja2 macro
with a quoter, and the policies back end through ``yaml.safe_dump``, whose resolver is
YAML 1.1 only — so a template named ``1e3`` or ``0o10`` came out bare in the policies (a
float and an int to a YAML 1.2 reader) and quoted in the manifests.

Scalars go through :func:`quote`.  A string is written *plain* only when a conservative
whitelist (:func:`is_plain_safe`) proves that no YAML 1.1 or 1.2 schema resolves it to
anything but that string: ASCII letters, digits and ``. _ / - @ :`` (``:`` never last),
starting with a letter, a digit or ``/``, not one of the words some reader takes for a
boolean/null/float (``yes``, ``no``, ``on``, ``off``, ``y``, ``n``, ``true``, ``null``,
``nan``, ``inf`` ... in any letter case), and, when it starts with a digit, holding a
character no number or timestamp is spelled with (``256Mi`` is plain; ``1e3``, ``010``,
``0x1F``, ``1:20``, ``2024-01-01`` are not).  Every other string is double-quoted with
JSON-style escapes, and with ``\\x85``, ``\\u2028``, ``\\u2029``, the BOM and every
control character escaped (a YAML 1.1 reader folds the three line breaks).  So no value
can open a key, a document, a comment, a tag or an anchor.

Layout: mappings in block style, keys sorted by their text (``head`` keys of the top
mapping first: ``apiVersion, kind, metadata`` for Kubernetes objects); block sequences
either indented under their key (kubectl's style, ``indent_sequences=True``) or level with
it (PyYAML's style, which the policy files have always used); empty collections as ``{}``
and ``[]``; floats in a spelling both YAML versions read as floats (``1.0e+20``, ``.inf``).

Self-check: :func:`write` reads its own output back with libyaml (PyYAML's
``CSafeLoader`` parser, ten times faster than the pure-Python one) and compares it with
the data, types included (``1`` is not ``True`` nor ``1.0``); a difference raises
:class:`compiler.diagnostics.InternalError` — a bug in xfc, never in the input.  The
comparison walks libyaml's events alongside the data and resolves and constructs each
scalar as PyYAML's safe loader does (cached per distinct plain scalar), instead of
loading the whole document through PyYAML's Python constructor: on a dense topology the
constructor was 70 % of the compile, and building the document nobody keeps cost memory.
``write(..., proved=True)`` (the policy files, megabytes on a dense topology) checks the
text by its distinct scalars instead (:func:`dump_proved`, "the proof" below): the layout
around the scalars is this module's own whatever the values, so each distinct scalar is
read back once per process rather than every document whole.

The emitter is a plain function: a template adds nothing to writing plain data, and the
macro it replaces cost a jinja2 call per value.  It walks the data with an explicit
stack, so no input-controlled depth reaches Python's recursion limit.

Codes: none (a self-check failure is an InternalError, exit code 3).
"""

from __future__ import annotations

import functools
import math
import operator
import re
import threading
from collections.abc import Sequence
from typing import Any, Iterable, Iterator

import yaml

from .diagnostics import InternalError

__all__ = ["AsRead", "dump", "dump_proved", "write", "read_back_problem", "canonical", "as_read", "quote",
           "is_plain_safe", "same"]

# libyaml's parser, whose events the read-back walks; the pure-Python one where PyYAML was
# built without libyaml (same events, slower).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# --------------------------------------------------------------------------- scalars

# Characters that may stand unescaped in a double-quoted scalar and survive a YAML 1.1
# reader: printable, and neither a YAML 1.1 line break (U+0085, U+2028, U+2029 would be
# folded into a space or newline) nor a BOM.
_UNSAFE_NONASCII = frozenset({0x85, 0x2028, 0x2029, 0xFEFF})


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
    if 0xD800 <= o <= 0xDFFF:  # YAML text is Unicode scalar values: no escape can hold one
        raise InternalError(f"a string to write holds the lone surrogate U+{o:04X} (bytes "
                            "that were not UTF-8); the front end must refuse it")
    if o <= 0xFF:
        return f"\\x{o:02x}"
    if o <= 0xFFFF:
        return f"\\u{o:04x}"
    return f"\\U{o:08x}"


# The plain-scalar whitelist.  ASCII letters, digits and ``. _ / - @`` anywhere after a
# first character that is alphanumeric or ``/`` (mount paths); ``:`` only inside (a ``:``
# last, or before a space, would be a mapping indicator; spaces are not in the set at all,
# so neither ``: `` nor `` #`` can occur).
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


# The characters ``_escape_char`` would change or refuse: all but printable ASCII other than
# ``"`` and ``\``.  Only these are handed to it, one match each; the rest of the text is
# copied as it stands (a policy's long label values were escaped character by character).
_NEEDS_ESCAPE = re.compile(r'[^ !#-\[\]-~]')


def _escape_match(m: re.Match[str]) -> str:
    return _escape_char(m[0])


def double_quoted(value: str) -> str:
    """``value`` as a double-quoted scalar with JSON-style escapes, and with the YAML 1.1
    line breaks, the BOM and control characters escaped (never plain)."""
    return '"' + _NEEDS_ESCAPE.sub(_escape_match, value) + '"'


# The two scalar caches keep short texts only: names, labels and keywords recur thousands
# of times, a long text hardly ever, and 65,536 texts of a scalar's 4 MiB would pin
# gigabytes in a long-running service.  At most 65,536 x 256 characters each.
_CACHED_CHARS = 256


@functools.lru_cache(maxsize=1 << 16)  # bounded and thread-safe; keyed by the text itself
def _quote_short(value: str) -> str:
    return _quote_long(value)


def _quote_long(value: str) -> str:
    if is_plain_safe(value):
        return value
    return double_quoted(value)


def _quote_str(value: str) -> str:
    return _quote_short(value) if len(value) <= _CACHED_CHARS else _quote_long(value)


def quote(value: Any) -> str:
    """A scalar as a YAML flow scalar that every reader takes back as the same value.

    Strings are written plain when :func:`is_plain_safe` proves it unambiguous
    (``apps/v1``, ``app.kubernetes.io/name``, ``nginx:1.25``, ``256Mi``), else
    double-quoted (``"true"``, ``"yes"``, ``"1.0"``, ``"010"``, ``"a b"``, ``": "``,
    ``"---"``, ``"!!binary"``); numbers, booleans and null are written in the spelling
    both YAML 1.1 and 1.2 readers resolve to the same type.
    """
    if isinstance(value, str):
        return _quote_str(str.__str__(value))  # a str subclass as its text
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        try:
            return str(int(value))
        except ValueError as exc:  # more digits than Python converts: limits come earlier
            raise InternalError(f"an integer too long to write reached the YAML writer: {exc}") from None
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(float(value))
        if "e" in text and "." not in text:  # YAML 1.1's float pattern needs a dot
            mant, _, exp = text.partition("e")
            text = f"{mant}.0e{exp}"
        return text
    raise TypeError(f"not a YAML scalar: {type(value).__name__}")  # a bug in the view model


# --------------------------------------------------------------------------- documents


def _key(k: Any) -> str:
    return k if isinstance(k, str) else str(k)


def canonical(value: Any) -> Any:
    """``value`` as the reader gives it back: mapping keys sorted by their text, tuples as
    lists.  Iterative (an explicit stack), so deep data cannot exhaust Python's stack."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while stack:
        v, parent, slot = stack.pop()
        if isinstance(v, dict):
            new: Any = {}
            for k in sorted(v, key=_key):
                new[k] = None
                stack.append((v[k], new, k))
        elif isinstance(v, (list, tuple)):
            new = [None] * len(v)
            for i, x in enumerate(v):
                stack.append((x, new, i))
        else:
            new = v
        parent[slot] = new
    return root[0]


_ONLY_STR = {str}
_first = operator.itemgetter(0)


def as_read(doc: Any, head: Iterable[str] = ()) -> Any:
    """``doc`` as a YAML reader gives back the text :func:`dump` writes of it: plain
    ``dict``/``list``/``str``/``int``/``float``/``bool``/``None`` (subclasses and tuples
    turned into them) with every mapping's keys in the written order (``head`` first at
    the top, then by their text).  What the emitters hand the bundlers as data
    (:attr:`compiler.model.OutputFile.documents`), so that nothing parses our own output
    again.  Iterative, like :func:`canonical`."""
    head_keys = tuple(head)
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, bool]] = [(doc, root, 0, True)]
    while stack:
        v, parent, slot, top = stack.pop()
        if type(v) is str:  # the common scalar: a str is given back as itself
            parent[slot] = v
            continue
        kind = _kind(v)
        if kind is dict:
            new: Any = {}
            if top:
                entries = _ordered(v, head_keys)
            elif set(map(type, v)) == _ONLY_STR:  # as dump sorts them
                entries = sorted(v.items(), key=_first)
            else:
                entries = sorted(v.items(), key=lambda kv: _key(kv[0]))
            for k, x in entries:
                if type(k) is str:
                    key = k
                else:
                    key = _kind(k)(k) if _kind(k) in (str, int, float, bool) else k
                new[key] = None
                stack.append((x, new, key, False))
        elif kind is list:
            new = [None] * len(v)
            for i, x in enumerate(v):
                stack.append((x, new, i, False))
        elif kind in (str, int, float, bool):
            new = kind(v)
        else:
            new = v
        parent[slot] = new
    return root[0]


class AsRead(Sequence):
    """``(as_read(doc, head),)``, made on first use: what a file of one document holds as
    data (:attr:`compiler.model.OutputFile.documents`), for the bundlers.  A check or a
    compile reads no policy file's documents, and copying a dense topology's megabytes of
    policies cost ~5 % of its compile.  ``doc`` must not change once written (the view
    models are built for the file and dropped).  Pickles as the plain tuple."""

    __slots__ = ("_doc", "_head", "_made", "_lock")

    def __init__(self, doc: Any, head: Iterable[str] = ()) -> None:
        self._doc = doc
        self._head = tuple(head)
        self._made: tuple[Any, ...] | None = None
        self._lock = threading.Lock()

    def _items(self) -> tuple[Any, ...]:
        made = self._made
        if made is None:
            with self._lock:
                made = self._made
                if made is None:
                    made = self._made = (as_read(self._doc, self._head),)
                    self._doc = None  # the copy is what is kept
        return made

    def __getitem__(self, index: Any) -> Any:
        return self._items()[index]

    def __len__(self) -> int:
        return 1

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items())

    def __reduce__(self) -> Any:
        return (tuple, (self._items(),))


def _ordered(m: dict, head: Iterable[str]) -> list[tuple[Any, Any]]:
    first = [k for k in head if k in m]
    taken = set(first)
    return [(k, m[k]) for k in first] + [(k, m[k]) for k in sorted(m, key=_key) if k not in taken]


def dump(doc: Any, *, indent_sequences: bool = True, head: Iterable[str] = (),
         header: Iterable[str] = ()) -> str:
    """``doc`` as YAML text (one document, no ``---``).  See the module docstring for the
    layout.  ``header`` lines become ``# `` comments on top (fixed text, never input: a
    line break in one is a bug).  Raises TypeError for a value that is not plain data."""
    return _dump(doc, indent_sequences, head, header, None)


class _Written:
    """What :func:`_dump` reports of the scalars it wrote, for :func:`proof_problem`."""

    __slots__ = ("short", "others", "long_keys", "depth")

    def __init__(self) -> None:
        self.short: Iterable[str] = ()  # each distinct short str (values and keys)
        self.others: list[Any] = []  # every other scalar written (repeats included)
        self.long_keys: list[Any] = []  # the keys written in more than _KEY_FORM characters
        self.depth = 0  # the deepest indentation, in columns


def _quoted(memo: dict[str, str], text: str) -> str:
    """A short string's written form, kept in ``memo`` (one document's); called on a miss
    only (``memo.get(text) or _quoted(memo, text)``: a written form is never empty)."""
    q = memo[text] = _quote_str(text)
    return q


def _push(todo: list[Any], split: int, pieces: list[str], stack: list[Any]) -> None:
    """A collection's pieces (text, or a value still to write) in order: the text before
    its first value still to write goes out now (the stack would give it next), the rest
    onto the stack.  Most mappings and sequences of a policy file hold scalars only."""
    if split < 0:
        pieces.extend(todo)
    else:
        pieces.extend(todo[:split])
        stack.extend(reversed(todo[split:]))


def _dump(doc: Any, indent_sequences: bool, head: Iterable[str], header: Iterable[str],
          written: _Written | None) -> str:
    out: list[str] = []
    for line in header:
        if any(c in line for c in "\n\r\x85\u2028\u2029"):
            raise InternalError(f"a header line holds a line break: {line!r}")
        out.append(f"# {line}\n")
    # Work items: (value, indent, parent kind, first-on-line) or a literal text piece.
    # "parent kind" is "top", "map" (the value follows ``key:``) or "seq" (follows ``-``).
    stack: list[Any] = [(doc, 0, "top")]
    pieces: list[str] = []
    put = pieces.append
    head_keys = tuple(head)
    quoted: dict[str, str] = {}  # each short string's written form (_quoted)
    while stack:
        item = stack.pop()
        if type(item) is str:
            put(item)
            continue
        v, ind, parent = item
        if type(v) is str and len(v) <= _CACHED_CHARS:  # the common scalar, exactly a str
            q = quoted.get(v) or _quoted(quoted, v)
            put(q if parent == "top" else " " + q)
            continue
        if written is not None and ind > written.depth and isinstance(v, (dict, list, tuple)):
            written.depth = ind
        if isinstance(v, dict):
            if not v:
                put(" {}" if parent != "top" else "{}")
                continue
            if parent == "top":
                entries = _ordered(v, head_keys)
            elif set(map(type, v)) == _ONLY_STR:  # text order is the keys' own order
                entries = sorted(v.items(), key=_first)
            else:
                entries = sorted(v.items(), key=lambda kv: _key(kv[0]))
            todo: list[Any] = []
            split = -1  # the index of the first value still to write (a collection), if any
            pad = "\n" + " " * ind
            lead = " " if parent == "seq" else "" if parent == "top" else pad  # the first's
            for k, x in entries:
                if type(k) is str and len(k) <= _CACHED_CHARS:
                    q = quoted.get(k) or _quoted(quoted, k)
                else:
                    q = quote(k)
                    if written is not None:
                        written.others.append(k)
                if len(q) > _KEY_FORM and written is not None:
                    written.long_keys.append(k)
                if type(x) is str and len(x) <= _CACHED_CHARS:  # "key: value" in one piece
                    todo.append(f"{lead}{q}: {quoted.get(x) or _quoted(quoted, x)}")
                else:
                    if split < 0:
                        split = len(todo) + 1
                    todo.append(f"{lead}{q}:")
                    todo.append((x, ind + 2, "map"))
                lead = pad
            _push(todo, split, pieces, stack)
        elif isinstance(v, (list, tuple)):
            if not v:
                put(" []" if parent != "top" else "[]")
                continue
            if indent_sequences or parent != "map":
                item_ind = ind
            else:  # PyYAML's style: the items of a mapping's value stand level with the key
                item_ind = ind - 2
            dash = "\n" + " " * item_ind + "-"
            todo = []
            split = -1
            if parent == "top":
                lead = "-"
            elif parent == "seq" and not indent_sequences:
                lead = " -"  # "- - a": PyYAML keeps a nested sequence's first item inline
            else:
                lead = dash
            for x in v:
                if type(x) is str and len(x) <= _CACHED_CHARS:  # "- value" in one piece
                    todo.append(f"{lead} {quoted.get(x) or _quoted(quoted, x)}")
                else:
                    if split < 0:
                        split = len(todo) + 1
                    todo.append(lead)
                    todo.append((x, item_ind + 2, "seq"))
                lead = dash
            _push(todo, split, pieces, stack)
        else:
            put(quote(v) if parent == "top" else " " + quote(v))
            if written is not None:
                written.others.append(v)
    out.append("".join(pieces))
    out.append("\n")
    if written is not None:
        written.short = quoted.keys()
    return "".join(out)


_KINDS: dict[type, Any] = {str: str, int: int, float: float, bool: bool, type(None): None,
                          dict: dict, list: list, tuple: list}


def _kind(v: Any) -> Any:
    """What a YAML reader gives ``v`` back as: str, int, float, bool, None, dict or list."""
    k = _KINDS.get(type(v), _KINDS)  # exact types first (the common case), then subclasses
    if k is not _KINDS:
        return k
    if isinstance(v, bool):
        return bool
    for t in (str, int, float, dict):
        if isinstance(v, t):
            return t
    if isinstance(v, (list, tuple)):
        return list
    return type(v)


def same(a: Any, b: Any) -> bool:
    """Deep equality that tells ``1`` from ``True`` and from ``1.0`` (a tuple equals the
    list of its items; mapping key order carries no meaning).  Iterative."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        kx = _kind(x)
        if kx is not _kind(y):
            return False
        if kx is dict:
            if len(x) != len(y) or x.keys() != y.keys():
                return False
            if not all(type(k) is str for k in x):  # 1, True and 1.0 are one dict key
                kinds = {k: _kind(k) for k in y}
                if any(kinds[k] is not _kind(k) for k in x):
                    return False
            stack.extend((x[k], y[k]) for k in x)
        elif kx is list:
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y))
        elif kx is float and math.isnan(x):
            if not math.isnan(y):
                return False
        elif x != y:
            return False
    return True


# The scalar half of the reader: PyYAML's YAML 1.1 resolver (the one ``CSafeLoader``
# resolves with) and its safe constructors.  A scalar constructor reads only the node it is
# given, so one shared instance serves every thread.
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"


def _plain(text: str) -> Any:
    """A plain scalar as the reader gives it back (``1`` an int, ``true`` a bool, ``a`` a
    str); raises yaml.YAMLError for one the safe constructors refuse."""
    return _plain_short(text) if len(text) <= _CACHED_CHARS else _plain_long(text)


@functools.lru_cache(maxsize=1 << 16)  # bounded and thread-safe; a name recurs thousands of times
def _plain_short(text: str) -> Any:
    return _plain_long(text)


def _plain_long(text: str) -> Any:
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR_TAG:
        return text
    make = _CONSTRUCTOR.yaml_constructors.get(tag)
    if make is None:
        raise yaml.constructor.ConstructorError(None, None, f"no constructor for {tag}")
    return make(_CONSTRUCTOR, yaml.ScalarNode(tag, text))


def _same_scalar(x: Any, y: Any) -> bool:
    if _kind(x) is not _kind(y):
        return False
    if isinstance(x, float) and math.isnan(x):
        return math.isnan(y)
    return bool(x == y)


def _shown(v: Any) -> str:
    """A value for a self-check message: its repr, cut (a scalar may hold 4 MiB)."""
    text = repr(v)
    return text if len(text) <= 80 else text[:77] + "..."


_NO_KEY = object()
_SCALAR, _MAP_START, _SEQ_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAP_END, _SEQ_END, _DOC_START = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.DocumentStartEvent


def _walk(doc: Any, get: Any) -> tuple[str | None, int]:
    """Walk libyaml's event stream of the written text (``get`` returns the next event,
    None at the end) alongside ``doc``.

    The same answer as loading the text and comparing (:func:`same`), without building
    the loaded document: each scalar is resolved and constructed as PyYAML's safe loader
    does it (plain ones through the YAML 1.1 resolver, quoted ones as strings), each
    mapping's keys are matched to the data's (a duplicate key is a difference), and
    anchors, aliases and explicit tags — which this writer never writes — are
    differences too.  Iterative: the stack holds one frame per open collection.
    Returns the first difference (the walk stops there) and the documents seen so far.
    """
    # frames: [True, mapping, keys seen, value of the pending key or _NO_KEY, index of the
    #         keys that are not strings or None] or [False, list, next index]
    stack: list[list[Any]] = []
    documents = 0
    plain: dict[str, Any] = {}  # each short plain scalar of this text, resolved once
    while True:
        ev = get()
        if ev is None:
            return None, documents
        t = type(ev)
        if t is not _SCALAR:  # a scalar (most events) goes straight on
            if t is _DOC_START:
                documents += 1
                continue
            if documents > 1:
                continue  # only counted: the caller reports the number of documents
            if t is _MAP_END:
                _, d, seen, _, _ = stack.pop()
                if len(seen) != len(d):
                    return "the written YAML differs from the data (a mapping lacks keys)", documents
                continue
            if t is _SEQ_END:
                _, lst, i = stack.pop()
                if i != len(lst):
                    return "the written YAML differs from the data (a sequence is shorter)", documents
                continue
            if t is not _MAP_START and t is not _SEQ_START:
                if t is yaml.AliasEvent:
                    return "the written YAML holds an anchor or an alias", documents
                continue  # stream start and end, document end
        elif documents > 1:
            continue
        if ev.anchor is not None:
            return "the written YAML holds an anchor or an alias", documents
        tag = ev.tag
        if tag is not None and tag != "!":
            return f"the written YAML holds the explicit tag {_shown(tag)}", documents
        if t is _SCALAR:
            value = ev.value
            if tag is None and ev.implicit[0]:
                if len(value) <= _CACHED_CHARS:
                    got = plain.get(value, _NO_KEY)
                    if got is _NO_KEY:
                        got = plain[value] = _plain(value)
                    value = got
                else:
                    value = _plain(value)
        # which data this node must be
        if not stack:
            expected = doc
        else:
            frame = stack[-1]
            if frame[0]:
                if frame[3] is _NO_KEY:  # this node is a key
                    if t is not _SCALAR:
                        return "the written YAML holds a collection as a mapping key", documents
                    d, seen = frame[1], frame[2]
                    if type(value) is str:
                        if value not in d:
                            return f"the written YAML differs from the data (key {_shown(value)})", documents
                        mark: Any = value
                        frame[3] = d[value]
                    else:  # 1, True and 1.0 are one dict key: look up by (kind, key)
                        if frame[4] is None:  # indexed once per mapping: linear in its keys
                            frame[4] = {(_kind(k), k): v for k, v in d.items() if type(k) is not str}
                        mark = (_kind(value), value)
                        if mark not in frame[4]:
                            return f"the written YAML differs from the data (key {_shown(value)})", documents
                        frame[3] = frame[4][mark]
                    if mark in seen:
                        return f"the written YAML repeats the key {_shown(value)}", documents
                    seen.add(mark)
                    continue
                expected, frame[3] = frame[3], _NO_KEY
            else:
                lst, i = frame[1], frame[2]
                if i >= len(lst):
                    return "the written YAML differs from the data (a sequence is longer)", documents
                expected = lst[i]
                frame[2] = i + 1
        if t is _SCALAR:
            if type(value) is str and type(expected) is str:  # the common case, exactly
                if value != expected:
                    return (f"the written YAML differs from the data ({_shown(value)} for "
                            f"{_shown(expected)})"), documents
            elif not _same_scalar(value, expected):
                return (f"the written YAML differs from the data ({_shown(value)} for "
                        f"{_shown(expected)})"), documents
        elif t is _MAP_START:
            if _kind(expected) is not dict:
                return "the written YAML differs from the data (a mapping for a non-mapping)", documents
            stack.append([True, expected, set(), _NO_KEY, None])
        else:
            if _kind(expected) is not list:
                return "the written YAML differs from the data (a sequence for a non-sequence)", documents
            stack.append([False, expected, 0])


def read_back_problem(doc: Any, text: str) -> str | None:
    """None when ``text`` reads back as exactly one document equal to ``doc``, else what
    differs — as a load-then-compare would say it: a parse error anywhere first, then the
    number of documents, then the first difference.  libyaml parses; :func:`_walk`
    compares."""
    loader = _LOADER(text)
    try:
        get = loader.get_event
        problem, documents = _walk(doc, get)
        while (ev := get()) is not None:  # after a difference: parse to the end, counting
            if type(ev) is _DOC_START:
                documents += 1
    except yaml.YAMLError as exc:
        return f"the written YAML does not parse: {exc}"
    finally:
        loader.dispose()
    if documents != 1:
        return f"the written YAML holds {documents} documents instead of 1"
    return problem


# --------------------------------------------------------------------------- the proof
#
# What a read-back of a whole document checks comes in two parts.  The layout (indentation,
# "key:", "-", "{}", "[]", the header comments) is made by _dump's code alone: every scalar
# is written as one single-line flow scalar (plain from the whitelist, else double-quoted
# with every line break and control character escaped), so no value can change the layout
# around it, and reading the same code's layout back once per document proves nothing new.
# What varies with the data is each scalar's written form, and a scalar written once
# proves every later writing of it.  So dump_proved reads back the distinct scalars of a
# document, as one block sequence of them (the keys longer than _KEY_FORM characters also
# as the keys of one block mapping, where libyaml allows 1,024 characters), skipping those
# already proved in this process; tests/unit/test_yamlout.py holds the layout to the full
# read-back on random documents.  A document deeper than _PROOF_DEPTH is read back whole.

_KEY_FORM = 128  # a key written in more characters is also proved in a key's position
_PROOF_DEPTH = 2 * 64  # indentation columns: deeper documents are read back whole
# the short scalars (kind, value) whose written form has read back as themselves, in this
# process; bounded (cleared when full), thread-safe (a race proves a scalar twice)
_PROVEN: dict[tuple[Any, Any], None] = {}
_PROVEN_MAX = 1 << 16


def _proof_key(v: Any) -> tuple[Any, Any] | None:
    kind = _kind(v)
    if kind is str:
        return (str, v) if len(v) <= _CACHED_CHARS else None
    if kind in (int, float, bool, None):
        return (kind, v)
    return None  # not a scalar: _dump has already refused it


def proof_problem(written: _Written) -> str | None:
    """None when every distinct scalar :func:`_dump` reported reads back as itself (see
    above), else what differs."""
    todo: list[Any] = []
    fresh: dict[tuple[Any, Any], None] = {}
    for group in (written.short, written.others):
        for v in group:
            key = _proof_key(v)
            if key is not None:
                if key in _PROVEN or key in fresh:
                    continue
                fresh[key] = None
            todo.append(v)
    if todo:
        problem = read_back_problem(todo, _dump(todo, True, (), (), None))
        if problem:
            return problem
    if written.long_keys:
        keys = dict.fromkeys(written.long_keys, 0)
        problem = read_back_problem(keys, _dump(keys, True, (), (), None))
        if problem:
            return problem
    if len(_PROVEN) + len(fresh) > _PROVEN_MAX:
        _PROVEN.clear()
    for key in fresh:
        _PROVEN[key] = None
    return None


def dump_proved(doc: Any, *, indent_sequences: bool = True, head: Iterable[str] = (),
                header: Iterable[str] = ()) -> tuple[str, str | None]:
    """:func:`dump`'s text, and None when it reads back as ``doc`` — proved from its
    distinct scalars (see above), or read back whole when ``doc`` is deeper than
    :data:`_PROOF_DEPTH` — else what differs.  Raises TypeError as :func:`dump` does."""
    written = _Written()
    text = _dump(doc, indent_sequences, head, header, written)
    if written.depth > _PROOF_DEPTH:
        return text, read_back_problem(doc, text)
    return text, proof_problem(written)


def dump_proved_kinds(doc: Any, *, indent_sequences: bool = True,
                      head: Iterable[str] = ()) -> tuple[str, str | None, frozenset[Any]]:
    """:func:`dump_proved`'s text and verdict, and the kinds of the scalars written (keys
    included), the Kubernetes back end's shape of an object (``render.check_rendered``)."""
    written = _Written()
    text = _dump(doc, indent_sequences, head, (), written)
    kinds = frozenset(map(_kind, written.others)) | ({str} if written.short else set())
    if written.depth > _PROOF_DEPTH:
        return text, read_back_problem(doc, text), kinds
    return text, proof_problem(written), kinds


def write(doc: Any, *, what: str, indent_sequences: bool = True, head: Iterable[str] = (),
          header: Iterable[str] = (), proved: bool = False) -> str:
    """:func:`dump`, then read back and compare; InternalError (naming ``what``) when the
    text is not the data.  With ``proved``, the text is checked by :func:`dump_proved`
    (each distinct scalar read back, not the whole text): for large documents, whose
    read-back was most of a dense compile."""
    try:
        if proved:
            text, problem = dump_proved(doc, indent_sequences=indent_sequences, head=head,
                                        header=header)
        else:
            text = dump(doc, indent_sequences=indent_sequences, head=head, header=header)
            problem = read_back_problem(doc, text)
    except TypeError as exc:
        raise InternalError(f"{what}: {exc}") from None
    if problem:
        raise InternalError(f"{what} does not read back as written: {problem}")
    return text
