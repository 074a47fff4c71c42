"""Where the CSAR bundler puts the input's TOSCA files, and the references that follow them.

Phase: bundle (a helper of :mod:`compiler.bundlers.csar`).  Input: the loaded package's
file names and its positioned YAML.  Output: destination paths, and file texts whose
relative references to the package's other files are rewritten after a move.

SOL004 and Tacker read the descriptors under ``Definitions/``: Tacker's ``Vnfd`` takes
every file there and looks for the deployment flavours in them, so a package whose entry
sits at the CSAR root onboards and then has no flavour (FlavourIdNotFound at the grant).
A folder input whose entry file sits at the folder's root (a folder without TOSCA.meta, or
one whose ``Entry-Definitions`` names a root file) is therefore bundled with its TOSCA
files under ``Definitions/``, keeping their layout relative to each other (so imports
between them stay as written).  Files they name by a relative path that did not move (a
script, an image, ``Files/kubernetes/x.yaml``) get that path rewritten from the new place
(``../Files/kubernetes/x.yaml``), on the value's own line, the rest of the file byte for
byte.  A string is taken for such a reference only when it names a file of the package
relative to the file that holds it.

Codes: none.
"""

from __future__ import annotations

import posixpath
from typing import Any, Iterator

DEFINITIONS = "Definitions/"


def moves_entry(kind: str, entry: str) -> bool:
    """Whether a package's TOSCA files go under ``Definitions/``: a lone descriptor
    (``kind`` file) and a folder or archive whose entry sits at its root."""
    return kind == "file" or "/" not in entry


def _strings(node: Any) -> Iterator[tuple[str, Any]]:
    """(string value, its span) for every string value of positioned YAML (keys left out)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, str):
                span = node.value_span(k) if hasattr(node, "value_span") else None
                yield v, span
            else:
                yield from _strings(v)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, str):
                yield v, node.item_span(i) if hasattr(node, "item_span") else None
            else:
                yield from _strings(v)


def _is_relative_path(text: str) -> bool:
    return bool(text) and "\n" not in text and ":" not in text and not text.startswith("/")


def rewrite_references(text: bytes, data: Any, source: str, dest: str, names: set[str],
                       moved: set[str]) -> bytes:
    """``text`` (the file ``source`` of the package, now at ``dest``) with each relative
    reference to a package file that did not move rewritten to hold from ``dest``."""
    if posixpath.dirname(source) == posixpath.dirname(dest):
        return text
    lines = text.split(b"\n")
    src_dir, dest_dir = posixpath.dirname(source), posixpath.dirname(dest)
    for value, span in _strings(data):
        if not _is_relative_path(value) or span is None or span.line <= 0:
            continue
        target = posixpath.normpath(posixpath.join(src_dir, value))
        if target not in names or target in moved or target.startswith("../"):
            continue
        new = posixpath.relpath(target, dest_dir or ".")
        line = span.line - 1
        old = value.encode("utf-8")
        if new != value and 0 <= line < len(lines) and old in lines[line]:
            lines[line] = lines[line].replace(old, new.encode("utf-8"), 1)
    return b"\n".join(lines)
