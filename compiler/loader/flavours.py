"""Flavour discovery: the files of a package that may implement a deployment flavour.

Phase: load.  Input: the package file system, the TOSCA files read through the imports,
the limits.  Output: for ``Package.unimported``, the YAML files of a CSAR that no import
reaches, lying in the folder of a file that one does, whose ``topology_template`` has
``substitution_mappings`` (Tacker sometimes leaves a flavour file,
``Definitions/*_df_*.yaml``, to be found by directory rather than imported).

They are read once here, with the loader's limits, so that resolve never opens a file:
which of a package's files implement a flavour of its VNF (their
``substitution_mappings.node_type`` is the VNF's type or an ancestor) is then a question
of types, answered by resolve (:mod:`compiler.resolve.flavours`) from
:meth:`compiler.loader.package.Package.substituting` and
:meth:`~compiler.loader.package.Package.unimported_substituting`.  A file that cannot be
read or parsed is no flavour file: its problems are not reported (nothing imports it).

Codes: none (the problems of a file read here are dropped, as its absence would be).
"""

from __future__ import annotations

import posixpath
from typing import Iterable

from ..diagnostics import Diagnostics
from .fs import PackageFS
from .package import SourceFile, substitutes
from .yamlpos import Limits

YAML_SUFFIXES = (".yaml", ".yml")


_KEY = b"substitution_mappings"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _may_substitute(fs: PackageFS, name: str, limits: Limits) -> bool:
    """Whether a file can hold ``substitution_mappings`` at all, judged from its bytes
    before any YAML is parsed: thirty large YAML files beside the entry, none of them a
    flavour, were each parsed with positions (18 s for 80 MB) where a search of their
    bytes answers in milliseconds.  A UTF-16 file (BOM) is parsed, as the loader would."""
    try:
        data = fs.read_bytes(name, limits.max_file_bytes)
    except Exception:  # noqa: BLE001 - unreadable or too large: no flavour (as below)
        return False
    return _KEY in data or data[:2] in _UTF16_BOMS


def read_unimported(fs: PackageFS, kind: str, files: Iterable[SourceFile], diags: Diagnostics,
                    limits: Limits) -> tuple[SourceFile, ...]:
    """The unimported files with ``substitution_mappings`` beside the files read, sorted
    by name; ``()`` for a lone descriptor (its folder is not a package)."""
    if kind == "file":
        return ()
    from . import read_yaml_file

    own = [sf for sf in files if not sf.from_catalog]
    loaded = {sf.name for sf in files}
    folders = {posixpath.dirname(sf.name) for sf in own}
    try:
        names = fs.names()
    except Exception:  # noqa: BLE001 - an unreadable tree has no extra flavours
        return ()
    out = []
    for name in names:
        if name in loaded or posixpath.dirname(name) not in folders \
                or not name.endswith(YAML_SUFFIXES):
            continue
        if not _may_substitute(fs, name, limits):
            continue
        sink = Diagnostics()
        sf = SourceFile(name=name, display=fs.display(name),
                        data=read_yaml_file(fs, name, sink, limits))
        if substitutes(sf):
            diags.sources.update(sink.sources)  # for the excerpts of what resolve reports
            out.append(sf)
    return tuple(out)
