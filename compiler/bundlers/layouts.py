"""The CSAR layouts the targets ask for: what ONAP and Tacker need in a SOL004 CSAR.

Phase: bundle (a part of :mod:`compiler.bundlers.csar`, chosen by the target).  Input:
the :class:`~compiler.bundle_api.BundleInput` and the CSAR being built
(:class:`~compiler.bundle_api.CsarParts`).  Output: the target's files, TOSCA.meta
blocks, non-MANO artifact sets and the files written beside the CSAR, added to the
parts.  A target names its layout (``PolicyTarget.package_layout``), the plugin table
names these objects (:data:`compiler.plugins.BUILTIN_LAYOUTS`), and the CSAR bundler
calls the one a bundle asks for (``Settings.target``) without knowing any target:

* ``onap`` (ONAP SDC's "CNF enhancements" route): the manifest declares SOL004 2.7.1 at
  least (SDC reads ``onap_cnf_helm`` only from 2.7.1 manifests, so the 8-key metadata
  set), and the Helm bundler's chart, packed reproducibly, is
  ``Artifacts/Deployment/non-mano/<chart>-<version>.tgz``, named in
  ``non_mano_artifact_sets: onap_cnf_helm`` (an NSD: the service's chart with a subchart
  per VNF, as SDC takes one chart).
* ``tacker`` (Tacker v2 CNF): the descriptor adapted to Tacker's reader
  (:mod:`.tacker_vnfd`), the compiled Kubernetes files under ``Files/kubernetes/`` with a
  ``Name``/``Content-Type``/``Algorithm``/``Hash`` TOSCA.meta block each (Tacker
  hash-checks what TOSCA.meta lists), every Deployment or StatefulSet of a VDU named as
  the VDU (Tacker matches ``properties.name`` to ``metadata.name``), an ``unsupported``
  warning for each object Tacker's Kubernetes driver ignores, and
  ``<name>-instantiate.json`` beside the CSAR (the instantiate request).

Codes: ``unsupported`` (target tacker: a kind Tacker's driver ignores); a package Tacker
would refuse raises :class:`~compiler.bundle_api.BundleError`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..bundle_api import BundleError, BundleInput, CsarParts, K8sObject
from ..model import OutputFile
from ..unsupported import unsupported
from . import WORKLOAD_KINDS, targz_bytes


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


class OnapLayout:
    name = "onap"
    min_spec: str | None = "2.7.1"  # SDC's CNF route reads onap_cnf_helm only from 2.7.1

    def lay_out(self, inp: BundleInput, parts: CsarParts) -> None:
        from .helm import build_chart
        from .ns_split import is_ns

        if is_ns(inp) and inp.settings.ns_layout == "subcharts":
            # SDC takes one onap_cnf_helm chart: the service's, a subchart per VNF
            from .ns_layout import helm_subcharts

            chart_name, chart_files = helm_subcharts(inp, with_operator=False)
        else:
            chart = build_chart(inp, parts.objects)
            chart_name, chart_files = chart.name, chart.files
        path = f"Artifacts/Deployment/non-mano/{chart_name}-{parts.ident.version}.tgz"
        parts.out[path] = targz_bytes({f"{chart_name}/{p}": d for p, d in chart_files.items()})
        parts.non_mano.append(("onap_cnf_helm", path))


class TackerLayout:
    name = "tacker"
    min_spec: str | None = None

    def lay_out(self, inp: BundleInput, parts: CsarParts) -> None:
        from .tacker_vnfd import adapt

        out = parts.out
        adapt(inp, out, parts.entry, parts.ident, lambda name: _catalog_bytes(name, inp))
        defs = _tacker_files(inp, parts.files, parts.objects, out)
        self._ignored_kinds(inp, parts.objects)
        # every file under Files/kubernetes/ (an input CSAR's own too) gets its block:
        # Tacker hash-checks what TOSCA.meta lists
        for path in sorted(p for p in out if p.startswith("Files/kubernetes/")):
            parts.meta_blocks.append(f"Name: {path}\nContent-Type: application/yaml\n"
                                     f"Algorithm: SHA-256\nHash: {_sha256(out[path])}\n")
        additional: dict[str, Any] = {"lcm-kubernetes-def-files": defs}
        if inp.namespace:
            additional["namespace"] = inp.namespace
        request = {"flavourId": inp.topology.flavour or "default",
                   "additionalParams": additional}
        text = json.dumps(request, indent=2, sort_keys=True) + "\n"
        parts.extra[f"{parts.ident.name}-instantiate.json"] = text.encode()

    def _ignored_kinds(self, inp: BundleInput, objects: list[K8sObject]) -> None:
        """``unsupported`` (this target) for each object Tacker's Kubernetes driver ignores
        (a kind it has no class for, PodDisruptionBudget first among xfc's): shipped,
        never deployed."""
        from .gates import TACKER_KINDS

        for obj in objects:
            if obj.kind in TACKER_KINDS:
                continue
            ann = (obj.body.get("metadata") or {}).get("annotations") or {}
            node = inp.topology.nodes.get(ann.get("xfactor.io/template", ""))
            unsupported(inp.diagnostics, self.name,
                        f"{obj.kind} '{obj.name}'", "Tacker's Kubernetes driver has no class "
                        "for this kind and ignores it; the CSAR ships it under "
                        "Files/kubernetes/, but Tacker does not deploy it",
                        node.span if node is not None else inp.topology.span,
                        hint="apply it to the cluster yourself, or leave it out with --param "
                        "lcm-kubernetes-def-files=FILE,FILE")


def _catalog_bytes(name: str, inp: BundleInput) -> bytes:
    data = inp.sources.catalog.get(name) if inp.sources is not None else None
    if data is None:
        raise BundleError(f"the catalog has no {name}")
    return data


def _tacker_files(inp: BundleInput, files: list[OutputFile], objects: list[K8sObject],
                  out: dict[str, bytes]) -> list[str]:
    """Copy the Kubernetes files to Files/kubernetes/; check Tacker's naming rule."""
    vdus = {n.name: n for n in inp.topology.nodes.values()
            if any(t.startswith("tosca.nodes.nfv.Vdu.") for t in n.types)
            and "tosca.nodes.nfv.Vdu.OsContainer" not in n.types}
    for obj in objects:
        if obj.kind not in WORKLOAD_KINDS:
            continue
        ann = (obj.body.get("metadata") or {}).get("annotations") or {}
        node = vdus.get(ann.get("xfactor.io/template", ""))
        if node is None:
            continue
        vdu_name = node.properties.get("name", node.name)
        if obj.name != vdu_name:
            raise BundleError(f"{obj.kind} {obj.name!r} is not named as its VDU "
                              f"{node.name!r} (properties.name {vdu_name!r}): Tacker matches them")
    defs = []
    for f in sorted(files, key=lambda f: f.path):
        if f.path.startswith("kubernetes/") and f.path.endswith((".yaml", ".yml")):
            path = "Files/" + f.path
            out[path] = f.content
            defs.append(path)
    if not defs:
        raise BundleError("no Kubernetes manifests to put under Files/kubernetes/")
    return defs


ONAP = OnapLayout()
TACKER = TackerLayout()

if TYPE_CHECKING:  # mypy (strict here): every built-in is a compiler.plugins.CsarLayout
    from ..plugins import CsarLayout

    _BUILTINS: tuple[CsarLayout, ...] = (ONAP, TACKER)

__all__ = ["ONAP", "TACKER", "OnapLayout", "TackerLayout"]
