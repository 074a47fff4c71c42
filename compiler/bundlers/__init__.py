"""What every bundler shares: its input, identity of the package, objects, archives.

Phase: bundle.  Input: a :class:`BundleInput`, built by the application layer
(:func:`compiler.api.bundle.bundle_input`) from one clean compilation: the IR, the files
the emitters wrote with their objects as data (never YAML text to parse again), the
other deployment flavours as :class:`Variant` entries (each resolved once from the one
loaded package), what helm needs to know of the inputs (:class:`InputWiring`) and the
bundle's :class:`Settings` (these types are :mod:`compiler.bundle_api`'s, re-exported
here, so that the plugin protocols can name them).  A bundler is a
:class:`compiler.plugins.Bundler`: ``package(inp) -> list[OutputFile]``; it never calls the compiler,
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
from typing import Any, Iterable, Mapping

from ..bundle_api import OPERATOR_DIR, BundleError, BundleInput, CsarParts, Finding, Identity, \
    InputWiring, K8sObject, Settings, SourceData, Sources, Variant, WrittenPackage, \
    without_operator
from ..model import OutputFile
from ..plugins import Bundler

#: The earliest time a zip entry can carry; used for every entry (reproducible bundles).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

#: Kinds that live outside namespaces (no ``metadata.namespace`` is ever templated).
CLUSTER_SCOPED = frozenset({
    "CustomResourceDefinition", "Namespace", "ClusterRole", "ClusterRoleBinding",
    "PersistentVolume", "StorageClass", "PriorityClass", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
})

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})

_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\Z")


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


__all__ = ["CLUSTER_SCOPED", "OPERATOR_DIR", "WORKLOAD_KINDS", "ZIP_EPOCH", "BundleError",
           "BundleInput", "CsarParts", "Finding", "IRBundler", "Identity", "InputWiring",
           "K8sObject", "Settings", "SourceData", "Sources", "Variant", "WrittenPackage",
           "dump_yaml", "identity", "k8s_objects", "semver", "targz_bytes",
           "without_operator", "zip_bytes"]
