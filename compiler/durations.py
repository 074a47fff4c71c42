"""Durations: the one place where xfc reads and writes spans of time.

Phase: support (normalize, checks, emit and simulate use it).
Input: a duration as the descriptor gives it — a TOSCA ``scalar-unit.time`` (``"30 s"``,
``"2 m"``, TOSCA 1.3 §3.3.6.4), a step-language duration (``500ms``, ``2m``: a number and
one of ``ms s m h``, docs/step-language.md), a bare number of seconds, or an object with
a ``seconds`` attribute.
Output: float seconds, and the spellings each consumer reads: the step language's
canonical form (``500ms``, ``2m``, ``90s``), a Go/Prometheus duration (``1m30s``) for
FailurePolicy, PrometheusRule ``for:`` and messages, and whole seconds for ONAP and OSM
(which store integers).

Before this module there were five parsers and formatters (the Kubernetes back end,
normalize, the policies back end, the step language and the simulator), with different
answers for ``"500ms"`` and for infinite values.  Here a value that is not a finite,
well-formed duration is None for the lenient readers (the front end reports it).

Codes: none.
"""

from __future__ import annotations

import math
import re
from typing import Any, overload

#: The step language's units (grammars/steps.lark ``DURATION``), in seconds.
STEP_UNITS: dict[str, float] = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}

_STEP = re.compile(r"\s*(-?[0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h)\s*\Z")


def parse_step(text: str) -> float | None:
    """A step-language duration (``500ms``, ``2m``, ``-1s``) as seconds; None when
    ``text`` is not one."""
    m = _STEP.match(text)
    if m is None:
        return None
    value = float(m.group(1)) * STEP_UNITS[m.group(2)]
    return value if math.isfinite(value) else None


@overload
def seconds(value: Any, default: float, *, finite: bool = True) -> float: ...
@overload
def seconds(value: Any, default: float | None = None, *, finite: bool = True) -> float | None: ...


def seconds(value: Any, default: float | None = None, *, finite: bool = True) -> float | None:
    """Any duration xfc accepts as float seconds, else ``default``.

    Numbers are seconds; strings are step-language durations or TOSCA
    ``scalar-unit.time`` values; an object with a numeric ``seconds`` attribute gives it.
    Booleans, non-finite results and anything else give ``default``, except that with
    ``finite=False`` a duration too large for a float (``1e305 d``) is ``inf``: the IR
    keeps it so that :mod:`compiler.bounds` refuses it at its position, rather than a
    default standing in for it silently.
    """
    if not finite:
        out = seconds(value, None)
        if out is not None or value is None or isinstance(value, bool):
            return default if out is None else out
        try:
            big = _huge(value)
        except (TypeError, ValueError, OverflowError):
            big = None
        return math.inf if big else default
    if value is None or isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        try:
            out = float(value)
        except OverflowError:  # an int too large for a float
            return default
        return out if math.isfinite(out) else default
    if isinstance(value, str):
        out = parse_step(value)
        if out is not None:
            return out
        from .units import ScalarError, to_seconds  # noqa: PLC0415 - lazy: TOSCA units

        try:
            out = to_seconds(value)
        except (ScalarError, TypeError, ValueError, OverflowError):
            return default
        return out if math.isfinite(out) else default
    secs = getattr(value, "seconds", None)
    if isinstance(secs, (int, float)) and not isinstance(secs, bool):
        return seconds(secs, default)
    return default


def _huge(value: Any) -> bool:
    """Whether a number or duration text is finite as written but beyond a float."""
    if isinstance(value, int):
        return True  # float(value) overflowed
    if isinstance(value, float):
        return math.isinf(value)
    if isinstance(value, str):
        from .units import ScalarError, to_seconds  # noqa: PLC0415 - lazy: TOSCA units

        try:
            return math.isinf(to_seconds(value))
        except (ScalarError, TypeError, ValueError):
            return False
        except OverflowError:
            return True
    return False


def format_step(secs: float) -> str:
    """Seconds in the step language's canonical spelling: ``0.5`` → ``500ms``, ``120`` →
    ``2m``, ``90`` → ``90s``, ``7200`` → ``2h``."""
    if secs == 0:
        return "0s"
    if not math.isfinite(secs) or abs(secs) >= 1e15:  # int(inf) raises; 1e300 prints 301 digits
        return f"{secs:g}s"
    ms = secs * 1000
    if ms == int(ms) and (abs(secs) < 1 or secs != int(secs)):
        return f"{int(ms)}ms"
    if secs == int(secs):
        s = int(secs)
        for unit, factor in (("h", 3600), ("m", 60)):
            if s and s % factor == 0:
                return f"{s // factor}{unit}"
        return f"{s}s"
    return f"{secs}s"


def go(secs: float) -> str:
    """Seconds as a Go/Prometheus duration: 90 → ``1m30s``, 0.5 → ``500ms``, 0 → ``0s``
    (negative values count as 0)."""
    ms = int(round(max(secs, 0.0) * 1000))
    if ms == 0:
        return "0s"
    out = []
    for unit, size in (("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        n, ms = divmod(ms, size)
        if n:
            out.append(f"{n}{unit}")
    return "".join(out)


def whole_seconds(secs: float) -> int:
    """Seconds rounded up to a whole number, at least 1 (ONAP and OSM take integers)."""
    return max(1, int(math.ceil(secs - 1e-9)))


__all__ = ["STEP_UNITS", "format_step", "go", "parse_step", "seconds", "whole_seconds"]
