"""Deep-immutable containers for the IR, with the positions of what they hold.

Phase: data (used by ``load`` and ``resolve`` to build the IR; read by every later phase).
Input: plain or positioned YAML data (:class:`compiler.loader.yamlpos.PMap`/``PSeq`` or any
``dict``/``list``/``tuple``).  Output: :class:`FrozenMap` and :class:`FrozenList`, which
refuse every mutation (``node.properties["x"] = 1`` raises ``TypeError``), recursively.

Why ``dict``/``list`` subclasses and not ``types.MappingProxyType`` and ``tuple``: every
phase and back end asks ``isinstance(value, dict)`` / ``isinstance(value, list)`` of
property values (the JSON data model of TOSCA values), and JSON encoding works on them
unchanged.  A frozen container keeps the spans of a positioned one (``span``,
``key_span(k)``, ``value_span(k)``, ``item_span(i)``), so a diagnostic about a nested
value can point at it.

``copy.deepcopy`` and ``copy.copy`` of a frozen container give a plain, mutable copy
(``dict``/``list``): the one way to obtain something a back end may edit is to copy.

Codes: none (data only).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Iterable, Mapping

from ..diagnostics import Span

_NO_SPAN = Span("<generated>")
_NO_SPANS: Any = MappingProxyType({})
_SCALARS = (str, int, float, bool, type(None))


def _refuse(self: Any, *args: Any, **kw: Any) -> None:
    raise TypeError(f"{type(self).__name__} is immutable: the IR is read-only after its phase")


class FrozenMap(dict[Any, Any]):
    """A read-only mapping that remembers its position and those of its keys and values."""

    __slots__ = ("span", "key_spans", "value_spans", "_hash")

    def __init__(self, items: Iterable[tuple[Any, Any]] | dict[Any, Any] = (), *,
                 span: Span | None = None, key_spans: Mapping[Any, Span] | None = None,
                 value_spans: Mapping[Any, Span] | None = None) -> None:
        dict.__init__(self, items)
        self.span = span or _NO_SPAN
        # the same attributes as a PMap's, read-only
        self.key_spans = MappingProxyType(dict(key_spans)) if key_spans else _NO_SPANS
        self.value_spans = MappingProxyType(dict(value_spans)) if value_spans else _NO_SPANS
        self._hash: int | None = None

    def key_span(self, key: Any) -> Span:
        return self.key_spans.get(key) or self.span

    def value_span(self, key: Any) -> Span:
        return self.value_spans.get(key) or self.key_spans.get(key) or self.span

    # every mutator refuses (with its own signature, hence the ignores)
    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        if self._hash is None:
            self._hash = hash(frozenset((k, _hashable(v)) for k, v in self.items()))
        return self._hash

    def __copy__(self) -> dict[Any, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[Any, Any]:
        thawed: dict[Any, Any] = thaw(self)
        return thawed

    def __reduce__(self) -> tuple[Any, ...]:  # pickling keeps the content (and the positions)
        return (_rebuild_map, (dict(self), self.span, dict(self.key_spans), dict(self.value_spans)))

    def __repr__(self) -> str:
        return f"FrozenMap({dict.__repr__(self)})"


class FrozenList(list[Any]):
    """A read-only sequence (a ``list`` for ``isinstance``) with the positions of its items."""

    __slots__ = ("span", "item_spans")

    def __init__(self, items: Iterable[Any] = (), *, span: Span | None = None,
                 item_spans: Iterable[Span] = ()) -> None:
        list.__init__(self, items)
        self.span = span or _NO_SPAN
        self.item_spans = tuple(item_spans)  # as a PSeq's, read-only

    def item_span(self, index: int) -> Span:
        if 0 <= index < len(self.item_spans):
            return self.item_spans[index]
        return self.span

    # every mutator refuses (with its own signature, hence the ignore)
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(_hashable(v) for v in self))

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        thawed: list[Any] = thaw(self)
        return thawed

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_list, (list(self), self.span, self.item_spans))

    def __repr__(self) -> str:
        return f"FrozenList({list.__repr__(self)})"


def _rebuild_map(data: dict[Any, Any], span: Span, key_spans: dict[Any, Span],
                 value_spans: dict[Any, Span]) -> FrozenMap:
    return FrozenMap(data, span=span, key_spans=key_spans, value_spans=value_spans)


def _rebuild_list(data: list[Any], span: Span, item_spans: tuple[Span, ...]) -> FrozenList:
    return FrozenList(data, span=span, item_spans=item_spans)


def _hashable(value: Any) -> Any:
    if isinstance(value, (FrozenMap, FrozenList)):
        return hash(value)
    if isinstance(value, dict):
        return frozenset((k, _hashable(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    return value


def freeze(value: Any, like: Any = None) -> Any:
    """``value`` with every ``dict`` a :class:`FrozenMap` and every ``list`` a
    :class:`FrozenList`, recursively; spans of positioned YAML are kept.  Tuples stay
    tuples (their items frozen); scalars and other objects (frozen dataclasses such as
    ``RuntimeRef``) are returned as they are.

    ``like`` is the positioned YAML the value was evaluated from (a ``PMap``/``PSeq``), for
    values that an evaluation rebuilt without positions: the frozen containers take their
    spans from it wherever the two have the same shape (a key in both, a list of the same
    length), so a nested property value can still be pointed at."""
    if type(value) in _SCALARS:  # the common case first: the IR is mostly scalars
        return value
    if like is None and isinstance(value, (FrozenMap, FrozenList)):
        return value
    if isinstance(value, dict):
        if like is None and type(value) is dict:
            if not value:
                return _EMPTY_MAP
            if all(type(v) in _SCALARS for v in value.values()):
                return FrozenMap(value)  # flat and unpositioned: copied at C speed
        src: Any = value if getattr(value, "key_spans", None) or not isinstance(like, dict) else like
        sub = like if isinstance(like, dict) else {}
        return FrozenMap(
            ((k, freeze(v, sub.get(k))) for k, v in value.items()),
            span=getattr(src, "span", None) or getattr(value, "span", None),
            key_spans=getattr(src, "key_spans", None),
            value_spans=getattr(src, "value_spans", None),
        )
    if isinstance(value, list):
        same = isinstance(like, list) and len(like) == len(value)
        src = value if getattr(value, "item_spans", None) or not same else like
        return FrozenList((freeze(v, like[i] if same else None) for i, v in enumerate(value)),
                          span=getattr(src, "span", None) or getattr(value, "span", None),
                          item_spans=getattr(src, "item_spans", None) or ())
    if type(value) is tuple:
        if not any(isinstance(v, (dict, list, tuple)) for v in value):
            return value  # scalars and frozen dataclasses: already immutable
        return tuple(freeze(v) for v in value)
    return value


_EMPTY_MAP = FrozenMap()


def freeze_properties(values: dict[str, Any], raw: Any) -> FrozenMap:
    """Evaluated property values, frozen against the ``properties`` mapping they were
    written in (``raw``, positioned YAML or None), so nested values keep positions.

    The map's ``key_spans`` hold exactly the properties written in the template (not the
    type defaults), so a back end can tell what the descriptor says from what a type
    supplies without going back to the YAML (:func:`written`)."""
    sub = raw if isinstance(raw, dict) else {}
    ks = getattr(sub, "key_spans", None) or {}
    vs = getattr(sub, "value_spans", None) or {}
    return FrozenMap(((k, freeze(v, sub.get(k))) for k, v in values.items()),
                     span=getattr(raw, "span", None),
                     key_spans={k: ks[k] for k in values if k in ks},
                     value_spans={k: vs[k] for k in values if k in vs})


def span_at(value: Any, path: Iterable[Any], default: Span) -> Span:
    """Where the item at ``path`` (keys and indexes) inside a frozen IR value is written,
    else ``default``: a key the descriptor does not write (a type default) or a value an
    evaluation rebuilt in another shape has no position."""
    span: Span | None = None
    cur = value
    for step in path:
        if isinstance(cur, dict) and not isinstance(step, int) and step in cur:
            span = (getattr(cur, "value_spans", None) or {}).get(step) \
                or (getattr(cur, "key_spans", None) or {}).get(step)
        elif isinstance(cur, list) and isinstance(step, int) and 0 <= step < len(cur):
            spans = getattr(cur, "item_spans", None) or ()
            span = spans[step] if step < len(spans) else None
        else:
            return default
        cur = cur[step]
    return span or default


def written(values: Any) -> list[str]:
    """The keys of a property map (from :func:`freeze_properties`) that the descriptor
    writes, sorted; type defaults are left out."""
    spans = getattr(values, "key_spans", None) or {}
    return sorted(str(k) for k in spans)


def freeze_fields(obj: Any, *names: str) -> None:
    """Freeze the named fields of a frozen dataclass in place, from its ``__post_init__``:
    whatever a phase passed in (a dict it keeps building, a PMap), the IR holds a frozen
    copy, so no later phase can change it and no earlier one can change it behind it."""
    for name in names:
        value = getattr(obj, name)
        if type(value) not in _SCALARS and type(value) is not FrozenMap:
            object.__setattr__(obj, name, freeze(value))


def thaw(value: Any) -> Any:
    """A plain, mutable deep copy (``dict``/``list``) of frozen or positioned data."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    return value


def plain(value: Any) -> Any:
    """Property values as plain data (RuntimeRef and other objects become strings): what
    the back ends write, and what a bundler reads an input's value as."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    function = getattr(value, "function", None)
    if function:
        return f"{{{function}: {list(getattr(value, 'args', ()))}}}"
    return str(value)


__all__ = ["FrozenList", "FrozenMap", "freeze", "freeze_fields", "freeze_properties", "plain",
           "span_at", "thaw", "written"]
