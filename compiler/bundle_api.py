"""The types every side of a bundle sees: what a bundler is given, what a package layout
fills in, and what a gate reads and finds.

Phase: bundle (the seam's types).  They sit in the plugin layer, beside
:mod:`compiler.plugins` and :mod:`compiler.target_api`, so that the plugin protocols
(:class:`compiler.plugins.Bundler`, :class:`~compiler.plugins.CsarLayout`,
:class:`~compiler.plugins.Gate`) are typed without importing a bundler, and the
application layer, the bundlers and the target plugins share them: the application layer
builds a :class:`BundleInput` (:func:`compiler.api.bundle.bundle_input`), a bundler
turns it into files, a target's CSAR layout fills in a :class:`CsarParts`, and after the
files are written each gate the plugin table names reads a :class:`WrittenPackage` and
returns :class:`Finding` s.  :mod:`compiler.bundlers` re-exports the bundlers' types.

Codes: none; a package that cannot be built raises :class:`BundleError`, which the
``bundle`` command reports and exits 1 on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .model import OutputFile

if TYPE_CHECKING:
    from .diagnostics import Diagnostics
    from .model import Topology


#: Where the operator's objects are (compiler/emitters/operator.py): Helm templates them
#: behind ``operator.enabled``, Kustomize puts them in an optional component, and the
#: orchestrator packages (Tacker, ONAP, OSM), whose orchestrators act on their own policy
#: formats, leave them out.
OPERATOR_DIR = "operator/"


def without_operator(files: Iterable[OutputFile]) -> list[OutputFile]:
    """``files`` less the operator's (what the orchestrator packages carry)."""
    return [f for f in files if not f.path.startswith(OPERATOR_DIR)]


class BundleError(Exception):
    """A package cannot be built from this compilation (reported by the CLI, exit 1)."""



@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """What the ``bundle`` command passes to every bundler beyond the compilation."""

    # csar: the package layout a target asks for (its ``package_layout``, a name in the
    # plugin table's layouts: compiler.plugins.BUILTIN_LAYOUTS), or None (plain SOL004)
    target: str | None = None
    archive: bool = True  # csar: a .csar zip (True) or a directory
    sign_key: bytes | None = None  # csar: PEM private key for the CMS signature
    sign_cert: bytes | None = None  # csar: PEM certificate matching sign_key
    release_date: str = "1980-01-01T00:00:00+00:00"  # manifest vnf_release_date_time
    ns_layout: str = "subcharts"  # helm, an NSD: a subchart per VNF, or "flat" (one chart)



@dataclass(frozen=True, slots=True)
class K8sObject:
    """One compiled Kubernetes object and the file it came from."""

    path: str  # the OutputFile path, e.g. kubernetes/deployment-amf.yaml
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def name(self) -> str:
        return str((self.body.get("metadata") or {}).get("name", ""))



@dataclass(frozen=True, slots=True)
class Identity:
    """Who and what the package is: names and versions every format needs."""

    name: str  # DNS-1123 label: chart name, package and folder names
    version: str  # SemVer 2 (Helm `version`)
    app_version: str  # as the descriptor says (Helm `appVersion`, a string)
    description: str
    provider: str
    product: str
    software_version: str
    descriptor_id: str
    vnfm_info: tuple[str, ...]



@dataclass(slots=True)
class InputWiring:
    """Which output leaves each topology input reaches unchanged:
    ``leaves[(file, (object index, *path))] = (input, as_string)``, and the inputs a
    template cannot reproduce, each with why (``fixed``).  The application layer finds it
    for the Helm bundler (:func:`compiler.api.wiring.input_wiring`)."""

    leaves: dict[tuple[str, tuple[Any, ...]], tuple[str, bool]] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)  # input -> why it is pinned


@dataclass(frozen=True, slots=True)
class Variant:
    """Another deployment flavour of the same VNFD, built once by the application layer
    from the package its front end loaded (:func:`compiler.api.flavours.flavour_variant`):
    its files and objects, or the first error that stopped it (``problem``)."""

    flavour: str
    files: tuple[OutputFile, ...] = ()
    objects: tuple[K8sObject, ...] = ()
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class SourceData:
    """One TOSCA file the loader read for the compilation, as data: ``name`` inside the
    package, ``display`` as diagnostics name it, ``data`` the loader's positioned YAML
    (read-only), ``content`` its bytes.  A file that came from xfc's catalog has
    ``catalog``: its path below its catalog folder (None when no folder holds it), and
    ``key``: the resolved path imports are matched by."""

    name: str
    display: str
    data: Any
    content: bytes | None
    from_catalog: bool = False
    catalog: str | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Sources:
    """The input package as data, for the bundlers that re-package it (the CSAR): read
    by the application layer, so that no bundler calls the loader or its catalog."""

    kind: str  # file | dir | zip
    entry: str  # the entry file's name inside the package
    files: tuple[SourceData, ...]  # the TOSCA files, the entry first
    names: frozenset[str] = frozenset()  # every file of a folder or CSAR (none for a file)
    others: Mapping[str, bytes] = field(default_factory=dict)  # the other files' bytes
    meta: Mapping[str, str] = field(default_factory=dict)  # TOSCA.meta keys -> values
    imports: Mapping[str, str | None] = field(default_factory=dict)  # import -> catalog key
    catalog: Mapping[str, bytes | None] = field(default_factory=dict)  # SOL001 file -> bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleInput:
    """Everything a bundler is given (issue 25, item 2): built once per bundle by
    :func:`compiler.api.bundle.bundle_input`, the same for every format.

    ``topology`` is the frozen IR; ``sources`` the input package as data (the CSAR
    ships the descriptor's own files); ``files`` what the emitters wrote and
    ``objects`` the Kubernetes objects among them as data; ``variants`` every deployment
    flavour of a VNFD that has several when the call named none (the base flavour's
    entry reuses this compilation); ``wiring`` which output leaves each input reaches
    and ``sources`` (computed only when a bundler asks for them); ``diagnostics`` where a bundler's
    warnings go."""

    path: str
    topology: Topology
    service: str  # the service's name as the back ends call it (emitters.naming)
    files: tuple[OutputFile, ...]
    objects: tuple[K8sObject, ...]
    settings: Settings
    diagnostics: Diagnostics
    namespace: str | None = None  # --namespace
    flavour: str | None = None  # the flavour the call named (--flavour), else None
    profile_paths: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    wiring: InputWiring | None = None
    sources: Sources | None = None  # the input package as data (computed when asked for)

    def without_operator(self) -> tuple[list[OutputFile], list[K8sObject]]:
        """The files and objects less the operator's (what orchestrator packages carry)."""
        return (without_operator(self.files),
                [o for o in self.objects if not o.path.startswith(OPERATOR_DIR)])


@dataclass(slots=True, kw_only=True)
class CsarParts:
    """The SOL004 CSAR being built, as a target's package layout sees it
    (:class:`compiler.plugins.CsarLayout`): the layout adds files to ``out`` and entries
    to ``non_mano`` (``(set id, path)`` of the manifest's ``non_mano_artifact_sets``),
    ``meta_blocks`` (TOSCA.meta blocks after block 0) and ``extra`` (files written beside
    the CSAR, e.g. Tacker's instantiate request).  ``files`` and ``objects`` are the
    compiled files and objects less the operator's; ``entry`` the descriptor's path in
    the CSAR."""

    ident: Identity
    entry: str
    files: list[OutputFile]
    objects: list[K8sObject]
    out: dict[str, bytes]
    non_mano: list[tuple[str, str]] = field(default_factory=list)
    meta_blocks: list[str] = field(default_factory=list)
    extra: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule of a consumer that a package breaks (or a note on it), named by the gate
    (``gate``) and the consumer's own rule id (``rule``)."""

    gate: str
    rule: str
    severity: str  # error | warning | note
    message: str
    file: str = ""
    line: int = 0

    def render(self) -> str:
        where = f"{self.file}:{self.line}: " if self.line else (f"{self.file}: " if self.file else "")
        return f"{where}{self.severity}[{self.gate}/{self.rule}]: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class WrittenPackage:
    """A package as written to disk, for the gates the plugin table names for it
    (``xfc bundle --verify``): ``path`` on disk, ``root`` as the output names it, the
    bundle ``format`` that wrote it, the ``layout`` it was laid out in (a target's
    ``package_layout``, or None), ``kind`` and ``files`` as the gates' reader finds them
    (:func:`compiler.bundlers.gates.read_bundle`: chart, helm-package, csar, osm or
    unknown).  What was written beside it (a Tacker CSAR's instantiate request, an NS
    package's VNF packages) a gate reads from disk, as the consumer would be handed it."""

    path: str
    root: str
    format: str
    layout: str | None
    kind: str
    files: Mapping[str, bytes]


__all__ = ["OPERATOR_DIR", "BundleError", "BundleInput", "CsarParts", "Finding", "Identity",
           "InputWiring", "K8sObject", "Settings", "SourceData", "Sources", "Variant",
           "WrittenPackage", "without_operator"]
