"""The gates as plugins: each consumer's rules as a :class:`compiler.plugins.Gate`.

Phase: bundle (verification).  Input: a :class:`~compiler.bundle_api.WrittenPackage`
(a package as ``xfc bundle`` wrote it, read back by :func:`.gates.read_bundle`).
Output: the gate's :class:`~compiler.bundle_api.Finding` s, or None when the consumer's
own code it runs is not installed.  The rules are :mod:`.gates`' (and
:mod:`.tacker_gate`'s, Tacker's own code in its venv); the plugin table
(:data:`compiler.plugins.BUILTIN_GATES`) names these objects, and the bundle formats and
targets name the gates by name (``gates``), so ``--verify`` runs what the table says.

Codes: none (gate findings are printed by ``xfc bundle --verify``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..bundle_api import Finding, WrittenPackage
from . import gates, tacker_gate


class HelmLint:
    name = "helm-lint"
    description = "Helm lint's chart rules (helm pkg/lint/rules)"

    def verify(self, pkg: WrittenPackage) -> list[Finding] | None:
        return gates.helm_lint(dict(pkg.files))


class SdcHelmPackage:
    name = "sdc-helm-package"
    description = "ONAP SDC's native Helm package rules (CnfPackageValidator)"

    def verify(self, pkg: WrittenPackage) -> list[Finding] | None:
        return gates.sdc_helm_package(dict(pkg.files), Path(pkg.path).name)


class SdcSol004:
    name = "sdc-sol004"
    description = "ONAP SDC's SOL004 rules (SOL004MetaDirectoryValidator)"

    def verify(self, pkg: WrittenPackage) -> list[Finding] | None:
        return gates.sdc_sol004(dict(pkg.files))


class Vtp:
    name = "vtp"
    description = "vnfsdk VTP's package rules r01123 and r146092"

    def verify(self, pkg: WrittenPackage) -> list[Finding] | None:
        return gates.vtp(dict(pkg.files))


class Osm:
    name = "osm"
    description = "osmclient's package rules and OSM NBI's descriptor checks"

    def verify(self, pkg: WrittenPackage) -> list[Finding] | None:
        return gates.osm(dict(pkg.files), gates._osm_vnfds_beside(Path(pkg.path)))


class Tacker:
    name = "tacker"
    description = "Tacker's onboarding and CNF rules, offline"

    def verify(self, pkg: WrittenPackage) -> list[Finding] | None:
        return gates.tacker(dict(pkg.files), gates._request_beside(Path(pkg.path)))


class TackerCode:
    """Tacker's own code in its venv (:mod:`.tacker_gate`), on the CSAR and the
    instantiate request written beside it."""

    name = "tacker-code"
    description = "Tacker's own onboarding and v2 LCM code, run in its venv"
    missing = ("Tacker is not installed (bash .ci/tacker.sh); only xfc's offline Tacker "
               "rules ran")

    @property
    def listed(self) -> str:
        return tacker_gate.gate_name() + " (Tacker's own code)"

    def verify(self, pkg: WrittenPackage) -> list[Finding] | None:
        return tacker_gate.findings(pkg.path, gates._request_beside(Path(pkg.path)))


HELM_LINT = HelmLint()
SDC_HELM_PACKAGE = SdcHelmPackage()
SDC_SOL004 = SdcSol004()
VTP = Vtp()
OSM = Osm()
TACKER = Tacker()
TACKER_CODE = TackerCode()

if TYPE_CHECKING:  # mypy (strict here): every built-in is a compiler.plugins.Gate
    from ..plugins import Gate

    _BUILTINS: tuple[Gate, ...] = (HELM_LINT, SDC_HELM_PACKAGE, SDC_SOL004, VTP, OSM, TACKER,
                                   TACKER_CODE)

__all__ = ["HELM_LINT", "OSM", "SDC_HELM_PACKAGE", "SDC_SOL004", "TACKER", "TACKER_CODE", "VTP"]
