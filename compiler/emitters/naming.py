"""Names shared by every back end, so that their outputs agree on them.

Phase: emit.  Input: the resolved topology.  Output: the service's name — the value of the
``app.kubernetes.io/part-of`` label on every Kubernetes object, the FailurePolicy's
``metadata.name`` and the PrometheusRule's selectors — so an alert or a policy always
matches the objects it is about.  The function lives in :mod:`compiler.names` (the NS
namespace placement, :mod:`compiler.ns.namespaces`, names the service's namespace after
it without importing a back end).  No codes.
"""

from __future__ import annotations

from ..names import service_name

__all__ = ["service_name"]
