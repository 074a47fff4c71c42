"""Loading: from a path on the command line to every YAML file of the package, parsed.

Phase: load.  Input: a path (a descriptor file, a CSAR directory, or a ``.csar``/``.zip``)
and the options.  Output: a :class:`compiler.loader.package.Package` whose ``files`` hold the
entry definitions first and then every import, depth first, each read and parsed once.

Imports (TOSCA 1.3 §3.6.8, §3.9.3): a relative import resolves against the importing
file.  A CSAR's imports, and a lone descriptor's under ``--root``/``XFC_ROOT``, never
leave the package root (the hint names the ``--root`` that would admit the file); a lone
descriptor without a root reads its relative ``.yaml``/``.yml`` imports anywhere on the
local disk, as tosca-parser and Puccini do.  A URL or a well-known name resolves through
the profile catalog (:mod:`compiler.loader.catalog`) and never through the network.
Cycles are cut.  A ``namespace_prefix`` is recorded on the imported file for the type
system to apply.

Codes: input-not-found, input-too-large, input-encoding, yaml-not-mapping,
import-unresolved, import-outside-root, import-network, import-invalid, import-cycle,
tosca-version (a version xfc does not read, before the file's imports: :mod:`.tosca_version`),
tosca-quirk (``import.ancestor-relative``), limit-exceeded (``max_import_depth``), plus
those of :mod:`.yamlpos`, :mod:`.csar` and
:mod:`.shipped` (the package's Kubernetes manifests and YAML artifacts, read here too),
:mod:`.flavours` (none: the flavour files a CSAR leaves to be found by directory, read
here too) and :mod:`.artifacts` (every artifact file a package's descriptor names is in it), and
those of :mod:`compiler.loader.tosca2`, which lowers a TOSCA 2.0 file to the 1.3 grammar as it
is read.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from ..diagnostics import Diagnostics, Severity, Span
from .package import Package, SourceFile, index_templates
from ..options import Options
from . import catalog
from ..resources import profiles_dir
from ..limits import exceeded
from .fs import DirFS, PackageFS, TooLarge, normalize
from .tosca_version import check_version
from .tosca2 import is_tosca2, lower as lower_tosca2
from .yamlpos import Limits, PMap, PSeq, load_yaml

if TYPE_CHECKING:
    from .csar import InputPackage

__all__ = ["load", "read_yaml_file"]


@dataclass(frozen=True, slots=True)
class _Origin:
    fs: PackageFS
    name: str
    key: tuple[str, ...]  # identity: one parse per run


# Catalog files (SOL001 types, the X-factor profile) are parsed once per process: they
# are read-only for every phase.  Keyed by their display name and a digest of their
# text (content, not identity or mtime), bounded (least recently used out), and
# guarded by a lock so that concurrent compilations in threads share it safely.
# (display name, limits, digest) -> (source lines, positioned YAML)
_CATALOG_CACHE: "OrderedDict[tuple[str, Limits, bytes], tuple[list[str], Any]]" = OrderedDict()
_CATALOG_CACHE_MAX = 64
_CACHE_LOCK = threading.Lock()


def load(path: str, options: Options, diags: Diagnostics) -> Package | None:
    """Open the input and read the entry definitions and all their imports."""
    from .csar import open_input

    limits: Limits = options.limits
    opened = open_input(str(path), diags, limits, root=options.root,
                        allow_missing=options.allow_missing_artifacts)
    if opened is None:
        return None
    reader = _Reader(opened.fs, options, diags, limits, opened.kind)
    entry = reader.read(_Origin(opened.fs, opened.entry, ("pkg", opened.entry)), None, "", ())
    if entry is None:
        return None
    reader.read_deferred()
    from .shipped import read_shipped

    shipped = read_shipped(opened.fs, reader.files, diags, limits)
    if opened.kind != "file":
        from .artifacts import check_artifacts

        check_artifacts(opened.fs, reader.files, _listed(opened), diags,
                        options.allow_missing_artifacts)
    from .flavours import read_unimported

    unimported = read_unimported(opened.fs, opened.kind, reader.files, diags, limits)
    return Package(
        root=str(path),
        entry=opened.entry,
        files=tuple(reader.files),
        fs=opened.fs,
        kind=opened.kind,
        meta=opened.meta,
        manifest=opened.manifest,
        shipped=shipped,
        templates=index_templates(tuple(reader.files)),
        unimported=unimported,
    )


def _listed(opened: InputPackage) -> set[str]:
    """The package names TOSCA.meta's file blocks and the manifest's sources list."""
    out: set[str] = set()
    if opened.meta is not None:
        for block in opened.meta.files:
            f = block.get("Name")
            name = normalize("", f.value) if f is not None else None
            if name:
                out.add(name)
    if opened.manifest is not None:
        for src in opened.manifest.sources:
            name = normalize("", src.path)
            if name:
                out.add(name)
    return out


def read_yaml_file(fs: PackageFS, name: str, diags: Diagnostics, limits: Limits,
                   at: Span | None = None) -> Any:
    """Read and parse one YAML file of a package (also used for Files/kubernetes/*.yaml)."""
    display = fs.display(name)
    text = _read_text(fs, name, display, diags, limits, at)
    if text is None:
        return None
    return load_yaml(text, display, diags, limits)


def _read_text(fs: PackageFS, name: str, display: str, diags: Diagnostics, limits: Limits,
               at: Span | None) -> str | None:
    try:
        data = fs.read_bytes(name, limits.max_file_bytes)
    except TooLarge as exc:
        diags.add(
            "input-too-large",
            f"{display} has {exc.size:,} bytes; the limit is max_file_bytes = {exc.limit:,}",
            at or Span(display),
        )
        return None
    except (FileNotFoundError, IsADirectoryError, PermissionError, OSError) as exc:
        diags.add("input-not-found", f"cannot read {display}: {exc.__class__.__name__}",
                  at or Span(display))
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.add("input-encoding", f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
                  Span(display, line, col))
        return None


class _Reader:
    def __init__(self, fs: PackageFS, options: Options, diags: Diagnostics, limits: Limits,
                 kind: str = "file") -> None:
        self.fs = fs
        self.kind = kind  # "file" (a lone descriptor), "dir" or "zip" (a CSAR)
        self.options = options
        self.diags = diags
        self.limits = limits
        self.files: list[SourceFile] = []
        from .quirks import QuirkReporter

        self.quirks = QuirkReporter(options.quirks, diags)
        self.seen: set[tuple[tuple[str, ...], str]] = set()  # (_Origin.key, prefix)
        self.parsed: dict[tuple[str, ...], Any] = {}  # _Origin.key -> positioned YAML
        self.active: list[tuple[str, ...]] = []
        # bare-name SOL001 imports found nowhere yet: read once the version the whole
        # descriptor declares is known (compiler.loader.versions)
        self.deferred: list[tuple[str, str, Span, tuple[Span, ...]]] = []

    # -- one file ------------------------------------------------------------------
    def read(self, origin: _Origin, at: Span | None, prefix: str,
             chain: tuple[Span, ...], from_catalog: bool = False) -> SourceFile | None:
        if len(self.active) >= self.limits.max_import_depth:
            # read() recurses once per import level (exit 3 at about 250 levels)
            exceeded(self.diags, "max_import_depth", self.limits,
                     f"a chain of {len(self.active) + 1} imports", at)
            return None
        if origin.key in self.active:
            self.diags.add("import-cycle", f"import cycle through {origin.fs.display(origin.name)} "
                           "cut here", at)
            return None
        # A file imported again under another namespace_prefix is a second set of type
        # names (TOSCA 1.3 §3.6.8.3), so it appears once per prefix; it is parsed once.
        if (origin.key, prefix) in self.seen:
            return None
        self.seen.add((origin.key, prefix))
        display = origin.fs.display(origin.name)
        self.diags.chains.setdefault(display, chain)
        if origin.key in self.parsed:
            data = self.parsed[origin.key]
        else:
            data = self.parsed[origin.key] = self._parse(origin, display, at, from_catalog)
        if data is None:
            return None
        if is_tosca2(data):
            # TOSCA 2.0: lowered once to the grammar the resolver reads (compiler.loader.tosca2)
            data = self.parsed[origin.key] = lower_tosca2(data, self.diags, self.quirks,
                                                              from_catalog, self.limits)
            # its entity paths name the service_template it writes (TOSCA 2.0 §6.9)
            self.diags.path_words[display] = (("topology_template", "service_template"),)
        if not isinstance(data, PMap):
            self.diags.add("yaml-not-mapping", "a TOSCA file must be a mapping at the top level",
                           getattr(data, "span", None) or Span(display, 1, 1))
            return None
        sf = SourceFile(name=origin.name, display=display, data=data, prefix=prefix,
                        imported_at=at, from_catalog=from_catalog)
        self.files.append(sf)
        if not from_catalog and check_version(data, self.diags):
            return sf  # the version is the first word: its imports are not tried
        self.active.append(origin.key)
        try:
            self._imports(origin, data, chain)
        finally:
            self.active.pop()
        return sf

    def _parse(self, origin: _Origin, display: str, at: Span | None, from_catalog: bool) -> Any:
        if not from_catalog:
            text = _read_text(origin.fs, origin.name, display, self.diags, self.limits, at)
            if text is None:
                return None
            before = self.diags.count(Severity.ERROR)
            # a TOSCA 2.0 file's function calls as map keys are kept for its lowering
            data = load_yaml(text, display, self.diags, self.limits, call_keys=True)
            if data is None and self.diags.count(Severity.ERROR) == before:
                # an empty document (nothing, comments, a lone null) is an empty mapping,
                # so the checks that follow say what it lacks (tosca_definitions_version)
                # instead of the file being dropped without a word
                data = PMap(span=Span(display, 1, 1))
            return data
        text = _read_text(origin.fs, origin.name, display, self.diags, self.limits, at)
        if text is None:
            return None
        key = (display, self.limits, hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest())
        with _CACHE_LOCK:
            hit = _CATALOG_CACHE.get(key)
            if hit is not None:
                _CATALOG_CACHE.move_to_end(key)
        if hit is not None:
            self.diags.sources[display] = hit[0]
            return hit[1]
        local = Diagnostics()
        data = load_yaml(text, display, local, self.limits)
        self.diags.extend(local)
        if not local.has_errors:
            with _CACHE_LOCK:
                _CATALOG_CACHE[key] = (local.sources[display], data)
                while len(_CATALOG_CACHE) > _CATALOG_CACHE_MAX:
                    _CATALOG_CACHE.popitem(last=False)
        return data

    # -- its imports ---------------------------------------------------------------
    def _imports(self, origin: _Origin, data: PMap, chain: tuple[Span, ...]) -> None:
        imports = data.get("imports")
        if imports is None:
            return
        if not isinstance(imports, PSeq):
            self.diags.add("import-invalid", "'imports' must be a list", data.value_span("imports"))
            return
        repositories = data.get("repositories") if isinstance(data.get("repositories"), PMap) else {}
        for i, item in enumerate(imports):
            span = imports.item_span(i)
            ref, prefix, repo = self._import_entry(item, span)
            if ref is None:
                continue
            self._import_one(origin, ref, prefix, repo, repositories, span, chain + (span,))

    def _import_entry(self, item: Any, span: Span) -> tuple[str | None, str, str | None]:
        if isinstance(item, str):
            return item.strip(), "", None
        if isinstance(item, PMap):
            if "file" in item:
                ref = item.get("file")
                prefix = item.get("namespace_prefix") or ""
                repo = item.get("repository")
                unknown = set(item) - {"file", "repository", "namespace_prefix", "namespace_uri"}
                if unknown:
                    k = sorted(unknown)[0]
                    self.diags.add("import-invalid", f"unknown key {k!r} in an import definition",
                                   item.key_span(k),
                                   hint="an import definition takes file, repository, "
                                        "namespace_prefix and namespace_uri")
                    return None, "", None
                if not isinstance(ref, str) or not isinstance(prefix, str):
                    self.diags.add("import-invalid", "'file' and 'namespace_prefix' must be strings",
                                   span)
                    return None, "", None
                return ref.strip(), prefix, repo if isinstance(repo, str) else None
            if len(item) == 1:  # TOSCA 1.0 named form: - name: file  or  - name: {file: ...}
                (_, value), = item.items()
                return self._import_entry(value, item.value_span(next(iter(item))))
        self.diags.add("import-invalid", "an import is a file name, a URL, or a mapping with 'file'",
                       span)
        return None, "", None

    def _import_one(self, origin: _Origin, ref: str, prefix: str, repo: str | None,
                    repositories: Any, span: Span, chain: tuple[Span, ...]) -> None:
        paths = tuple(self.options.profile_paths)
        if repo is not None:
            rdef = repositories.get(repo) if isinstance(repositories, dict) else None
            url = rdef.get("url") if isinstance(rdef, dict) else rdef if isinstance(rdef, str) else None
            if not isinstance(url, str):
                self.diags.add("import-unresolved", f"import names repository {repo!r}, "
                               "which is not defined in 'repositories'", span)
                return
            ref = url.rstrip("/") + "/" + ref.lstrip("/")
        if catalog.is_url(ref):
            hit = catalog.lookup(ref, paths)
            if hit is None:
                self.diags.add(
                    "import-network",
                    f"import {ref!r} is a URL that xfc does not know; xfc never reads the network",
                    span,
                    hint="download the file into the package and import it by a relative path, "
                         "or put it in a directory given with --profile-path",
                )
                return
            self._read_catalog(hit, span, prefix, chain)
            return
        # relative to the importing file, inside the same file tree
        target = normalize(origin.name, ref)
        loose = None
        if target is None:
            if origin.fs is self.fs:
                loose = self._outside(origin.name, ref)
                if loose is not None:
                    if self.fs.exists(loose):
                        self._read_in(self.fs, loose, span, prefix, chain)
                        return
                else:
                    self.diags.add(
                        "import-outside-root",
                        f"import {ref!r} leaves the package root {self.fs.label}",
                        span, hint=self._outside_hint(origin.name, ref),
                    )
                    return
        elif origin.fs.exists(target):
            self._read_in(origin.fs, target, span, prefix, chain)
            return
        elif origin.fs is self.fs:
            found = self._ancestor_relative(origin.name, ref)
            if found is not None and self.quirks.allow(
                    "import.ancestor-relative", span, f"{ref!r} read as {found!r}"):
                self._read_in(origin.fs, found, span, prefix, chain)
                return
        hit = catalog.lookup(ref, paths)
        if hit is not None:
            if catalog.is_bare_sol001(ref):
                self.diags.add("import-version", f"{ref!r} read from {hit.label} "
                               "(--profile-path / XFC_PROFILE_PATH, first match)", span)
            self._read_catalog(hit, span, prefix, chain)
            return
        if catalog.is_bare_sol001(ref):
            self.deferred.append((ref, prefix, span, chain))
            return
        tried = target or loose
        looked = f"{origin.fs.display(tried)}, " if tried else ""
        self.diags.add(
            "import-unresolved",
            f"cannot resolve import {ref!r}: looked in {looked}{catalog.describe_search(paths)}",
            span,
            hint="add the file to the package, or pass --profile-path DIR (or set "
                 "XFC_PROFILE_PATH) to a directory that holds it",
        )

    def read_deferred(self) -> None:
        """The bare-name SOL001 imports neither the package nor the user's profile paths
        provide: the file of the version the descriptor declares (a note says which and
        why), or import-unresolved naming the catalog's versions.  No version is ever
        picked by xfc (issue 21: a 4.4.1 VNFD read against 2.6.1 types failed far from
        the cause)."""
        from .versions import declared_sol001

        deferred, self.deferred = self.deferred, []
        if not deferred:
            return
        declared = declared_sol001(self.files)
        paths = tuple(self.options.profile_paths)
        for ref, prefix, span, chain in deferred:
            hit = catalog.lookup(ref, paths, sol001_version=declared.version) \
                if declared is not None else None
            if hit is not None and declared is not None:
                self.diags.add("import-version", f"{ref!r} read as SOL001 "
                               f"{declared.version} from xfc's catalog: {declared.how} "
                               f"({declared.span.file}:{declared.span.line})", span)
                self._read_catalog(hit, span, prefix, chain)
                continue
            versions = catalog.sol001_versions()
            name = posixpath.basename(ref)
            why = "nothing in the descriptor declares a SOL001 version" if declared is None                 else f"the declared SOL001 {declared.version} has no {name} in xfc's catalog"
            self.diags.add(
                "import-unresolved",
                f"cannot resolve import {ref!r}: the package does not ship it, "
                + ("no --profile-path or XFC_PROFILE_PATH directory holds it"
                   if len(catalog.search_roots(paths)) > 1 else
                   "no --profile-path or XFC_PROFILE_PATH is given")
                + f", and {why}",
                span,
                hint=f"xfc's catalog holds SOL001 {', '.join(versions)}: choose one with "
                     f"--profile-path {profiles_dir() / catalog.SOL001_DIR}/<V>, or import "
                     "the file by its forge URL (https://forge.etsi.org/rep/nfv/SOL001/raw/"
                     f"v<V>/{name})",
            )

    def _outside(self, importer: str, ref: str) -> str | None:
        """The name of a relative import that climbs out of an unconfined lone file's
        directory (``../nfv/defs.yaml``), or None where it may not: inside a CSAR or
        under a root, for an absolute path, or for a file that is not YAML (a TOSCA file
        is YAML: the Simple Profile in YAML; a stray ``../../etc/passwd`` is refused)."""
        if getattr(self.fs, "confined", True) or not ref or \
                ref.startswith(("/", "\\")) or (len(ref) > 1 and ref[1] == ":"):
            return None
        if not ref.lower().endswith((".yaml", ".yml")):
            return None
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(importer),
                                                   ref.replace("\\", "/")))
        return joined if joined.startswith("../") else None

    def _outside_hint(self, importer: str, ref: str) -> str:
        """What would admit an import that leaves the root: for a lone descriptor, the
        ``--root`` enclosing both; a CSAR's imports stay inside its package."""
        base = getattr(self.fs, "root", None)
        if self.kind != "file" or base is None:
            return ("a CSAR's imports are relative to the importing file and stay inside "
                    "the package; copy the file into it")
        if ref.startswith(("/", "\\")) or (len(ref) > 1 and ref[1] == ":"):
            return "import it by a path relative to the importing file"
        if not getattr(self.fs, "confined", True):
            return ("outside its own directory a lone descriptor imports only relative "
                    ".yaml/.yml files")
        target = os.path.normpath(os.path.join(str(base), posixpath.dirname(importer),
                                               ref.replace("\\", "/")))
        common = os.path.commonpath([str(base), target])
        return (f"the package root is {self.fs.label}; --root {common} (or XFC_ROOT="
                f"{common}) would admit {target}")

    def _read_in(self, fs: PackageFS, name: str, span: Span, prefix: str,
                 chain: tuple[Span, ...]) -> None:
        # a file system other than the package's is the catalog's DirFS (_read_catalog)
        key = (("pkg",) if fs is self.fs else ("cat", str(cast(DirFS, fs).root))) + (name,)
        self.read(_Origin(fs, name, key), span, prefix, chain, from_catalog=fs is not self.fs)

    def _ancestor_relative(self, importer: str, ref: str) -> str | None:
        """``ref`` resolved against the directories enclosing ``importer``, nearest first."""
        parts = importer.split("/")[:-1]
        while parts:
            parts.pop()
            base = "/".join(parts + ["_"]) if parts else "_"
            cand = normalize(base, ref)
            if cand is not None and self.fs.exists(cand):
                return cand
        return None

    def _read_catalog(self, hit: catalog.CatalogHit, span: Span, prefix: str,
                      chain: tuple[Span, ...]) -> None:
        fs = DirFS(hit.root, label=hit.label)
        self.read(_Origin(fs, hit.name, ("cat", str(hit.root), hit.name)), span, prefix, chain,
                  from_catalog=True)
