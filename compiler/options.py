"""The options of one compilation: what a caller can set, as one frozen dataclass.

Phase: support.  The driver (:mod:`compiler.pipeline`, which re-exports it), the faces
(through :mod:`compiler.api`) and the phases that read an option take this type, so that
a reader and mypy can follow a value from the flag that set it to the phase that reads
it; it sits below the phases so that they can name it (no phase imports the driver).

Codes: none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .limits import DEFAULT_LIMITS, Limits


#: --ns-namespaces: the whole network service in one namespace, or one per VNF node
NS_NAMESPACE_MODES = ("single", "per-vnf")


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """Everything a caller can set; the CLI maps its flags one to one onto these."""

    inputs: Mapping[str, Any] = field(default_factory=dict)  # --inputs FILE / --set k=v
    flavour: str | None = None  # --flavour ID (SOL001 deployment flavour)
    profile_paths: tuple[str, ...] = ()  # --profile-path, XFC_PROFILE_PATH
    root: str | None = None  # --root/XFC_ROOT: confines a lone descriptor (default: none)
    namespace: str | None = None  # --namespace
    emitters: tuple[str, ...] = ("kubernetes", "policies", "operator")  # --emit: back ends to run
    # --target: the orchestrators the failure policies are written for (kubernetes, onap,
    # osm, tacker); "tacker" also switches PrometheusRule labels to Tacker's plugin.
    targets: tuple[str, ...] = ("kubernetes",)
    # --param KEY=VALUE: values for the back ends that are not the topology's inputs, e.g.
    # vnf_instance_id (Tacker alert labels) and helm_chart (the OSM KDU); see docs/policies.md
    params: Mapping[str, Any] = field(default_factory=dict)
    tosca_parser: bool = False  # --tosca-parser: also ask tosca-parser (compat check)
    limits: Limits = DEFAULT_LIMITS
    quirks: tuple[str, ...] = ("all",)  # named leniencies enabled (see docs/quirks.md)
    # --allow-missing-artifacts: a binary named in TOSCA.meta/the manifest but absent (a
    # package kept in git without its images) is a warning at its declaration (docs/csar.md)
    allow_missing_artifacts: bool = False
    checks: tuple[str, ...] = ()  # --check NAME: opt-in check plugins (compiler.plugins)
    network_policies: bool = True  # --no-network-policies leaves NetworkPolicy objects out
    operator: bool = True  # --no-operator leaves operator/ out (compiler/emitters/operator.py)
    operator_image: str | None = None  # --operator-image: the operator Deployment's image
    # --kube-version MAJOR.MINOR: write the API versions and fields that Kubernetes release
    # serves (compiler/kubeversions.py); None: the current release
    kube_version: str | None = None
    # network services (issue 26, compiler/ns): --vnf PATH, VNFDs that substitute an NSD's
    # VNF nodes besides its imports; --ns-level ID, the NS instantiation level
    vnfs: tuple[str, ...] = ()
    ns_level: str | None = None
    # --ns-namespaces single|per-vnf: one namespace for the service, or each VNF node's
    # objects in a namespace of its own (compiler/ns/namespaces.py)
    ns_namespaces: str = "single"


__all__ = ["NS_NAMESPACE_MODES", "Options"]
