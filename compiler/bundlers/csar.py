"""The ETSI SOL004 CSAR bundler (``xfc bundle --format csar``).

Phase: bundle.  Input: a :class:`~compiler.bundlers.BundleInput` (with its Settings:
the package layout a target asks for, signing key and certificate, release date).
Output: one OutputFile ``<name>.csar`` (a reproducible zip, see
:mod:`compiler.bundlers`) or, with ``archive=False``, the files under ``csar/<name>/``,
and the files the layout writes beside it.

Layout (/work/shared/formats.md §1; ONAP SDC ``SOL004MetaDirectoryValidator``,
``ManifestTokenType``; Tacker ``csar_utils``):

* ``TOSCA-Metadata/TOSCA.meta``: block 0 with ``TOSCA-Meta-File-Version: 1.0``,
  ``CSAR-Version: 1.1``, ``Created-By`` (capital B: SDC compares keys exactly),
  ``Entry-Definitions``, ``ETSI-Entry-Manifest``, ``ETSI-Entry-Change-Log`` (the three
  that make SDC take the package as SOL004), ``ETSI-Entry-Licenses`` (a folder, as SDC
  requires) and, when signed, ``ETSI-Entry-Certificate``; then the blocks the layout
  adds.
* ``Definitions/``: the descriptor and every file it imports (moved there, with the
  references that follow them, when the input's entry sits at its root:
  :mod:`compiler.bundlers.csar_layout`), the catalog's type files included (SOL001 type
  files by their base name, as Tacker's samples place them; other catalog files at the
  path the descriptor's relative import names).  When the input is itself a CSAR, its
  other files travel on; its TOSCA.meta, manifest, certificate and change log are
  written anew.
* ``<entry stem>.mf``: ``metadata:`` with the 4 ``vnf_*`` keys SDC counts, or the 8-key
  set when ``compatible_specification_versions`` is 2.7.1 or later (the SOL001 version of
  the imported types, raised to the layout's ``min_spec``); then
  ``Source``/``Algorithm: SHA-256``/``Hash`` for every other file of the package (SDC
  expects every file listed, TOSCA.meta included); then the layout's
  ``non_mano_artifact_sets`` (``Source`` only: Tacker refuses a block holding a hash that
  is not Source/Algorithm/Hash).  When signed, the manifest ends with a
  ``-----BEGIN CMS-----`` block: a detached CMS SignedData of the manifest text before it
  (SOL004 §5.3, option 1), and the certificate is a file of the package.
* ``ChangeLog.txt`` and ``Licenses/LICENSE.txt``.
* What a target's layout adds (``Settings.target``, the target's ``package_layout``,
  looked up in the plugin table: :data:`compiler.plugins.BUILTIN_LAYOUTS`; the built-in
  layouts are :mod:`compiler.bundlers.layouts`): this module names no target.

Codes: none here; a package that cannot be built raises
:class:`~compiler.bundlers.BundleError`.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from typing import Any

from typing import TYPE_CHECKING

from ..bundle_api import CsarParts
from ..model import OutputFile
from ..resources import render_text
from . import BundleError, BundleInput, Identity, Settings, Sources, identity, zip_bytes
from .csar_layout import DEFINITIONS, moves_entry, rewrite_references

if TYPE_CHECKING:
    from ..plugins import CsarLayout

_SOL001 = re.compile(r"etsi-nfv-sol001/(?P<ver>\d+\.\d+\.\d+)/")
CHANGE_LOG = "ChangeLog.txt"
LICENSES = "Licenses"


def _version_tuple(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", v)[:3])


def definitions(inp: BundleInput) -> tuple[str, dict[str, bytes], str | None]:
    """(entry path in the CSAR, Definitions files, SOL001 version of the imported types)."""
    src = inp.sources
    if src is None:
        raise BundleError("a CSAR needs the input package (the bundler's needs name it)")
    files: dict[str, bytes] = {}
    sol001: str | None = None
    entry = ""
    shipped_at: dict[str, str] = {}  # catalog file (resolved path) -> where the CSAR ships it
    # the package's TOSCA files go under Definitions/ when its entry is at its root
    # (SOL004/Tacker read Definitions/; csar_layout.py)
    move = moves_entry(src.kind, src.entry)
    for sf in src.files:
        if sf.from_catalog:
            if sf.catalog is None or sf.content is None:
                raise BundleError(f"cannot find the catalog file {sf.display}")
            m = _SOL001.search(sf.display)
            if m:
                sol001 = max(sol001 or "0.0.0", m["ver"], key=_version_tuple)
                dest = f"Definitions/{posixpath.basename(sf.catalog)}"
            else:
                dest = f"Definitions/{sf.catalog}"
        else:
            dest = DEFINITIONS + sf.name if move else sf.name
            if sf.name == src.entry:
                entry = dest
        data = sf.content or b""
        if dest in files and files[dest] != data:
            raise BundleError(f"two imported files would both be {dest}")
        files[dest] = data
        if sf.from_catalog and sf.key is not None:
            shipped_at[sf.key] = dest
    # imports that the catalog served (an ETSI forge URL, a bare profile name) point at the
    # file the CSAR ships, so that a consumer never fetches them (Tacker reads imports
    # relative to the importing file, and an offline Tacker cannot reach the forge)
    own = {sf.name for sf in src.files if not sf.from_catalog}
    for sf in src.files:
        if sf.from_catalog:
            continue
        dest = DEFINITIONS + sf.name if move else sf.name
        if dest in files:
            files[dest] = _point_imports(files[dest], sf.data, dest, shipped_at, src, sf.name)
            if move and src.names:  # an entry at the folder's root: moved under Definitions/
                files[dest] = rewrite_references(files[dest], sf.data, sf.name, dest,
                                                 set(src.names), own)
    if src.kind != "file":
        # an input CSAR's other files (artifacts, Files/, scripts) travel on; the
        # metadata, manifest, certificate and change log are written anew
        old = {"TOSCA-Metadata/TOSCA.meta", *src.meta.values()}
        for name in sorted(src.names):
            if name in files or name in old or name in own or ("/" not in name and name.endswith((".mf", ".cert"))):
                continue
            files[name] = src.others[name]
    return entry, files, sol001


def _point_imports(text: bytes, data: Any, dest: str, shipped_at: dict[str, str],
                   src: Sources, source: str | None = None) -> bytes:
    """``text`` with each import the catalog served rewritten to the shipped file's path,
    relative to ``dest``; the rest of the file is left byte for byte."""
    imports = data.get("imports") if isinstance(data, dict) else None
    if not isinstance(imports, list):
        return text
    lines = text.split(b"\n")
    for i, item in enumerate(imports):
        ref = item.get("file") if isinstance(item, dict) else item
        if not isinstance(ref, str) or not ref:
            continue
        here = posixpath.dirname(dest)
        base = posixpath.dirname(source if source is not None else dest)
        if src.kind != "file" and posixpath.normpath(posixpath.join(base, ref)) in src.names:
            continue  # a file of the package: it moves with the importing file
        key = src.imports.get(ref)
        target = shipped_at.get(key) if key is not None else None
        if target is None:
            continue
        new = posixpath.relpath(target, here or ".")
        if new == ref:
            continue
        span = item.value_span("file") if isinstance(item, dict) and hasattr(item, "value_span") \
            else imports.item_span(i) if hasattr(imports, "item_span") else None
        line = (span.line - 1) if span is not None and span.line > 0 else -1
        old = ref.encode("utf-8")
        if 0 <= line < len(lines) and old in lines[line]:
            lines[line] = lines[line].replace(old, new.encode("utf-8"), 1)
    return b"\n".join(lines)


def manifest_metadata(ident: Identity, settings: Settings, spec: str | None) -> list[tuple[str, str]]:
    """The manifest's metadata keys: SDC counts exactly 4, or 8 from SOL004 2.7.1 on."""
    keys = [
        ("vnf_provider_id", ident.provider),
        ("vnf_product_name", ident.product),
        ("vnf_release_date_time", settings.release_date),
        ("vnf_package_version", ident.version),
    ]
    if spec is not None and _version_tuple(spec) >= (2, 7, 1):
        keys += [
            ("vnfd_id", ident.descriptor_id),
            ("vnf_software_version", ident.software_version),
            ("compatible_specification_versions", spec),
            ("vnfm_info", ",".join(ident.vnfm_info) or "etsivnfm:v" + spec),
        ]
    return keys


def _one_line(v: str) -> str:
    return " ".join(str(v).split())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signer(key_pem: bytes, cert_pem: bytes, key_label: str = "--sign-key",
           cert_label: str = "--sign-cert") -> tuple[Any, Any]:
    """(private key, certificate) that can sign a CSAR, or :class:`BundleError` saying
    which of the two is wrong: unreadable, of a key type CMS signing here does not take
    (Ed25519, Ed448, DSA: cryptography's PKCS#7 builder signs with RSA and ECDSA keys
    only), or a certificate whose public key is not the key's (the signature would not
    verify against the certificate shipped beside it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except Exception as exc:  # ValueError, TypeError; UnsupportedAlgorithm (not a ValueError)
        raise BundleError(f"{key_label}: cannot read the private key: {exc}") from None
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        kind = type(key).__name__.replace("PrivateKey", "").lstrip("_") or "this"
        article = "an" if kind[:1] in "AEIOU" else "a"
        raise BundleError(f"{key_label}: {article} {kind} key cannot sign a CSAR; use an RSA "
                          "or ECDSA key")
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except (ValueError, TypeError) as exc:
        raise BundleError(f"{cert_label}: cannot read the certificate: {exc}") from None
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    try:
        same = key.public_key().public_bytes(*spki) == cert.public_key().public_bytes(*spki)
    except (ValueError, TypeError):
        same = False
    if not same:
        raise BundleError(f"{cert_label}: the certificate is not that of {key_label} (its "
                          "public key differs), so the signature could not be verified")
    return key, cert


def sign(manifest: bytes, key_pem: bytes, cert_pem: bytes) -> bytes:
    """A detached CMS SignedData of ``manifest`` (SHA-256), PEM-armoured as ``CMS``.

    Reproducible with an RSA key (PKCS#1 v1.5 signatures are deterministic); an ECDSA
    signature is randomised by design, so two signed bundles then differ in it alone.
    """
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    key, cert = signer(key_pem, cert_pem)
    der = (pkcs7.PKCS7SignatureBuilder().set_data(manifest)
           .add_signer(cert, key, hashes.SHA256())
           .sign(serialization.Encoding.DER,
                 [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary,
                  # no signed attributes: they carry the signing time, which would make
                  # two bundles of the same input differ (RFC 5652 §5.3: optional for
                  # id-data content)
                  pkcs7.PKCS7Options.NoAttributes]))
    b64 = base64.b64encode(der).decode("ascii")
    body = "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
    return f"-----BEGIN CMS-----\n{body}\n-----END CMS-----\n".encode("ascii")


def _layout(name: str | None) -> CsarLayout | None:
    """The CSAR layout a bundle asks for (``Settings.target``, a target's
    ``package_layout``), from the plugin table; None for a plain SOL004 CSAR."""
    if name is None:
        return None
    from ..errors import PluginError
    from ..plugins import layout

    try:
        return layout(name)
    except PluginError as exc:
        raise BundleError(f"no CSAR layout {name!r}: {exc}") from None


def build_csar(inp: BundleInput) -> tuple[Identity, dict[str, bytes], dict[str, bytes]]:
    """(identity, the CSAR's files by path, the files written beside it by path)."""
    settings = inp.settings
    files, objects = inp.without_operator()  # orchestrators act on their own policy formats
    ident = identity(inp, objects)
    entry, out, sol001 = definitions(inp)
    layout = _layout(settings.target)
    spec = sol001
    least = layout.min_spec if layout is not None else None
    if least is not None and (spec is None or _version_tuple(spec) < _version_tuple(least)):
        spec = least
    stem = posixpath.splitext(posixpath.basename(entry))[0]
    manifest_name = f"{stem}.mf"
    cert_name = f"{stem}.cert" if settings.sign_key else None

    out[CHANGE_LOG] = render_text(
        "csar/ChangeLog.txt.j2", release_date=settings.release_date, product=ident.product,
        version=ident.version, entry=posixpath.basename(entry)).encode()
    out[f"{LICENSES}/LICENSE.txt"] = render_text(
        "csar/LICENSE.txt.j2", product=ident.product,
        provider=_one_line(ident.provider)).encode()
    parts = CsarParts(ident=ident, entry=entry, files=files, objects=objects, out=out)
    if layout is not None:
        layout.lay_out(inp, parts)
    if cert_name:
        out[cert_name] = settings.sign_cert or b""

    block0 = [
        ("TOSCA-Meta-File-Version", "1.0"),
        ("CSAR-Version", "1.1"),
        ("Created-By", "xfc"),
        ("Entry-Definitions", entry),
        ("ETSI-Entry-Manifest", manifest_name),
        ("ETSI-Entry-Change-Log", CHANGE_LOG),
        ("ETSI-Entry-Licenses", LICENSES),
    ]
    if cert_name:
        block0.append(("ETSI-Entry-Certificate", cert_name))
    meta = "".join(f"{k}: {v}\n" for k, v in block0)
    meta += "".join("\n" + b for b in parts.meta_blocks)
    out["TOSCA-Metadata/TOSCA.meta"] = meta.encode("utf-8")

    lines = ["metadata:"]
    from .ns_split import is_ns

    if is_ns(inp):  # an NS package (SOL007): the NSD's metadata, not a VNF's
        from .ns_package import ns_identity, ns_manifest_metadata

        keys = ns_manifest_metadata(ns_identity(inp), settings)
    else:
        keys = manifest_metadata(ident, settings, spec)
    lines += [f"    {k}: {_one_line(v)}" for k, v in keys]
    for path in sorted(out):
        if path == cert_name:
            continue  # SOL004 §5.3: the certificate is named in TOSCA.meta, not listed
        lines += ["", f"Source: {path}", "Algorithm: SHA-256", f"Hash: {sha256(out[path])}"]
    if parts.non_mano:
        lines += ["", "non_mano_artifact_sets:"]
        for set_id, path in parts.non_mano:
            lines += [f"    {set_id}:", f"        Source: {path}"]
    manifest = ("\n".join(lines) + "\n").encode("utf-8")
    if settings.sign_key:
        manifest += b"\n" + sign(manifest, settings.sign_key, settings.sign_cert or b"")
    out[manifest_name] = manifest
    return ident, out, parts.extra


class CsarBundler:
    name = "csar"
    description = "an ETSI SOL004 CSAR for ONAP SDC or Tacker, optionally signed"

    needs = frozenset({"wiring", "sources"})  # a layout may ship the Helm chart
    gates = ("sdc-sol004", "vtp")  # --verify: SDC's and VTP's SOL004 rules, every CSAR
    lays_out = True  # laid out for a target's package_layout: its gates run too

    def package(self, inp: BundleInput) -> list[OutputFile]:
        settings = inp.settings
        ident, content, beside = build_csar(inp)
        result: list[OutputFile]
        if settings.archive:
            result = [OutputFile(path=f"{ident.name}.csar", content=zip_bytes(content),
                                 producer=self.name)]
        else:
            result = [OutputFile(path=f"csar/{ident.name}/{p}", content=d, producer=self.name)
                      for p, d in sorted(content.items())]
        result += [OutputFile(path=p, content=d, producer=self.name)
                   for p, d in sorted(beside.items())]
        return result


BUNDLER = CsarBundler()

if TYPE_CHECKING:  # mypy (strict here): the CSAR bundler is a compiler.plugins.Bundler
    from ..plugins import Bundler

    _BUILTIN: Bundler = BUNDLER
