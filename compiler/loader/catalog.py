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
* ``profile://<name>`` (a TOSCA 2.0 profile import, lowered by :mod:`compiler.loader.tosca2`)
  → the file :data:`PROFILES` names, in the catalog only
* a bare SOL001 file name → the first ``--profile-path``/``XFC_PROFILE_PATH`` directory
  holding it (the user's choice), else the same file of the version the descriptor
  declares (the loader works it out: :func:`compiler.loader.versions.declared_sol001`),
  never a version picked by xfc.

Codes: none (the loader reports an import that is neither in the package nor here).
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from ..resources import profiles_dir

SOL001_DIR = "etsi-nfv-sol001"
_FORGE = re.compile(
    r"^https?://forge\.etsi\.org/rep/nfv/SOL001/(?:-/)?raw/v?(?P<ver>[0-9][0-9.]*)/(?P<file>[A-Za-z0-9_.-]+)$"
)
_SOL001_NAME = re.compile(r"^etsi_nfv_sol001_[a-z]+_types\.yaml$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


# TOSCA 2.0 profiles (TOSCA 2.0 §6.7, §6.8.2.1) by name -> the catalog file that defines
# them; None: xfc's built-in normative types, whose short names are the simple profile's
# (compiler.loader.tosca2).  The lowered import is written ``profile://<name>``, a reference no
# file system holds, so a profile comes from the catalog only.
PROFILES: dict[str, str | None] = {
    "org.oasis-open.simple:2.0": None,
    "io.xfactor:1.0": "xfactor/1.0/profile.yaml",
    "io.xfactor.kubernetes:1.0": "xfactor-kubernetes/1.0/profile.yaml",
    "community.tosca.core:0.1": "tosca-community/core/profile.yaml",
    "community.tosca.abstract.base:0.1": "tosca-community/abstract/base/profile.yaml",
    "community.tosca.abstract.platform:0.1": "tosca-community/abstract/platform/profile.yaml",
    "community.tosca.abstract.network:0.1": "tosca-community/abstract/network/profile.yaml",
    "community.tosca.abstract.application:0.1":
        "tosca-community/abstract/application/profile.yaml",
    "community.tosca.abstract.data:0.1": "tosca-community/abstract/data/profile.yaml",
}
PROFILE_SCHEME = "profile://"


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


def is_bare_sol001(ref: str) -> bool:
    """A SOL001 type file named without a version (``etsi_nfv_sol001_vnfd_types.yaml``)."""
    return not is_url(ref) and bool(_SOL001_NAME.match(posixpath.basename(ref)))


def forge_version(ref: str) -> str | None:
    """The SOL001 version a forge URL names (``.../raw/v4.4.1/...`` → ``4.4.1``)."""
    m = _FORGE.match(ref)
    return m["ver"] if m else None


def sol001_versions() -> list[str]:
    """The SOL001 versions xfc's catalog holds, oldest first."""
    root = profiles_dir() / SOL001_DIR
    try:
        names = [p.name for p in root.iterdir() if p.is_dir()]
    except OSError:
        return []
    return sorted(names, key=lambda v: tuple(int(x) for x in v.split(".") if x.isdigit()))


def lookup(ref: str, profile_paths: tuple[str, ...] = (), *,
           sol001_version: str | None = None) -> CatalogHit | None:
    """Find a local file for ``ref``; ``None`` when the catalog does not know it.

    A bare SOL001 name is looked for in the user's ``--profile-path``/``XFC_PROFILE_PATH``
    directories first (their choice, first match), then as the file of
    ``sol001_version`` in the catalog; without a version it is not found."""
    candidates: list[str] = []
    if ref.startswith(PROFILE_SCHEME):
        path = PROFILES.get(ref[len(PROFILE_SCHEME):])
        return _hit(profiles_dir(), "xfc:", path) if path else None
    m = _FORGE.match(ref)
    if m:
        candidates.append(f"{SOL001_DIR}/{m['ver']}/{m['file']}")
    elif not is_url(ref):
        clean = posixpath.normpath(ref.lstrip("./")) if ref else ""
        if clean and not clean.startswith(".."):
            base = posixpath.basename(clean)
            if _SOL001_NAME.match(base):
                for root, label in search_roots(profile_paths)[1:]:
                    for cand in dict.fromkeys((clean, base)):
                        hit = _hit(root, label, cand)
                        if hit is not None:
                            return hit
                if sol001_version is None:
                    return None
                return _hit(profiles_dir(), "xfc:", f"{SOL001_DIR}/{sol001_version}/{base}")
            candidates.append(clean)
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


def _hit(root: Path, label: str, cand: str) -> CatalogHit | None:
    try:
        found = (root / cand).is_file()
    except (OSError, ValueError):
        found = False
    if not found:
        return None
    parent = posixpath.dirname(cand)
    return CatalogHit(root=(root / parent) if parent else root, name=posixpath.basename(cand),
                      label=f"{label}{parent}" if parent else label.rstrip("/:"))


def describe_search(profile_paths: tuple[str, ...]) -> str:
    roots = search_roots(profile_paths)
    extra = [label for _, label in roots[1:]]
    where = "the xfc catalog"
    if extra:
        where += " and " + ", ".join(extra)
    else:
        where += " (no --profile-path or XFC_PROFILE_PATH given)"
    return where
