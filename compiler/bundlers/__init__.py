"""What every bundler shares: its input, identity of the package, objects, archives.

Phase: bundle.  Input: a :class:`BundleInput`, built by the application layer
(:func:`compiler.api.bundle.bundle_input`) from one clean compilation: the IR, the files
the emitters wrote with their objects as data (never YAML text to parse again), the
other deployment flavours as :class:`Variant` entries (each resolved once from the one
loaded package), what helm needs to know of the inputs (:class:`InputWiring`) and the bundle's :class:`Settings`.  A bundler is an
:class:`IRBundler`: ``package(inp) -> list[OutputFile]``; it never calls the compiler,
the loader or a YAML parser on xfc's output (the gates aside: they read a finished
package as its consumer would).  Output: plain data and bytes; nothing here touches the
disk.

Reproducibility (issue 13, item 4): archives are built in memory with their entries
sorted by name, every time stamp fixed (zip: 1980-01-01 00:00, the earliest a zip can
hold; tar: the epoch), modes 0644 for files and 0755 for directories, owner and group 0
with empty names, and a gzip header without a file name or time.  The same input gives
the same bytes.

Codes: none; a package that cannot be built raises :class:`BundleError`, which the
``bundle`` command reports and exits 1 on.
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..model import OutputFile
from ..plugins import Bundler

if TYPE_CHECKING:
    from ..diagnostics import Diagnostics
    from ..model import Topology

#: The earliest time a zip entry can carry; used for every entry (reproducible bundles).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

#: Kinds that live outside namespaces (no ``metadata.namespace`` is ever templated).
CLUSTER_SCOPED = frozenset({
    "CustomResourceDefinition", "Namespace", "ClusterRole", "ClusterRoleBinding",
    "PersistentVolume", "StorageClass", "PriorityClass", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
})

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})

#: Where the operator's objects are (compiler/emitters/operator.py): Helm templates them
#: behind ``operator.enabled``, Kustomize puts them in an optional component, and the
#: orchestrator packages (Tacker, ONAP, OSM), whose orchestrators act on their own policy
#: formats, leave them out.
OPERATOR_DIR = "operator/"


def without_operator(files: Iterable[OutputFile]) -> list[OutputFile]:
    """``files`` less the operator's (what the orchestrator packages carry)."""
    return [f for f in files if not f.path.startswith(OPERATOR_DIR)]

_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\Z")


class BundleError(Exception):
    """A package cannot be built from this compilation (reported by the CLI, exit 1)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """What the ``bundle`` command passes to every bundler beyond the compilation."""

    target: str | None = None  # csar: "onap" | "tacker" | None (plain SOL004)
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


def k8s_objects(files: Iterable[OutputFile]) -> list[K8sObject]:
    """Every Kubernetes object among ``files`` (a document with ``apiVersion`` and
    ``kind``), in path order, from the data the emitters handed over with each file
    (:attr:`~compiler.model.OutputFile.documents`): never by parsing the text again.

    Documents of other shapes (ONAP / OSM policies) are not Kubernetes objects and are
    left out, as is a file that came without its data (a third-party emitter's)."""
    out: list[K8sObject] = []
    for f in sorted(files, key=lambda f: f.path):
        if not f.path.endswith((".yaml", ".yml")) or f.documents is None:
            continue
        for doc in f.documents:
            if isinstance(doc, dict) and "apiVersion" in doc and "kind" in doc:
                out.append(K8sObject(f.path, doc))
    return out


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


#: The bundler protocol (``name``, ``description``, ``needs``, ``package(inp)``), the one
#: the plugin table checks: :class:`compiler.plugins.Bundler`.
IRBundler = Bundler


def semver(raw: Any, fallback: str = "0.1.0") -> str:
    """A SemVer 2 version from a descriptor version (``1.0`` -> ``1.0.0``).

    Helm refuses a chart version that is not SemVer; descriptors often write ``1.0`` or
    ``4.4.1-1.0``.  Missing numeric parts are padded with 0; anything else falls back.
    """
    text = str(raw).strip() if raw is not None else ""
    if _SEMVER.match(text):
        return text
    m = re.fullmatch(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?([-+].*)?", text)
    if m:
        cand = ".".join(str(int(p or 0)) for p in m.group(1, 2, 3)) + (m.group(4) or "")
        if _SEMVER.match(cand):
            return cand
    return fallback


def identity(inp: BundleInput, objects: Iterable[K8sObject]) -> Identity:
    """The package's identity from the descriptor (metadata, else the SOL001 VNF node)."""
    from ..names import dns_label

    topo = inp.topology
    meta = dict(topo.metadata or {}) if topo is not None else {}
    vnf: Mapping[str, Any] = {}
    if topo is not None:
        for node in topo.nodes.values():
            if "tosca.nodes.nfv.VNF" in node.types:
                vnf = node.properties
                break
    name = ""
    for obj in objects:  # the emitters' part-of label is the one name users see
        name = str(((obj.body.get("metadata") or {}).get("labels") or {}).get(
            "app.kubernetes.io/part-of", ""))
        if name:
            break
    name = dns_label(name or inp.service, fallback="xfc")
    raw_version = (meta.get("template_version") or vnf.get("descriptor_version")
                   or vnf.get("software_version") or "0.1.0")
    desc = " ".join(str(topo.description or "").split()) if topo is not None else ""
    vnfm = vnf.get("vnfm_info") or ()
    return Identity(
        name=name,
        version=semver(raw_version),
        app_version=str(vnf.get("software_version") or raw_version),
        description=desc[:300] or f"{name}, compiled by xfc",
        provider=str(vnf.get("provider") or meta.get("template_author") or "unknown"),
        product=str(vnf.get("product_name") or name),
        software_version=str(vnf.get("software_version") or raw_version),
        descriptor_id=str(vnf.get("descriptor_id") or name),
        vnfm_info=tuple(str(v) for v in vnfm) if isinstance(vnfm, (list, tuple)) else (str(vnfm),),
    )


def dump_yaml(data: Any) -> bytes:
    """A bundle's YAML file (Chart.yaml, values.yaml, kustomization.yaml, the OSM VNFD, a
    CRD) through the one YAML writer, :func:`compiler.yamlout.write`: safe under YAML 1.1
    and 1.2 readers, read back and compared."""
    from ..yamlout import write

    return write(data, what="bundle file", head=("apiVersion", "kind", "metadata")).encode("utf-8")


# --------------------------------------------------------------------------- archives

def _entries(files: Mapping[str, bytes]) -> list[tuple[str, bytes | None]]:
    """Sorted entries with every parent directory listed once (None = directory)."""
    names: dict[str, bytes | None] = {}
    for path, data in files.items():
        parts = path.split("/")
        for i in range(1, len(parts)):
            names.setdefault("/".join(parts[:i]) + "/", None)
        names[path] = data
    return sorted(names.items())


def zip_bytes(files: Mapping[str, bytes], *, directories: bool = False) -> bytes:
    """A zip of ``files`` (path -> bytes) whose bytes depend on nothing but the input."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in _entries(files):
            if data is None and not directories:
                continue
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.create_system = 3  # unix, so that external_attr carries the mode
            if data is None:
                info.external_attr = (0o40755 << 16) | 0x10
                zf.writestr(info, b"")
            else:
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def targz_bytes(files: Mapping[str, bytes]) -> bytes:
    """A gzipped tar of ``files``: sorted, epoch times, root-owned, no gzip name/time."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data in _entries(files):
            info = tarfile.TarInfo(name.rstrip("/"))
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tf.addfile(info)
            else:
                info.mode = 0o644
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()
