"""YAML with source positions, YAML 1.2 scalars, and hard limits.

Phase: load.  Input: the text of one file.  Output: plain Python data whose mappings
are :class:`PMap` and sequences :class:`PSeq` (``dict``/``list`` subclasses that remember
where every key, value and item came from).  Scalars stay plain ``str``/``int``/
``float``/``bool``/``None``; their position is asked of the container that holds them.

Why not ``yaml.safe_load`` or ruamel.yaml: PyYAML's resolver is YAML 1.1 (``yes`` is a
boolean, ``010`` octal, ``1:20`` sexagesimal) and loses positions; ruamel's round-trip
loader keeps positions but is pure Python and several times slower on 10,000-node
topologies.  We consume libyaml's event stream (``yaml.parse`` with the C parser: no
recursion, so deep nesting cannot overflow the stack) and build the tree ourselves:
that is where the limits, duplicate-key detection and YAML 1.2 core-schema resolution
live.  Nothing is ever constructed from a tag, so ``!!python/object`` is inert.

Codes: yaml-syntax (also for characters YAML forbids, such as control characters),
yaml-duplicate-key, yaml-too-deep, yaml-alias-limit, yaml-scalar-too-large,
yaml-multiple-documents, yaml-complex-key, limit-exceeded (``max_number_digits``,
``max_name_chars``, ``max_collection_items``, ``max_documents``), k8s-yaml-reread (a warning, in Kubernetes
manifests only: an unquoted date or a ``!!binary`` scalar, which go-yaml turns into
another value).  Bytes that are not UTF-8 never reach this
module: the loader reports them as input-encoding.
"""

from __future__ import annotations

import copy
import math
import re
from typing import Any, Callable

import yaml

from ..diagnostics import Diagnostics, Severity, Span
from ..limits import DEFAULT_LIMITS as DEFAULT_LIMITS  # re-exported for old imports
from ..limits import Limits as Limits
from ..limits import exceeded

_Loader: type[Any]  # CSafeLoader and SafeLoader share no base class in the stubs
try:  # libyaml is nearly always there; the pure-Python parser is the fallback
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


# The limits live in compiler.limits (one table); re-exported here for old imports.


class PMap(dict[Any, Any]):
    """A mapping that remembers positions: its own, each key's and each value's."""

    __slots__ = ("span", "key_spans", "value_spans")

    def __init__(self, *args: Any, span: Span | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.span = span or Span("<generated>")
        self.key_spans: dict[Any, Span] = {}
        self.value_spans: dict[Any, Span] = {}

    def key_span(self, key: Any) -> Span:
        return self.key_spans.get(key) or self.span

    def value_span(self, key: Any) -> Span:
        return self.value_spans.get(key) or self.key_spans.get(key) or self.span

    def __deepcopy__(self, memo: dict[int, Any]) -> "PMap":
        new = PMap(span=self.span)
        for k, v in self.items():
            dict.__setitem__(new, k, copy.deepcopy(v, memo))
        new.key_spans = dict(self.key_spans)
        new.value_spans = dict(self.value_spans)
        return new

    def __reduce__(self) -> tuple[Any, ...]:  # pickling (subprocess isolation, caches) keeps positions
        return (_rebuild_pmap, (dict(self), self.span, self.key_spans, self.value_spans))


class PSeq(list[Any]):
    """A sequence that remembers its own position and each item's."""

    __slots__ = ("span", "item_spans")

    def __init__(self, *args: Any, span: Span | None = None) -> None:
        super().__init__(*args)
        self.span = span or Span("<generated>")
        self.item_spans: list[Span] = []

    def item_span(self, index: int) -> Span:
        if 0 <= index < len(self.item_spans):
            return self.item_spans[index]
        return self.span

    def __deepcopy__(self, memo: dict[int, Any]) -> "PSeq":
        new = PSeq([copy.deepcopy(v, memo) for v in self], span=self.span)
        new.item_spans = list(self.item_spans)
        return new

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_pseq, (list(self), self.span, self.item_spans))


class CallKey:
    """A TOSCA 2.0 function call written as a map key (TOSCA 2.0 §10.1: ``{ $concat: [a,
    b] }: x``), kept for the 2.0 front end, which evaluates it (:mod:`compiler.loader.tosca2.keys`).

    Built only when the caller asks (``call_keys``) and the document has declared
    ``tosca_definitions_version: tosca_2_0`` before the key; anywhere else a map key that
    is not a scalar is yaml-complex-key.  Each key is its own (identity hash): YAML has
    already refused two equal keys, and §10.1 asks for ``$name$suffix`` to repeat a call.
    """

    def __init__(self, call: PMap, span: Span) -> None:
        self.call = call
        self.span = span

    def __str__(self) -> str:
        (k, arg), = self.call.items()
        return f"{{{k}: {arg!r}}}"

    __repr__ = __str__

    def __lt__(self, other: Any) -> bool:  # sorted() over mixed keys reports, never crashes
        return str(self) < str(other)

    def __gt__(self, other: Any) -> bool:
        return str(self) > str(other)

    def __deepcopy__(self, memo: dict[int, Any]) -> "CallKey":
        return self


def _rebuild_pmap(data: dict[Any, Any], span: Span, key_spans: dict[Any, Span],
                  value_spans: dict[Any, Span]) -> PMap:
    m = PMap(data, span=span)
    m.key_spans = key_spans
    m.value_spans = value_spans
    return m


def _rebuild_pseq(data: list[Any], span: Span, item_spans: list[Span]) -> PSeq:
    s = PSeq(data, span=span)
    s.item_spans = item_spans
    return s


def span_in(container: Any, key: Any, default: Span | None = None) -> Span:
    """Position of ``container[key]`` (a PMap key or a PSeq index), or ``default``."""
    if isinstance(container, PMap):
        return container.value_span(key)
    if isinstance(container, PSeq) and isinstance(key, int):
        return container.item_span(key)
    span = getattr(container, "span", None)
    return span or default or Span("<unknown>")


def key_span_in(container: Any, key: Any, default: Span | None = None) -> Span:
    if isinstance(container, PMap):
        return container.key_span(key)
    return span_in(container, key, default)


# --- YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema) ---------------
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT10 = re.compile(r"[-+]?[0-9]+\Z")
_INT8 = re.compile(r"0o[0-7]+\Z")
_INT16 = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")


def is_integer_text(text: str) -> bool:
    """Whether ``text`` is an integer under the YAML 1.2 core schema (any base)."""
    return bool(_INT10.match(text) or _INT8.match(text) or _INT16.match(text))


def resolve_plain(text: str) -> Any:
    """The value of an untagged plain scalar under the YAML 1.2 core schema."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    c = text[:1]
    if c.isdigit() or c in "+-.":
        if len(text) > DEFAULT_LIMITS.max_number_digits and is_integer_text(text):
            # Python refuses to convert more than 4,300 digits (ValueError); such a value
            # stays text, so a typed reader reports it instead of crashing.  load_yaml
            # reports it first, as limit-exceeded at its position.
            return text
        if _INT10.match(text):
            return int(text)
        if _INT8.match(text):
            return int(text[2:], 8)
        if _INT16.match(text):
            return int(text[2:], 16)
        if _FLOAT.match(text):
            return float(text)
        if _INF.match(text):
            return -math.inf if text[0] == "-" else math.inf
        if _NAN.match(text):
            return math.nan
    return text


_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
    "!",
}


class _Abort(Exception):
    pass


class _Frame:
    __slots__ = ("value", "anchor", "key", "key_span", "start", "merges")

    def __init__(self, value: Any, anchor: str | None, start: int) -> None:
        self.value = value
        self.anchor = anchor
        self.key: Any = _NOKEY
        self.key_span: Span | None = None
        self.start = start
        self.merges: list[tuple[Any, Span]] = []  # (value, span) of each '<<' key


_NOKEY = object()
_MERGE = "<<"


def _span(file: str, ev: Any, style: str = "") -> Span:
    s, e = ev.start_mark, ev.end_mark
    return Span(file, s.line + 1, s.column + 1, e.line + 1, e.column + 1, style)


def load_yaml(
    text: str,
    file: str,
    diags: Diagnostics,
    limits: Limits = DEFAULT_LIMITS,
    *,
    _multi: bool = False,
    _resolve: Callable[[str], Any] | None = None,
    call_keys: bool = False,
) -> Any:
    """Parse one YAML document with positions.  Returns ``None`` after an error.

    ``call_keys``: in a document that declares ``tosca_definitions_version: tosca_2_0``
    before it, a map key written as a function call is kept as a :class:`CallKey`.

    The caller has already checked the file size; ``text`` is recorded in
    ``diags.sources`` so that diagnostics can show the source line.
    """
    diags.sources[file] = text.splitlines()
    try:
        return _build(text, file, diags, limits, _multi, _resolve, call_keys)
    except _Abort:
        return None
    except yaml.MarkedYAMLError as exc:
        if _PARSER_DEPTH in (exc.problem or "") and exc.problem_mark is not None:
            _too_deep_for_parser(text, file, diags, limits, exc.problem_mark)
            return None
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            cm = exc.context_mark
            where = f" started at line {cm.line + 1}, column {cm.column + 1}" if cm else ""
            problem = f"{problem} ({exc.context}{where})"
        diags.add("yaml-syntax", problem, Span(file, line, col))
        return None
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        diags.add("yaml-syntax", str(exc).splitlines()[0], Span(file, line, col))
        return None


# libyaml 0.2.6 (bundled since PyYAML 6.0.4) refuses nesting of 1,000 levels in its
# scanner, and the scanner reads ahead of the parser in flow context (``[[[[...`` is
# scanned whole before the first event), so libyaml's limit can fire before ours does.
_PARSER_DEPTH = "exceeded maximum nesting depth"


def _too_deep_for_parser(text: str, file: str, diags: Diagnostics, limits: Limits,
                         mark: Any) -> None:
    """Report xfc's own depth limit where libyaml stopped at its (higher) one.

    The text before libyaml's mark is parsed again: it nests at most libyaml's limit,
    so our walk reaches ``limits.max_depth`` in it and reports yaml-too-deep at the same
    place on every PyYAML release.  Diagnostics of the first, aborted walk are dropped
    (the second walk sees the same prefix and reports them again).
    """
    retry = Diagnostics()
    try:
        _build(text[: mark.index], file, retry, limits, True)  # multi: any document may be the deep one
    except (_Abort, yaml.YAMLError):
        pass
    deep = [d for d in retry if d.code == "yaml-too-deep"]
    if deep:
        diags.add("yaml-too-deep", deep[0].message, deep[0].span)
        return
    # only when max_depth is set at or above libyaml's own limit
    diags.add(
        "yaml-too-deep",
        "nesting deeper than the YAML parser's limit of 1,000 levels",
        Span(file, mark.line + 1, mark.column + 1),
    )


def load_yaml_all(
    text: str,
    file: str,
    diags: Diagnostics,
    limits: Limits = DEFAULT_LIMITS,
    *,
    yaml11: bool = False,
) -> list[Any] | None:
    """Parse every document of a multi-document stream (a Kubernetes manifest file) with
    positions, under the same limits as :func:`load_yaml` (the alias budget counts across
    all documents).  Returns ``None`` after an error.

    ``yaml11`` resolves plain scalars as YAML 1.1 does (``yes`` a boolean, ``0644`` octal):
    that is how the Kubernetes API machinery (go-yaml) reads a manifest, so a shipped
    ``defaultMode: 0644`` keeps its meaning.  Timestamps stay strings.
    """
    before = diags.count(Severity.ERROR)
    docs = load_yaml(text, file, diags, limits, _multi=True,
                     _resolve=_resolve_11 if yaml11 else resolve_plain)
    return None if docs is None or diags.count(Severity.ERROR) > before else docs


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # YAML 1.1's date-only timestamp
_R11 = yaml.resolver.Resolver()
_C11 = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"


def _resolve_11(text: str) -> Any:
    """A plain scalar as PyYAML's YAML 1.1 safe schema reads it (timestamps kept as text)."""
    # types-PyYAML leaves Resolver.resolve unannotated
    tag = _R11.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    node = yaml.ScalarNode(tag, text)
    if tag == _TAG + "int":
        return _C11.construct_yaml_int(node)
    if tag == _TAG + "float":
        return _C11.construct_yaml_float(node)
    if tag == _TAG + "bool":
        return _C11.construct_yaml_bool(node)
    if tag == _TAG + "null":
        return None
    return text


def _build(text: str, file: str, diags: Diagnostics, limits: Limits, multi: bool = False,
           resolve: Callable[[str], Any] | None = None, call_keys: bool = False) -> Any:
    resolve = resolve or resolve_plain
    yaml11 = resolve is _resolve_11  # a Kubernetes manifest: warn where go-yaml rereads
    docs: list[Any] = []
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, node count)
    documents = 0
    root: Any = None
    nodes = 0  # nodes built so far (for subtree sizes of anchors)
    alias_nodes = 0
    max_items = limits.max_collection_items

    def attach(value: Any, span: Span) -> None:
        nonlocal root
        if not stack:
            root = value
            docs.append(value)
            return
        top = stack[-1]
        container = top.value
        if isinstance(container, PSeq):
            container.append(value)
            container.item_spans.append(span)
            if len(container) > max_items:
                _too_many_items(container, span)
            return
        # mapping: a key first, then its value
        if top.key is _NOKEY:
            if isinstance(value, (PMap, PSeq)):
                call = isinstance(value, PMap) and len(value) == 1 and \
                    str(next(iter(value))).startswith("$") and \
                    not str(next(iter(value))).startswith("$$")
                if call and call_keys and isinstance(value, PMap) and _declares_tosca2(stack):
                    top.key, top.key_span = CallKey(value, span), span
                    return
                diags.add("yaml-complex-key", "a mapping key must be a scalar", span,
                          hint="a function call as a map key (TOSCA 2.0 §10.1) is read "
                               "in a TOSCA 2.0 file, one whose tosca_definitions_version: "
                               "tosca_2_0 comes first (§6.1)" if call else "")
                top.key = _SKIP
                return
            top.key, top.key_span = value, span
            return
        key = top.key
        top.key = _NOKEY
        if key is _SKIP:
            return
        if key == _MERGE and top.key_span and top.key_span.style == "":
            top.merges.append((value, span))
            return
        if key in container:
            first = container.key_spans[key]
            diags.add(
                "yaml-duplicate-key",
                f"duplicate key {key!r} (first defined at line {first.line})",
                top.key_span,
            )
            return
        dict.__setitem__(container, key, value)
        container.key_spans[key] = top.key_span
        container.value_spans[key] = span
        if len(container) > max_items:
            _too_many_items(container, top.key_span or span)

    def _too_many_items(container: Any, span: Span) -> None:
        # every entry costs about 500 bytes with its positions: 900,000 keys on one 10 MB
        # line took 19 s and passed 500 MB (issue 22); stop at the first entry past it
        what = "a mapping" if isinstance(container, PMap) else "a sequence"
        exceeded(diags, "max_collection_items", limits,
                 f"{what} of more than {max_items:,} entries (this one is the next)", span)
        raise _Abort

    ev: Any  # an Event subclass, told apart by ``kind`` (mypy narrows only type(ev) itself)
    for ev in yaml.parse(text, Loader=_Loader):
        kind = type(ev)
        if kind is yaml.ScalarEvent:
            nodes += 1
            val = ev.value
            if len(val) > limits.max_scalar_chars:
                diags.add(
                    "yaml-scalar-too-large",
                    f"scalar of {len(val):,} characters exceeds the limit max_scalar_chars = "
                    f"{limits.max_scalar_chars:,}",
                    _span(file, ev),
                )
                raise _Abort
            style = ev.style or ""
            tag = ev.tag
            in_key = bool(stack) and isinstance(stack[-1].value, PMap) and stack[-1].key is _NOKEY
            if in_key:
                # TOSCA keys are names: every scalar key is read as its text.  A name
                # flows into output names, file names and every message that cites it;
                # YAML caps an implicit key at 1,024 characters, an explicit one (``? k``)
                # only at max_scalar_chars
                if len(val) > limits.max_name_chars:
                    exceeded(diags, "max_name_chars", limits,
                             f"a key (a name) of {len(val):,} characters", _span(file, ev))
                    raise _Abort
                value: Any = val
            elif tag and tag not in ("!",):
                value = _tagged(val, tag, file, ev, diags)
                if yaml11 and tag == _TAG + "binary":
                    _reread(diags, file, ev, f"a !!binary scalar ({_short(val)})",
                            "decodes it and stores its bytes, not this text",
                            "drop the tag (a ConfigMap's binaryData holds base64 text as is)")
            elif style == "" and ev.implicit[0]:
                if yaml11 and len(val) == 10 and _DATE.match(val):
                    # go-yaml (sigs.k8s.io/yaml) reads a YAML 1.1 date as a time and writes
                    # it back as RFC 3339; a date and time may come back unchanged, a date
                    # never does
                    _reread(diags, file, ev, f"the unquoted date {val!r}",
                            f"reads it as a timestamp and stores {val}T00:00:00Z",
                            f'quote it ("{val}") to keep the text as written')
                if len(val) > limits.max_number_digits and is_integer_text(val):
                    exceeded(diags, "max_number_digits", limits,
                             f"an integer of {len(val):,} digits", _span(file, ev))
                    raise _Abort
                value = resolve(val)
            else:
                value = val
            sp = _span(file, ev, style)
            if ev.anchor:
                anchors[ev.anchor] = (value, 1)
            attach(value, sp)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            nodes += 1
            if len(stack) >= limits.max_depth:
                diags.add(
                    "yaml-too-deep",
                    f"nesting deeper than the limit max_depth = {limits.max_depth} levels",
                    _span(file, ev),
                )
                raise _Abort
            if ev.tag and ev.tag not in _CORE_TAGS:
                _unknown_tag(ev.tag, file, ev, diags)
            sp = _span(file, ev, "")
            container = PMap(span=sp) if kind is yaml.MappingStartEvent else PSeq(span=sp)
            stack.append(_Frame(container, ev.anchor, nodes))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = stack.pop()
            value = frame.value
            if frame.merges:
                _apply_merges(value, frame.merges, diags)
            if frame.anchor:
                anchors[frame.anchor] = (value, nodes - frame.start + 1)
            attach(value, value.span)
        elif kind is yaml.AliasEvent:
            target = anchors.get(ev.anchor)
            sp = _span(file, ev)
            if target is None:  # libyaml reports this itself; belt and braces
                diags.add("yaml-syntax", f"unknown alias *{ev.anchor}", sp)
                raise _Abort
            value, size = target
            alias_nodes += size
            nodes += size  # an alias stands for its whole subtree in enclosing anchors
            if alias_nodes > limits.max_alias_nodes:
                diags.add(
                    "yaml-alias-limit",
                    f"aliases expand to more than the limit max_alias_nodes = "
                    f"{limits.max_alias_nodes:,} nodes (a 'billion laughs' document?)",
                    sp,
                )
                raise _Abort
            attach(copy.deepcopy(value) if isinstance(value, (PMap, PSeq)) else value, sp)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > limits.max_documents:
                # a 12 MB manifest of 80,000 ConfigMaps passed 500 MB (issue 22)
                exceeded(diags, "max_documents", limits,
                         f"a stream of more than {limits.max_documents:,} documents (this "
                         "one is the next)", _span(file, ev))
                raise _Abort
            if documents > 1 and not multi:
                diags.add(
                    "yaml-multiple-documents",
                    "a descriptor file must hold one YAML document",
                    _span(file, ev),
                )
                raise _Abort
            anchors.clear()
    return docs if multi else root


_SKIP = object()


def _declares_tosca2(stack: list[_Frame]) -> bool:
    """Whether the document being read has declared TOSCA 2.0 (at its top, so far)."""
    root = stack[0].value if stack else None
    return isinstance(root, PMap) and root.get("tosca_definitions_version") == "tosca_2_0"


def _apply_merges(target: PMap, merges: list[tuple[Any, Span]], diags: Diagnostics) -> None:
    """YAML 1.1 merge keys (``<<: *base``), which real descriptors use; explicit keys win."""
    for value, span in merges:
        sources = value if isinstance(value, PSeq) else [value]
        for src in sources:
            if not isinstance(src, PMap):
                diags.add("yaml-syntax", "a merge key '<<' takes a mapping or a list of them", span)
                continue
            for k, v in src.items():
                if k not in target:
                    dict.__setitem__(target, k, copy.deepcopy(v))
                    target.key_spans[k] = src.key_span(k)
                    target.value_spans[k] = src.value_span(k)


def _unknown_tag(tag: str, file: str, ev: Any, diags: Diagnostics) -> None:
    diags.add(
        "yaml-syntax",
        f"unsupported tag {tag!r}: xfc reads only the YAML core schema tags",
        _span(file, ev),
    )


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _reread(diags: Diagnostics, file: str, ev: Any, what: str, does: str, hint: str) -> None:
    """A value of a shipped manifest that Kubernetes' YAML reader (go-yaml, YAML 1.1)
    turns into another value than the text xfc reads and writes (issue 22)."""
    diags.add("k8s-yaml-reread", f"{what}: Kubernetes' YAML reader {does}", _span(file, ev),
              hint=hint)


# a tag's Python types (the second argument of isinstance; Any, as mypy would narrow
# the value to ``object`` with a type of ``type | tuple``)
_TAG_TYPES: dict[str, Any] = {
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": (int, float),
    "tag:yaml.org,2002:bool": bool,
    "tag:yaml.org,2002:null": type(None),
}


def _tagged(val: str, tag: str, file: str, ev: Any, diags: Diagnostics) -> Any:
    if tag == "tag:yaml.org,2002:str" or tag == "tag:yaml.org,2002:timestamp":
        return val
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
               "tag:yaml.org,2002:null"):
        resolved = resolve_plain(val)
        want = _TAG_TYPES[tag]
        if isinstance(resolved, want) and not (tag.endswith("int") and isinstance(resolved, bool)):
            return float(resolved) if tag.endswith("float") else resolved
        diags.add("yaml-syntax", f"{val!r} is not a valid {tag.rsplit(':', 1)[-1]}", _span(file, ev))
        return val
    if tag == "tag:yaml.org,2002:binary":
        return val
    _unknown_tag(tag, file, ev, diags)
    return val


def to_plain(value: Any) -> Any:
    """Strip positions: PMap/PSeq to dict/list (for JSON output and comparisons)."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value
