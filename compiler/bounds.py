"""Numbers checked against what their consumer accepts, in one place the back ends call.

Phase: emit.  Input: a number (or a TOSCA scalar-unit text) a back end is about to
write, with the position of the value in the descriptor.  Output: the number in the
unit the consumer stores, or ``None`` after an error at that position.

Why here and not in the type checks: the TOSCA types allow any integer or scalar-unit;
what is out of range depends on the field a back end writes (an int32 ``replicas``, an
int64 ``terminationGracePeriodSeconds``, a quantity).  Before this module such values
were replaced by defaults (``1e300 TiB`` became no limit, ``-5 MiB`` became one byte)
or written as given (``2^63`` replicas), and the API server refused the objects.

Ranges (Kubernetes API conventions, "Primitive types": int32/int64 fields; the
``resource.Quantity`` of ``k8s.io/apimachinery`` holds an int64 value, and its
``MilliValue`` an int64 number of thousandths):

* ``int32``: replicas, counts -> 0 … 2,147,483,647;
* ``port``: container and Service ports -> 1 … 65,535 (an int32 the API narrows);
* ``seconds``: durations stored as int64 seconds -> 0 … 2^63-1, finite;
* ``byte_size``: memory, storage -> 0 … 2^63-1 bytes; negative, infinite or NaN refused;
* ``cores``: CPU -> 0 … (2^63-1)/1000 cores, so that the milli value fits int64.

Codes: value-out-of-range.
"""

from __future__ import annotations

import math
from typing import Any

from .diagnostics import Diagnostics, Span

CODE = "value-out-of-range"
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


def _refuse(diags: Diagnostics, what: str, value: Any, want: str, span: Span | None) -> None:
    shown = value if not isinstance(value, float) else f"{value:g}"
    diags.add(CODE, f"{what}: {shown} is out of range; {want}", span,
              hint="the object would be refused by the API server; write a value in range")


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def int32(value: Any, what: str, span: Span | None, diags: Diagnostics, *,
          minimum: int = 0) -> int | None:
    """``value`` as an int32 field (``replicas``, ``containerPort``), or None after an error.

    A value that is not an integer is the type checks' concern: None without a word."""
    n = _number(value)
    if not isinstance(n, int):
        return None
    if not minimum <= n <= INT32_MAX:
        _refuse(diags, what, n, f"the field is an int32 from {minimum} to {INT32_MAX:,}", span)
        return None
    return n


def port(value: Any, what: str, span: Span | None, diags: Diagnostics) -> int | None:
    """A port number (``containerPort``, Service ``port``): 1 … 65,535."""
    n = _number(value)
    if not isinstance(n, int):
        return None
    if not 1 <= n <= 65535:
        _refuse(diags, what, n, "a port is from 1 to 65,535", span)
        return None
    return n


def seconds(value: Any, what: str, span: Span | None, diags: Diagnostics, *,
            maximum: int = INT64_MAX) -> int | None:
    """Seconds rounded up, as an int64 field holds them (``terminationGracePeriodSeconds``)."""
    n = _number(value)
    if n is None:
        return None
    if math.isnan(n) or n < 0 or n > maximum:
        _refuse(diags, what, f"{n:g} s" if isinstance(n, float) else f"{n} s",
                f"the field holds whole seconds from 0 to {maximum:,}", span)
        return None
    return int(math.ceil(n))


def byte_size(value: Any, what: str, span: Span | None, diags: Diagnostics) -> int | None:
    """A TOSCA ``scalar-unit.size`` (or a number of bytes) as whole bytes for a quantity.

    Text that is not a size is the type checks' concern: None without a word."""
    from .units import ScalarError, to_bytes

    if isinstance(value, bool):
        return None
    try:
        n = value if isinstance(value, (int, float)) else to_bytes(value)
    except (ScalarError, TypeError, ValueError, OverflowError):
        return None
    if not isinstance(n, (int, float)) or math.isnan(n) or n < 0 or n > INT64_MAX:
        _refuse(diags, what, value, f"a size is from 0 to {INT64_MAX:,} bytes (8 EiB)", span)
        return None
    return int(math.ceil(n))


def millicores(value: Any, what: str, span: Span | None, diags: Diagnostics) -> int | None:
    """A whole number of millicores (SOL001 ``requested_cpu_resources``): 0 … 2^63-1."""
    n = _number(value)
    if not isinstance(n, int):
        return None
    if not 0 <= n <= INT64_MAX:
        _refuse(diags, what, n, f"CPU is from 0 to {INT64_MAX:,} millicores", span)
        return None
    return n


def cores(value: Any, what: str, span: Span | None, diags: Diagnostics) -> float | None:
    """CPU cores whose thousandths fit an int64 (``resources.limits.cpu``)."""
    n = _number(value)
    if n is None:
        return None
    if math.isnan(n) or n < 0 or n * 1000 > INT64_MAX:
        _refuse(diags, what, n, f"CPU is from 0 to {INT64_MAX // 1000:,} cores", span)
        return None
    return float(n)
