"""Read-only views of an input package: a directory, a zip archive, or one lone file.

Phase: load.  Every file the compiler reads goes through a :class:`PackageFS`, so that a
zip is read without being extracted to disk, and no read can leave the package root.
Names are POSIX paths relative to the root (``Definitions/vnfd.yaml``).  Input: a
directory or a file path.  Output: the bytes of the files asked for.

Codes: none.  A missing file raises ``FileNotFoundError`` and a file past the size limit
:class:`TooLarge`; the loader and :mod:`.csar` report them as input-not-found and
input-too-large.
"""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol


class TooLarge(Exception):
    def __init__(self, name: str, size: int, limit: int) -> None:
        super().__init__(name)
        self.name, self.size, self.limit = name, size, limit


class PackageFS(Protocol):
    """A read-only file tree.  Implementations: :class:`DirFS`, ``csar.ZipFS``."""

    label: str  # how the root is shown to users: "pkg/" or "pkg.zip"

    def names(self, under: str = "") -> list[str]:
        """Every regular file (below the folder ``under``, e.g. ``"Files/kubernetes/"``,
        when given), as sorted POSIX relative names."""

    def exists(self, name: str) -> bool: ...

    def size(self, name: str) -> int: ...

    def read_bytes(self, name: str, limit: int) -> bytes:
        """The whole file; raises :class:`TooLarge` past ``limit`` bytes, before reading it."""

    def open(self, name: str) -> BinaryIO:
        """A stream, for hashing multi-GB artifacts without loading them."""

    def display(self, name: str) -> str:
        """The file name used in diagnostics (``Span.file``)."""


def normalize(base: str, ref: str) -> str | None:
    """Join a relative reference to the directory of ``base`` inside the package.

    Returns ``None`` when the result would leave the package root (``..`` past the top,
    or an absolute path): TOSCA 1.3 §3.3 makes import URIs relative to the importing file.
    """
    if not ref or ref.startswith(("/", "\\")) or (len(ref) > 1 and ref[1] == ":"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), ref.replace("\\", "/")))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined


_PATHS_KEPT = 65_536  # names whose resolved path a DirFS keeps


class DirFS:
    """A directory on disk.  Symbolic links that point outside the root are not followed.

    ``confined=False`` (a lone descriptor without ``--root``/``XFC_ROOT``) lets a name
    that climbs out of the root (``../nfv/defs.yaml``) be read, as tosca-parser and
    Puccini read a lone file's relative imports (docs/imports.md); listing still covers
    the root only."""

    def __init__(self, root: str | os.PathLike[str], label: str | None = None,
                 confined: bool = True) -> None:
        self.root = Path(root).resolve()
        self.label = label if label is not None else str(root)
        self.confined = confined
        self._paths: dict[str, Path | None] = {}
        # regular files met by names(), inside the root by construction (os.walk follows
        # no link): their path needs no resolve() (issue 22: 99,999 empty files took 49 s
        # of CPU, most of it pathlib resolving each name, twice)
        self._listed: set[str] = set()
        self._names: dict[str, list[str]] = {}

    def _path(self, name: str) -> Path | None:
        if name in self._listed:
            return self.root / name
        # One run asks about a name several times (a manifest Source: is it a file, a
        # folder, a near name?); each resolve() is an lstat per component, so the
        # answers are kept, for up to _PATHS_KEPT names (bounded: a hostile manifest
        # may name millions).
        if name in self._paths:
            return self._paths[name]
        p = self._resolve(name)
        if len(self._paths) < _PATHS_KEPT:
            self._paths[name] = p
        return p

    def _resolve(self, name: str) -> Path | None:
        try:
            p = (self.root / name).resolve()
            if self.confined or not name.startswith("../"):
                p.relative_to(self.root)
        except RecursionError:  # a RuntimeError, but a bug in xfc, not a missing file
            raise
        except (OSError, ValueError, RuntimeError):
            # outside the root, a NUL byte, a name too long; a symbolic link loop raises
            # RuntimeError on Python 3.11-3.12 (OSError from 3.13)
            return None
        return p

    def _file(self, name: str) -> Path | None:
        """The regular file ``name`` names inside the root, or None.  A name the OS
        cannot even look up (too long, a NUL byte, a loop) names no file: no exception."""
        p = self._path(name)
        try:
            return p if p is not None and p.is_file() else None
        except (OSError, ValueError):
            return None

    def names(self, under: str = "") -> list[str]:
        # Only the folder asked for is walked: a lone descriptor's root is its directory
        # (or --root), which may be large; entries that cannot be examined (permissions,
        # special files, names too long) are not package files and are skipped.
        # The package does not change while it is read: each folder is walked once.
        key = under.strip("/")
        if key not in self._names:
            self._names[key] = self._walk(key)
        return list(self._names[key])

    def _walk(self, under: str) -> list[str]:
        start = self._path(under) if under else self.root
        if start is None:
            return []
        try:
            if not start.is_dir():
                return []
        except (OSError, ValueError):
            return []
        out: list[str] = []
        prefix = str(self.root).rstrip("/") + "/"
        folders = [str(start)]
        while folders:  # os.scandir: the entry types come with the listing, no stat each
            folder = folders.pop()
            try:
                with os.scandir(folder) as it:
                    entries = list(it)
            except OSError:
                continue
            for e in entries:
                full = e.path
                if not full.startswith(prefix):
                    continue
                rel = full[len(prefix):].replace(os.sep, "/")
                try:
                    if e.is_dir(follow_symlinks=False):
                        folders.append(full)
                    elif e.is_file(follow_symlinks=False):
                        self._listed.add(rel)
                        out.append(rel)
                    elif e.is_symlink():  # followed only where it stays inside the root
                        p = Path(full)
                        if p.is_file() and self._path(rel):
                            out.append(rel)
                except (OSError, ValueError):
                    continue
        return sorted(out)

    def exists(self, name: str) -> bool:
        return self._file(name) is not None

    def is_dir(self, name: str) -> bool:
        """Whether ``name`` is a folder inside the root (never raises, like ``exists``)."""
        p = self._path(name)
        try:
            return p is not None and p.is_dir()
        except (OSError, ValueError):
            return False

    def size(self, name: str) -> int:
        p = self._file(name)
        if not p:
            raise FileNotFoundError(name)
        return p.stat().st_size

    def read_bytes(self, name: str, limit: int) -> bytes:
        # a listed name's path as text: pathlib's parsing was half the cost of reading
        # 99,999 empty files
        p: Path | str | None = (f"{self.root}/{name}" if name in self._listed
                                else self._path(name))
        if p is None:
            raise FileNotFoundError(name)
        try:  # one stat: is it a regular file (through a link), and its size
            st = os.stat(p)
        except (OSError, ValueError):
            raise FileNotFoundError(name) from None
        if not stat.S_ISREG(st.st_mode):
            raise FileNotFoundError(name)
        size = st.st_size
        if size > limit:
            raise TooLarge(name, size, limit)
        if size == 0:
            return b""  # nothing to read: no open (99,999 empty files, issue 22)
        with open(p, "rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:  # grew while we read it, or a special file
            raise TooLarge(name, len(data), limit)
        return data

    def open(self, name: str) -> BinaryIO:
        p = self._file(name)
        if not p:
            raise FileNotFoundError(name)
        return p.open("rb")

    def display(self, name: str) -> str:
        if self.label in ("", "."):
            return name
        if name.startswith("../"):  # outside an unconfined root: the plain path
            return posixpath.normpath(posixpath.join(self.label.rstrip("/"), name))
        return posixpath.join(self.label.rstrip("/"), name)

    def walk(self) -> Iterator[str]:
        yield from self.names()
