"""Evaluating a template's property once: the memo and the cycle guard, shared.

Phase: resolve.  A node template's properties (:mod:`compiler.resolve.templates`) and a
relationship template's (:mod:`compiler.resolve.relationships`) are each evaluated at
most once, on first use, through :func:`memoised`: a value already computed is given
back (or the failure it ended in raised again), and a property whose evaluation asks for
itself through ``get_property`` is a cycle, reported once by the caller's ``cycle``.

Codes: none here (the callers report ``tosca-function-cycle``).
"""

from __future__ import annotations

from typing import Any, Callable

from .functions import Unresolved

ABSENT = object()  # evaluation failed (reported)
NOVALUE = object()  # an optional property with no value


def memoised(memo: dict[str, Any], busy: set[str], name: str, cycle: Callable[[], None],
             compute: Callable[[], Any]) -> Any:
    """The memoised value of property ``name``: ``compute()`` on first use (it stores its
    outcome in ``memo``, :data:`ABSENT` or :data:`NOVALUE` included), else what it stored;
    ``NOVALUE`` raises KeyError and ``ABSENT`` raises Unresolved.  While ``name`` is being
    computed it is in ``busy``: asking for it again calls ``cycle()`` and is Unresolved."""
    if name in memo:
        v = memo[name]
        if v is NOVALUE:
            raise KeyError(name)
        if v is ABSENT:
            raise Unresolved(name)
        return v
    if name in busy:
        cycle()
        raise Unresolved(name)
    busy.add(name)
    try:
        return compute()
    finally:
        busy.discard(name)
