""""Did you mean ...?": the one helper every diagnostic and usage error uses.

Phase: support (loader, resolve, checks, step language, CLI).
Input: a word the input got wrong and the names it could have meant.
Output: the closest name, or None; :func:`did_you_mean` also words the hint.

Bounded work whatever the input: ``difflib`` compares two strings in time quadratic in
their length, and a package can hold tens of thousands of names, so

* a word longer than :data:`MAX_WORD` characters gets no suggestion (a typo is short);
* candidates whose length alone rules them out (``2·min/(a+b) < cutoff``, difflib's own
  ``real_quick_ratio`` bound) are dropped in one pass;
* of the rest, only the :data:`MAX_CANDIDATES` that share the longest prefix and suffix
  with the word (a typo keeps most of both) are compared.

So one call costs one pass over the candidates plus at most ``MAX_CANDIDATES`` bounded
comparisons.  :class:`Suggester` is for a caller that asks many times (a missing file
per manifest entry): it answers at most ``budget`` asks, then None, so even 20,000
misspelt names against 20,000 package names stay linear.

Two cutoffs, named here rather than at each call site: :data:`CUTOFF` (difflib's
default, 0.6) for words — keys, properties, actions, node names — and
:data:`NAME_CUTOFF` (0.75) for dotted type names and file paths, whose long shared
prefixes make any two of them look 60 % alike.

Codes: none.
"""

from __future__ import annotations

import difflib
import heapq
from typing import Iterable

CUTOFF = 0.6
NAME_CUTOFF = 0.75
MAX_WORD = 200
MAX_CANDIDATES = 50
BUDGET = 10


def _fits(n: int, m: int, cutoff: float) -> bool:
    return m > 0 and 2 * min(n, m) >= cutoff * (n + m)


def _shared(a: str, b: str) -> int:
    """Characters ``a`` and ``b`` share at the start plus at the end."""
    limit = min(len(a), len(b))
    i = 0
    while i < limit and a[i] == b[i]:
        i += 1
    j = 0
    while j < limit - i and a[-1 - j] == b[-1 - j]:
        j += 1
    return i + j


def closest(word: object, candidates: Iterable[object], *, cutoff: float = CUTOFF) -> str | None:
    """The candidate closest to ``word`` (difflib's ratio, at least ``cutoff``), or None."""
    if not isinstance(word, str) or not word or len(word) > MAX_WORD:
        return None
    n = len(word)
    pool = [c for c in candidates
            if isinstance(c, str) and len(c) <= MAX_WORD and _fits(n, len(c), cutoff)]
    if len(pool) > MAX_CANDIDATES:
        pool = heapq.nsmallest(MAX_CANDIDATES, pool,
                               key=lambda c: (-_shared(word, c), abs(len(c) - n), c))
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    return matches[0] if matches else None


def close_matches(word: object, candidates: Iterable[object], *,
                  cutoff: float = CUTOFF) -> list[str]:
    """:func:`closest` shaped as ``difflib.get_close_matches(..., n=1)``: [] or [name]."""
    match = closest(word, candidates, cutoff=cutoff)
    return [] if match is None else [match]


def did_you_mean(word: object, candidates: Iterable[object], *, cutoff: float = CUTOFF,
                 otherwise: str = "") -> str:
    """``did you mean 'x'?`` for the closest candidate, else ``otherwise``."""
    match = closest(word, candidates, cutoff=cutoff)
    return f"did you mean '{match}'?" if match is not None else otherwise


class Suggester:
    """Many asks against one set of names: at most ``budget`` asks are answered (later
    asks get None), so the total work stays linear in the number of names."""

    def __init__(self, candidates: Iterable[object], *, cutoff: float = CUTOFF,
                 budget: int = BUDGET) -> None:
        self.cutoff = cutoff
        self.budget = budget
        self._names = [c for c in candidates if isinstance(c, str)]

    def __call__(self, word: object) -> str | None:
        if self.budget <= 0:
            return None
        self.budget -= 1
        return closest(word, self._names, cutoff=self.cutoff)


__all__ = ["BUDGET", "CUTOFF", "MAX_CANDIDATES", "MAX_WORD", "NAME_CUTOFF", "Suggester",
           "close_matches", "closest", "did_you_mean"]
