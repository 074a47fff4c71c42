"""Writing results: every output file lands, or none does.

Phase: write (CLI only; library calls return :class:`OutputFile` lists and never touch
the disk).  Files are first written into a fresh temporary directory beside the target,
then moved into place: a new output directory is renamed in one step; in an existing
one, each top-level entry we produce (``kubernetes/``, ``policies/`` …) replaces the old
one of that name, so a failed run leaves the previous output as it was.  No path may be
absolute or contain ``..``: nothing is ever written outside the output directory.
Input: the :class:`OutputFile` list and the output directory.  Output: the files on disk.

Codes: none; a path or directory it refuses raises :class:`OutputError`.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from pathlib import Path

from .model import OutputFile


class OutputError(Exception):
    pass


def _checked(path: str) -> str:
    norm = posixpath.normpath(path)
    if (not path or path.startswith("/") or "\\" in path or norm.startswith("..")
            or norm in (".", "") or "\x00" in path):
        raise OutputError(f"refusing to write unsafe output path {path!r}")
    return norm


def write_outputs(files: list[OutputFile], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``files`` under ``out_dir`` atomically; returns the written paths."""
    target = Path(out_dir)
    names = [_checked(f.path) for f in files]
    if len(set(names)) != len(names):
        raise OutputError("two outputs have the same path")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} exists and is not a directory")
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".xfc-", dir=parent))
    try:
        for name, f in zip(names, files, strict=True):
            p = tmp / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(f.content)
        if not target.exists():
            os.replace(tmp, target)
            return [target / n for n in names]
        for top in sorted({n.split("/", 1)[0] for n in names}):
            new = tmp / top
            old = target / top
            if old.exists() or old.is_symlink():
                trash = tmp / f".old-{top}"
                os.replace(old, trash)
            os.replace(new, old)
        return [target / n for n in names]
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
