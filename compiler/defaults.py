"""Defaults that more than one phase applies: one table, so they cannot drift apart.

Phase: support.  Input: none.  Output: constants.  Codes: none.

* Step arguments (spec §3.1 table): the step language fills them in when a step leaves
  an argument out (``compiler.normalize.steps.ARGUMENTS``), and the typed arguments of the
  resolved plan (``compiler.model.xfactor.step_arguments``, built by the graph) default
  to them; back ends read those attributes and apply no default of their own.
* Time budgets of steps that give no ``timeout`` (docs/policies.md, "Time budgets"): how
  long the ladder waits before it escalates.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

#: spec §3.1: action -> argument -> default (arguments without a default are absent).
STEP_ARGUMENTS: Mapping[str, Mapping[str, Any]] = MappingProxyType({
    "reconnect": MappingProxyType({"attempts": 3, "backoff": 1.0}),
    "notify": MappingProxyType({"via": "event"}),
    "shutdown_chain": MappingProxyType({}),
    "reinstantiate": MappingProxyType({"scope": "target"}),
})

ATTEMPTS: int = STEP_ARGUMENTS["reconnect"]["attempts"]
BACKOFF: float = STEP_ARGUMENTS["reconnect"]["backoff"]  # seconds
VIA: str = STEP_ARGUMENTS["notify"]["via"]
SCOPE: str = STEP_ARGUMENTS["reinstantiate"]["scope"]

#: seconds a step without ``timeout`` may take before the ladder escalates
NOTIFY_BUDGET = 30.0
REINSTANTIATE_BUDGET = 300.0
SHUTDOWN_BUDGET = 300.0
#: spec §2.3: how long a wiring's target must have no Ready instance before the wiring
#: counts as failed (its ``detect_after``), and the default ``timeout`` of ``notify``
DETECT_AFTER = 10.0
#: how long the target must look broken before step 1 fires, for a wiring that says nothing
DETECTION_WINDOW = DETECT_AFTER

__all__ = ["ATTEMPTS", "BACKOFF", "DETECT_AFTER", "DETECTION_WINDOW", "NOTIFY_BUDGET", "REINSTANTIATE_BUDGET",
           "SCOPE", "SHUTDOWN_BUDGET", "STEP_ARGUMENTS", "VIA"]
