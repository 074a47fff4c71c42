"""The syntax of one compilation: the package the loader read, file by file.

Phase: load (produced by :func:`compiler.loader.load`), read by resolve and by the
network-service composer (compiler/ns), which see both the syntax and the IR; no later
phase reads it (issue 25, item 3: the IR, :mod:`compiler.model`, holds only frozen
model types with spans).

* :class:`SourceFile` — one YAML file of the package, as positioned YAML.
* :class:`Package` — every file read (the entry first), the CSAR metadata, the shipped
  files, :class:`RawIndex`, where each template is written, and the files that may
  implement a deployment flavour (:meth:`Package.substituting`, and those found by
  directory, :mod:`compiler.loader.flavours`).

Codes: none (data only).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..diagnostics import Span
from ..model import ShippedFile

if TYPE_CHECKING:
    from .fs import PackageFS
    from .manifest import Manifest, ToscaMeta
    from .yamlpos import PMap


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFile:
    """One YAML file of the package, read once per run."""

    name: str  # name inside the package FS (POSIX, relative), or "catalog:<id>"
    display: str  # what diagnostics show (Span.file)
    data: PMap = field(compare=False)  # positioned YAML (the loader keeps only mappings)
    # namespace_prefix this file was imported with ("" for none)
    prefix: str = ""
    # the span of the import statement that brought the file in (None for the entry)
    imported_at: Span | None = field(default=None, compare=False)
    from_catalog: bool = False


@dataclass(slots=True)
class RawIndex:
    """Where each template is written, as positioned YAML (PMap), by kind and name: the
    syntax behind the resolved templates, for positions of nested values."""

    nodes: dict[str, Any] = field(default_factory=dict)
    policies: dict[str, Any] = field(default_factory=dict)
    groups: dict[str, Any] = field(default_factory=dict)
    relationships: dict[str, Any] = field(default_factory=dict)


def index_templates(files: tuple["SourceFile", ...]) -> RawIndex:
    """The :class:`RawIndex` of a package's files (the first file defining a name wins)."""
    idx = RawIndex()
    for f in files:
        data = f.data
        if not isinstance(data, dict):
            continue
        tt = data.get("topology_template")
        if not isinstance(tt, dict):
            continue
        for key, target in (("node_templates", idx.nodes), ("groups", idx.groups),
                            ("relationship_templates", idx.relationships)):
            section = tt.get(key)
            if isinstance(section, dict):
                for name, body in section.items():
                    if isinstance(body, dict):
                        target.setdefault(name, body)
        pols = tt.get("policies")
        entries: Any = ()
        if isinstance(pols, list):
            entries = pols
        elif isinstance(pols, dict):  # lenient: a map of policies
            entries = [pols]
        for entry in entries:
            if isinstance(entry, dict):
                for name, body in entry.items():
                    if isinstance(body, dict):
                        idx.policies.setdefault(name, body)
    return idx


@dataclass(frozen=True, slots=True, kw_only=True)
class Package:
    """Everything read from disk for one compilation."""

    root: str  # user-facing label of the input (a file, a directory, a .csar)
    entry: str  # name of the entry file in ``files``
    files: tuple[SourceFile, ...]  # the entry first, then imports depth-first, each once
    # the file tree the package was read from, to read artifacts (None in a Package
    # built by hand, which has no files beyond ``files``)
    fs: PackageFS | None = field(compare=False, default=None)
    kind: str = "file"  # file | dir | zip
    meta: ToscaMeta | None = field(compare=False, default=None)
    manifest: Manifest | None = field(compare=False, default=None)
    shipped: tuple[ShippedFile, ...] = ()  # Files/kubernetes/*.yaml and YAML artifacts
    # where each template is written (index_templates(files)), built once by the loader
    templates: RawIndex | None = field(default=None, compare=False)
    # a CSAR's YAML files that no import reaches, in the folder of a file that one does,
    # whose topology_template has substitution_mappings (compiler.loader.flavours): read
    # once by the loader, as flavour files Tacker leaves to be found by directory
    unimported: tuple[SourceFile, ...] = field(default=(), compare=False)

    @property
    def entry_file(self) -> SourceFile:
        return self.files[0]

    def substituting(self) -> tuple[SourceFile, ...]:
        """The package's own files other than its entry, as read (each name once),
        whose ``topology_template`` has ``substitution_mappings``: the files that may
        implement a deployment flavour of the entry's VNF (SOL001 §6.8; which ones do is
        a question of types, answered by resolve)."""
        return _once(sf for sf in self.files[1:] if not sf.from_catalog and substitutes(sf))

    def unimported_substituting(self) -> tuple[SourceFile, ...]:
        """The unimported files with ``substitution_mappings`` (:attr:`unimported`) that
        lie beside the entry: the flavour files found by directory, which resolve takes
        when no file of :meth:`substituting` implements a flavour."""
        folder = posixpath.dirname(self.entry)
        read = {sf.name for sf in self.files}
        return _once(sf for sf in self.unimported
                     if posixpath.dirname(sf.name) == folder and sf.name not in read)


def substitutes(sf: SourceFile) -> bool:
    """Whether the file's ``topology_template`` has ``substitution_mappings``."""
    data = sf.data
    tt = data.get("topology_template") if isinstance(data, dict) else None
    return isinstance(tt, dict) and isinstance(tt.get("substitution_mappings"), dict)


def _once(files: Any) -> tuple[SourceFile, ...]:
    """``files`` with each name once (the first: the prefix it was first imported with)."""
    seen: set[str] = set()
    out = []
    for sf in files:
        if sf.name not in seen:
            seen.add(sf.name)
            out.append(sf)
    return tuple(out)
