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

Object sizes (:func:`object_size`, measured as the object's compact JSON, which is what
the API server receives and ``kubectl apply`` annotates):

* 256 KiB: client-side ``kubectl apply`` copies the whole object into the
  ``kubectl.kubernetes.io/last-applied-configuration`` annotation, and the API server
  refuses more than 262,144 bytes of annotations (``TotalAnnotationSizeLimitB``);
* 1 MiB: the data of a ConfigMap or Secret (``MaxSecretSize``, and the ConfigMap
  documentation's limit);
* 1.5 MiB: etcd's default ``--max-request-bytes`` (1,572,864): the API server cannot store
  a larger object unless the cluster raised that limit.

Codes: value-out-of-range, k8s-object-too-large (a warning: server-side apply takes the
object), k8s-config-too-large (an error: the API server refuses every ConfigMap or Secret
over 1 MiB of data, whatever the cluster's settings), k8s-object-unstorable (an error: an
object over 1.5 MiB is refused by a cluster of default settings; issue 22 made it an error,
as xfc's own outputs stay under it for valid input: the PrometheusRule of a dense service
is written in parts).
"""

from __future__ import annotations

import json
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


SIZE_CODE = "k8s-object-too-large"
STORE_CODE = "k8s-object-unstorable"  # an error: a cluster of default settings refuses it
CONFIG_CODE = "k8s-config-too-large"  # an error: no cluster stores it
APPLY_ANNOTATION_BYTES = 256 * 1024
CONFIG_DATA_BYTES = 1024 * 1024
ETCD_REQUEST_BYTES = 1536 * 1024


def _json_bytes(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def object_size(body: Any, span: Span | None, diags: Diagnostics) -> int:
    """Warn when a Kubernetes object is larger than what client-side apply annotates, refuse
    one the API server cannot store and a ConfigMap or Secret whose data it refuses (see
    the module docstring);
    returns its size in bytes.  Only the largest limit it passes is
    reported: the others follow from it."""
    if not isinstance(body, dict):
        return 0
    size = _json_bytes(body)
    kind = str(body.get("kind") or "object")
    meta = body.get("metadata")
    if not isinstance(meta, dict):
        meta = {}
    what = f"{kind} '{meta.get('name') or '?'}' is {size:,} bytes"
    if size > ETCD_REQUEST_BYTES:
        diags.add(STORE_CODE, f"{what}: more than etcd's default request limit of "
                  f"{ETCD_REQUEST_BYTES:,} bytes, so the API server cannot store it",
                  span, hint="split large values over several inputs or properties, ship "
                             "large content as a file mounted from a volume or an image, or "
                             "split the service into smaller topologies")
        return size
    if kind in ("ConfigMap", "Secret"):
        data = sum(_json_bytes(body.get(k) or {}) for k in ("data", "binaryData", "stringData"))
        if data > CONFIG_DATA_BYTES:
            diags.add(CONFIG_CODE, f"{what}, of which {data:,} bytes of data: the API server "
                      f"refuses a {kind} whose data exceeds {CONFIG_DATA_BYTES:,} bytes",
                      span, hint="split the values over several inputs or properties, or "
                                 "ship large content as a file (mounted from a volume or "
                                 "an image) instead of a value")
            return size
    if size > APPLY_ANNOTATION_BYTES:
        diags.add(SIZE_CODE, f"{what}: client-side `kubectl apply` copies it into the "
                  f"last-applied-configuration annotation, and annotations are limited to "
                  f"{APPLY_ANNOTATION_BYTES:,} bytes",
                  span, hint="apply it with `kubectl apply --server-side` (or `kubectl create`)")
    return size
