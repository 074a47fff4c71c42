"""The ONAP native Helm package bundler (``xfc bundle --format onap-helm``).

Phase: bundle.  Input: a :class:`~compiler.bundlers.BundleInput`.  Output: one OutputFile
``<name>-helm.zip``: SDC's "basic Helm package support for CNF" route (Guilin and
later).  It must be a ``.zip``: SDC sends a ``.csar`` down the SOL004 route instead.
The zip holds the chart of :mod:`compiler.bundlers.helm` packed as
``<name>-<version>.tgz`` (reproducibly) and ``MANIFEST.json``::

    {"name": ..., "description": ..., "data": [{"file": "<chart>.tgz",
      "type": "HELM", "isBase": "true"}]}

Exactly one chart is the base (SDC ``CnfPackageValidator``); ``HELM_VALUES`` is not a
type any SDC source defines, so it is never written.  The gate that reproduces SDC's
three ``isBase`` refusals is :func:`compiler.bundlers.gates.sdc_helm_package`.

An NSD gives one chart per VNF, the service's own objects' chart being the base
(:mod:`compiler.bundlers.ns_package`).

Codes: none.
"""

from __future__ import annotations

import json

from ..model import OutputFile
from . import BundleInput, identity, targz_bytes, zip_bytes


def build_package(inp: BundleInput) -> tuple[str, dict[str, bytes]]:
    """(zip file name, its members by path)."""
    from .helm import build_chart

    _, objects = inp.without_operator()  # the orchestrator acts on its own policy formats
    chart = build_chart(inp, objects)
    ident = identity(inp, objects)
    tgz = f"{chart.name}-{ident.version}.tgz"
    manifest = {
        "name": ident.name,
        "description": ident.description,
        "data": [{"file": tgz, "type": "HELM", "isBase": "true"}],
    }
    members = {
        "MANIFEST.json": (json.dumps(manifest, indent=2) + "\n").encode("utf-8"),
        tgz: targz_bytes({f"{chart.name}/{p}": d for p, d in chart.files.items()}),
    }
    return f"{ident.name}-helm.zip", members


class OnapHelmBundler:
    name = "onap-helm"
    description = "an ONAP SDC native Helm package (.zip with MANIFEST.json)"

    needs = frozenset({"wiring"})
    gates = ("sdc-helm-package",)  # --verify: SDC's native Helm package rules

    def package(self, inp: BundleInput) -> list[OutputFile]:
        from .ns_split import is_ns

        if is_ns(inp):  # a network service: one chart (VF module) per VNF
            from .ns_package import onap_helm_members

            name, members = onap_helm_members(inp)
        else:
            name, members = build_package(inp)
        return [OutputFile(path=name, content=zip_bytes(members), producer=self.name)]


BUNDLER = OnapHelmBundler()
