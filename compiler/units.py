"""TOSCA scalar-unit values: size, time, frequency and bitrate (TOSCA 1.3 §3.3.6).

Phase: none — a neutral module that the front end (resolve: value validation) and the
back ends (normalising memory, timeouts) both import, so that no back end imports the
TOSCA resolver (the import-linter contracts in ``.importlinter``).  It was
``compiler.resolve.scalars`` once.
Input: the text of a scalar-unit value, e.g. ``"256 MiB"``, ``"30 s"``, ``"1.5GHz"``.
Output: :class:`ScalarValue` with the magnitude in the base unit (bytes, seconds, Hz,
bits per second), the canonical unit as TOSCA spells it, and the original text.

No diagnostics are emitted here: :func:`parse_scalar` raises :class:`ScalarError` with
a message, and the caller (``compiler.resolve.values``) turns it into ``tosca-wrong-type``
at the value's position.

Unit matching (a decision TOSCA leaves open, see docs/type-system.md): an exact match
wins; otherwise size, time and frequency units match case-insensitively, as
tosca-parser does (``"512 mb"`` is ``MB``).  Bitrate units keep the bit/byte
distinction exact (``bps`` vs ``Bps`` differ by 8x) and match the multiplier prefix
case-insensitively (``"10 mbps"`` is ``Mbps``, ``"10 MBps"`` is megabytes per second).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

KINDS = ("size", "time", "frequency", "bitrate")

# TOSCA 1.3 §3.3.6.4 (size), §3.3.6.5 (time), §3.3.6.6 (frequency), §3.3.6.7 (bitrate)
SIZE_UNITS: dict[str, float] = {
    "B": 1,
    "kB": 1000,
    "KiB": 1024,
    "MB": 1000**2,
    "MiB": 1024**2,
    "GB": 1000**3,
    "GiB": 1024**3,
    "TB": 1000**4,
    "TiB": 1024**4,
}
TIME_UNITS: dict[str, float] = {
    "d": 86400,
    "h": 3600,
    "m": 60,
    "s": 1,
    "ms": 1e-3,
    "us": 1e-6,
    "ns": 1e-9,
}
FREQUENCY_UNITS: dict[str, float] = {"Hz": 1, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9}
BITRATE_UNITS: dict[str, float] = {}
for _p, _m in (("", 1), ("K", 1000), ("Ki", 1024), ("M", 1000**2), ("Mi", 1024**2),
               ("G", 1000**3), ("Gi", 1024**3), ("T", 1000**4), ("Ti", 1024**4)):
    BITRATE_UNITS[f"{_p}bps"] = _m
    BITRATE_UNITS[f"{_p}Bps"] = _m * 8

UNITS: dict[str, dict[str, float]] = {
    "size": SIZE_UNITS,
    "time": TIME_UNITS,
    "frequency": FREQUENCY_UNITS,
    "bitrate": BITRATE_UNITS,
}
_FOLDED: dict[str, dict[str, str]] = {
    kind: {u.lower(): u for u in table} for kind, table in UNITS.items() if kind != "bitrate"
}
_BITRATE_PREFIX = {p.lower(): p for p in ("", "K", "Ki", "M", "Mi", "G", "Gi", "T", "Ti")}

# <scalar> <unit>: any amount of whitespace, including none, between the two (§3.3.6.2)
_SCALAR = re.compile(
    r"\s*([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z]+)\s*\Z"
)


class ScalarError(ValueError):
    """The text is not a scalar-unit value of the requested kind."""


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ScalarValue:
    """A parsed scalar-unit value; compares and orders by its normalised magnitude
    (``1 GiB == 1024 MiB``)."""

    value: float  # in the base unit: bytes, seconds, Hz, bits per second
    unit: str  # canonical TOSCA spelling of the unit written
    text: str = field(compare=False)  # as written
    kind: str = "size"
    number: float = field(default=0.0, compare=False)  # the scalar part as written

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ScalarValue):
            return NotImplemented
        return self.kind == other.kind and self.value == other.value

    def __hash__(self) -> int:
        return hash((self.kind, self.value))

    def __lt__(self, other: "ScalarValue") -> bool:
        return self.value < other.value

    def __le__(self, other: "ScalarValue") -> bool:
        return self.value <= other.value

    def __gt__(self, other: "ScalarValue") -> bool:
        return self.value > other.value

    def __ge__(self, other: "ScalarValue") -> bool:
        return self.value >= other.value


def kind_of(type_name: str) -> str | None:
    """``"scalar-unit.size"`` -> ``"size"``; None for any other type name."""
    if type_name.startswith("scalar-unit."):
        kind = type_name[len("scalar-unit."):]
        return kind if kind in UNITS else None
    return None


def canonical_unit(unit: str, kind: str) -> str | None:
    """The TOSCA spelling of ``unit`` for ``kind``, or None when it is not such a unit."""
    table = UNITS[kind]
    if unit in table:
        return unit
    if kind == "bitrate":
        for suffix in ("bps", "Bps"):
            if unit.endswith(suffix):
                prefix = _BITRATE_PREFIX.get(unit[: -len(suffix)].lower())
                if prefix is not None:
                    return prefix + suffix
        return None
    return _FOLDED[kind].get(unit.lower())


def parse_scalar(text: object, kind: str) -> ScalarValue:
    """Parse ``text`` as a ``scalar-unit.<kind>`` value.  Raises :class:`ScalarError`.
    A short text is parsed once per process (the values are frozen): a constraint's
    bound and a type's default are read again for every template checked against them."""
    if type(text) is str and len(text) <= _CACHED_TEXT:
        return _parse_short(text, kind)
    return _parse_scalar(text, kind)


_CACHED_TEXT = 64


@functools.lru_cache(maxsize=4096)  # bounded, thread-safe; an error raises and is not kept
def _parse_short(text: str, kind: str) -> ScalarValue:
    return _parse_scalar(text, kind)


def _parse_scalar(text: object, kind: str) -> ScalarValue:
    if kind.startswith("scalar-unit."):
        kind = kind[len("scalar-unit."):]
    if kind not in UNITS:
        raise ScalarError(f"unknown scalar-unit kind {kind!r}")
    if not isinstance(text, str):
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            raise ScalarError(
                f"{text!r} has no unit; a scalar-unit.{kind} value is '<number> <unit>' "
                f"with a unit among {', '.join(UNITS[kind])}"
            )
        raise ScalarError(f"a scalar-unit.{kind} value must be a string, not {type(text).__name__}")
    m = _SCALAR.match(text)
    if not m:
        raise ScalarError(
            f"{text!r} is not a scalar-unit.{kind} value ('<number> <unit>', unit among "
            f"{', '.join(UNITS[kind])})"
        )
    number = float(m.group(1))
    if not math.isfinite(number):
        raise ScalarError(f"{text!r}: the number is not finite")
    unit = canonical_unit(m.group(2), kind)
    if unit is None:
        raise ScalarError(
            f"{m.group(2)!r} is not a {kind} unit; valid units are {', '.join(UNITS[kind])}"
        )
    return ScalarValue(
        value=number * UNITS[kind][unit], unit=unit, text=text, kind=kind, number=number
    )


def to_bytes(text: object) -> float:
    """``"256 MiB"`` -> 268435456.0.  Raises :class:`ScalarError`."""
    return parse_scalar(text, "size").value


def to_seconds(text: object) -> float:
    """``"30 s"`` -> 30.0, ``"2 m"`` -> 120.0.  Raises :class:`ScalarError`."""
    return parse_scalar(text, "time").value


def to_hertz(text: object) -> float:
    return parse_scalar(text, "frequency").value


def to_bps(text: object) -> float:
    return parse_scalar(text, "bitrate").value


__all__ = [
    "KINDS",
    "UNITS",
    "ScalarError",
    "ScalarValue",
    "kind_of",
    "canonical_unit",
    "parse_scalar",
    "to_bytes",
    "to_seconds",
    "to_hertz",
    "to_bps",
]
