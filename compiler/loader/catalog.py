"""The profile catalog: well-known imports resolved to local files, never to the network.

Phase: load.  Input: an import reference as written (a URL, a catalog name such as
``xfactor/1.0/profile.yaml``, or a bare file name such as
``etsi_nfv_sol001_common_types.yaml``).  Output: a :class:`CatalogHit` naming a local
directory (read through a DirFS, so the catalog file's own relative imports work) and
the file inside it, or ``None``.

Search order (docs/imports.md): the files shipped inside xfc (``compiler/profiles``),
then each directory of ``--profile-path`` / ``XFC_PROFILE_PATH`` in order.

* ``xfactor/1.0/profile.yaml`` → ``compiler/profiles/xfactor/1.0/profile.yaml``
* ``https://forge.etsi.org/rep/nfv/SOL001/raw/v<V>/<file>`` (and the ``/-/raw/`` form)
  → ``compiler/profiles/etsi-nfv-sol001/<V>/<file>``
* a bare SOL001 file name → the same file of :data:`DEFAULT_SOL001` (2.6.1, the version
  Tacker ships), because a bare name carries no version.

Codes: none (the loader reports an import that is neither in the package nor here).
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from ..resources import profiles_dir

DEFAULT_SOL001 = "2.6.1"
SOL001_DIR = "etsi-nfv-sol001"
_FORGE = re.compile(
    r"^https?://forge\.etsi\.org/rep/nfv/SOL001/(?:-/)?raw/v?(?P<ver>[0-9][0-9.]*)/(?P<file>[A-Za-z0-9_.-]+)$"
)
_SOL001_NAME = re.compile(r"^etsi_nfv_sol001_[a-z]+_types\.yaml$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class CatalogHit:
    root: Path  # the directory read as a DirFS
    name: str  # the file inside it
    label: str  # what diagnostics show: "xfc:etsi-nfv-sol001/2.6.1"


def is_url(ref: str) -> bool:
    return bool(_URL.match(ref))


def search_roots(profile_paths: tuple[str, ...]) -> list[tuple[Path, str]]:
    roots = [(profiles_dir(), "xfc:")]
    env = os.environ.get("XFC_PROFILE_PATH", "")
    extra = list(profile_paths) + [p for p in env.split(os.pathsep) if p]
    for p in extra:
        roots.append((Path(p), p.rstrip("/") + "/"))
    return roots


def lookup(ref: str, profile_paths: tuple[str, ...] = ()) -> CatalogHit | None:
    """Find a local file for ``ref``; ``None`` when the catalog does not know it."""
    candidates: list[str] = []
    m = _FORGE.match(ref)
    if m:
        candidates.append(f"{SOL001_DIR}/{m['ver']}/{m['file']}")
    elif not is_url(ref):
        clean = posixpath.normpath(ref.lstrip("./")) if ref else ""
        if clean and not clean.startswith(".."):
            candidates.append(clean)
            base = posixpath.basename(clean)
            if _SOL001_NAME.match(base):
                candidates.append(f"{SOL001_DIR}/{DEFAULT_SOL001}/{base}")
            if base != clean:
                candidates.append(base)
    for root, label in search_roots(profile_paths):
        for cand in candidates:
            full = root / cand
            try:
                found = full.is_file()
            except (OSError, ValueError):  # a name too long for the OS names no file
                found = False
            if found:
                parent = posixpath.dirname(cand)
                return CatalogHit(
                    root=(root / parent) if parent else root,
                    name=posixpath.basename(cand),
                    label=f"{label}{parent}" if parent else label.rstrip("/:"),
                )
    return None


def describe_search(profile_paths: tuple[str, ...]) -> str:
    roots = search_roots(profile_paths)
    extra = [label for _, label in roots[1:]]
    where = "the xfc catalog"
    if extra:
        where += " and " + ", ".join(extra)
    else:
        where += " (no --profile-path or XFC_PROFILE_PATH given)"
    return where
