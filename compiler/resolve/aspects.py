"""Scaling aspects named by the other SOL001 scaling policies exist.

Phase: resolve.  Input: the policies of one topology template (a VNFD's flavour).
Output: ``tosca-unknown-aspect`` where a ``scale_info`` key of an
``InstantiationLevels`` level, or the ``aspect`` of a ``VduScalingAspectDeltas`` /
``VirtualLinkBitrateScalingAspectDeltas``, names an aspect that no ``ScalingAspects``
policy of the template declares (SOL001 §6.10: each is "an aspect of the deployment
flavour").  Such a name used to pass: a VNFM then has no aspect to scale by.

The aspects are collected once, then each name is one set look-up: thousands of
undefined names cost their diagnostics only (held to ``max_diagnostics_per_code``).

Codes: tosca-unknown-aspect.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..diagnostics import Diagnostics
from ..model.frozen import span_at
from .functions import did_you_mean

ASPECTS = "tosca.policies.nfv.ScalingAspects"
LEVELS = "tosca.policies.nfv.InstantiationLevels"
DELTAS = ("tosca.policies.nfv.VduScalingAspectDeltas",
          "tosca.policies.nfv.VirtualLinkBitrateScalingAspectDeltas")


def check_aspects(policies: Mapping[str, Any], diags: Diagnostics) -> None:
    declared: set[str] = set()
    for pol in policies.values():
        if pol.is_a(ASPECTS) and isinstance(pol.properties.get("aspects"), dict):
            declared.update(str(k) for k in pol.properties["aspects"])
    if not any(pol.is_a(ASPECTS) for pol in policies.values()):
        # a template without ScalingAspects (a VNFD's top level, whose flavour declares
        # them) names aspects that are looked up elsewhere: nothing to compare against
        return
    known = sorted(declared) if len(declared) <= 200 else []  # a bounded "did you mean"
    for name, pol in policies.items():
        path = f'topology_template.policies["{name}"]'
        if pol.is_a(LEVELS) and isinstance(pol.properties.get("levels"), dict):
            for level, body in pol.properties["levels"].items():
                info = body.get("scale_info") if isinstance(body, dict) else None
                if not isinstance(info, dict):
                    continue
                for aspect in info:
                    if diags.saturated("tosca-unknown-aspect"):
                        return
                    if str(aspect) not in declared:
                        at = (getattr(info, "key_spans", None) or {}).get(aspect) or span_at(
                            pol.properties, ("levels", level, "scale_info"), pol.span)
                        diags.add("tosca-unknown-aspect",
                                  f"instantiation level {level!r} scales aspect {aspect!r}, "
                                  "which no ScalingAspects policy declares", at,
                                  path=f'{path}.properties.levels["{level}"].scale_info',
                                  hint=did_you_mean(str(aspect), known))
        if any(pol.is_a(t) for t in DELTAS):
            aspect = pol.properties.get("aspect")
            if isinstance(aspect, str) and aspect not in declared:
                diags.add("tosca-unknown-aspect",
                          f"{pol.type} policy {name!r} names aspect {aspect!r}, which no "
                          "ScalingAspects policy declares",
                          span_at(pol.properties, ("aspect",), pol.span),
                          path=f"{path}.properties.aspect", hint=did_you_mean(aspect, known))
