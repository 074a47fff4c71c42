"""Writing results: the output directory is xfc's, and every output file lands, or none does.

Phase: write (CLI only; library calls return :class:`OutputFile` lists and never touch
the disk).  Input: the :class:`OutputFile` list, the output directory and ``force``.
Output: the files on disk, and ``.xfc-manifest`` beside them.

The rules (docs/architecture.md, "Output"):

* **What xfc owns.**  Every compile writes ``.xfc-manifest`` into the output directory:
  one ``<sha256>  <path>`` line per file it wrote, sorted (the format of ``sha256sum``,
  so ``cd DIR && sha256sum -c .xfc-manifest`` verifies it).  A file is *xfc's* when the
  manifest lists it and its bytes still have the listed hash.
* **Whose files they are.**  The manifest's first line, a ``#`` comment that
  ``sha256sum -c`` skips, names the command that wrote the set (``# written by: xfc
  compile``, ``# written by: xfc bundle --format helm``).  A command that would replace
  the set another command wrote (a ``compile`` into a ``bundle`` output) refuses
  (:class:`OtherCommand`, exit 2) and names it, unless ``force``: then the other
  command's files are replaced like stale files of one's own.
* **Stale files never survive.**  A compile removes every file of the previous manifest
  that it does not write again (e.g. the FailurePolicy of another service).
* **Other files are never deleted.**  A file the manifest does not list (*foreign*: a
  README, a ``.git``, a symbolic link, a pre-manifest output) is never deleted or
  overwritten; its presence makes the compile refuse (:class:`ForeignFiles`, exit 2)
  unless ``force``, which writes beside it.  A foreign file at a path xfc must write is
  refused even with ``force``.  A file xfc wrote and the user then *edited* is refused
  likewise; ``force`` discards the edit (overwrites or removes it like any file of xfc).
* **Atomic.**  The new set is written into a fresh temporary folder ``.xfc-XXXXXXXX``
  beside the output directory (inside it when it is a mount point), with a marker file
  naming the process.  A new output
  directory is renamed into place; one holding only xfc's files is exchanged with the
  new one in one ``renameat2(RENAME_EXCHANGE)`` step (two renames where the system has
  no exchange).  Beside foreign files (``force``) each file is replaced atomically, and a
  manifest listing old and new files is written first, so an interrupted run never turns
  xfc's own files into foreign ones.
* **Nothing left behind.**  The temporary folder is removed on every exit path that runs
  Python code; a folder left by a killed run is removed by the next run in the same
  parent, when its marker shows a process of this user on this host that is gone (or
  a marker older than a day from another host).

No path may be absolute or contain ``..``: nothing is ever written outside the output
directory.

Codes: none; a path or directory it refuses raises :class:`OutputError` (and its
subclasses :class:`ForeignFiles` and :class:`OtherCommand`).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import posixpath
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from .model import OutputFile

MANIFEST = ".xfc-manifest"
TEMP_PREFIX = ".xfc-"
TEMP_MARKER = ".xfc-temp"  # inside a temporary folder: who made it (JSON)
FOREIGN_SHOWN = 10  # foreign paths named in the refusal message
STALE_FOREIGN_HOST_AGE = 24 * 3600  # seconds before another host's leftover is removed
# make_temp writes its marker right after creating the folder; a run killed in between
# leaves an empty unmarked folder, removed once it is this old (only while still empty)
UNMARKED_EMPTY_AGE = 60


class OutputError(Exception):
    pass


WRITER_PREFIX = "# written by: "


class OtherCommand(OutputError):
    """The output directory holds the set another xfc command wrote (``bundle`` output
    under a ``compile``): replacing it would delete those files without a word."""

    def __init__(self, target: Path, writer: str, command: str, files: list[str]) -> None:
        self.target, self.writer, self.command, self.files = target, writer, command, files
        tops = sorted({f.split("/", 1)[0] + ("/" if "/" in f else "") for f in files})
        super().__init__(
            f"{target} holds the output of `{writer}` ({_listing(tops)}: {len(files)} "
            f"file{'s' * (len(files) != 1)}), and `{command}` would replace "
            f"{'it' if len(files) == 1 else 'them'}; choose another directory, or pass "
            f"--force to replace the output of `{writer}`")


class ForeignFiles(OutputError):
    """The output directory holds files xfc did not write (or that were edited since)."""

    def __init__(self, target: Path, foreign: list[str], edited: list[str], collide: list[str]) -> None:
        self.target, self.foreign, self.edited, self.collide = target, foreign, edited, collide
        parts = []
        if collide:
            parts.append(f"{_listing(collide)} would be overwritten but xfc did not write "
                         f"{'it' if len(collide) == 1 else 'them'}; move "
                         f"{'it' if len(collide) == 1 else 'them'} away (even --force never "
                         "overwrites a file xfc did not write)")
        else:
            if foreign:
                parts.append(f"{target} holds {_listing(foreign)}, which xfc did not write")
            if edited:
                parts.append(f"{_listing(edited)} changed since xfc wrote "
                             f"{'it' if len(edited) == 1 else 'them'}")
            parts.append("choose another directory, remove or move those files, or pass "
                         "--force (files xfc did not write are kept, never deleted; edits to "
                         "xfc's files are discarded)")
        super().__init__("; ".join(parts))


def _listing(paths: list[str]) -> str:
    shown = ", ".join(paths[:FOREIGN_SHOWN])
    more = len(paths) - FOREIGN_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _checked(path: str) -> str:
    norm = posixpath.normpath(path)
    if (not path or path.startswith("/") or "\\" in path or norm.startswith("..")
            or norm in (".", "") or "\x00" in path or "\n" in path or "\r" in path
            or norm == MANIFEST or norm.split("/", 1)[0].startswith(TEMP_PREFIX)):
        raise OutputError(f"refusing to write unsafe output path {path!r}")
    return norm


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str | None:
    """The hash of a regular file (no symbolic link followed), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return hashlib.file_digest(fh, "sha256").hexdigest()


def manifest_text(entries: list[tuple[str, str]], writer: str | None = None) -> bytes:
    """``<sha256>  <path>`` lines, sorted by path then hash (sha256sum's format), after a
    ``# written by: WRITER`` comment line when the writing command is known."""
    head = f"{WRITER_PREFIX}{writer}\n" if writer else ""
    return (head + "".join(f"{h}  {p}\n" for p, h in sorted(entries))).encode("utf-8")


def read_writer(target: Path) -> str | None:
    """The command a manifest names as its writer (its first line), or None."""
    try:
        fd = os.open(target / MANIFEST, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        first = fh.readline(4096).decode("utf-8", "replace").rstrip("\n")
    if not first.startswith(WRITER_PREFIX):
        return None
    return first[len(WRITER_PREFIX):].strip() or None


def read_manifest(target: Path) -> dict[str, set[str]] | None:
    """path -> the hashes the manifest lists for it; None when there is no manifest.

    Raises :class:`OutputError` for a manifest that is not one (it is then foreign)."""
    m = target / MANIFEST
    try:
        st = os.lstat(m)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > 64 * 1024 * 1024:
        raise OutputError(f"{m} is not an xfc manifest")
    owned: dict[str, set[str]] = {}
    for n, line in enumerate(m.read_bytes().decode("utf-8", "replace").splitlines(), 1):
        if line.startswith("#"):
            continue  # the writer line (sha256sum -c skips comments too)
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise OutputError(f"{m}:{n} is not a line of an xfc manifest")
        try:
            path = _checked(path)
        except OutputError:
            raise OutputError(f"{m}:{n} names an unsafe path {path!r}") from None
        owned.setdefault(path, set()).add(digest)
    return owned


@dataclass(slots=True)
class Survey:
    """What an existing output directory holds, against its manifest."""

    owned: list[str] = field(default_factory=list)  # xfc wrote them, unchanged
    edited: list[str] = field(default_factory=list)  # xfc wrote them, changed since
    foreign: list[str] = field(default_factory=list)  # xfc never wrote them
    manifest_ok: bool = True


def survey(target: Path, into: AbstractSet[str] = frozenset()) -> Survey:
    """Classify the entries of ``target``.  Folders holding no file of the manifest and
    not among ``into`` (the folders about to be written) are reported as one foreign
    entry (``dir/``) without being walked, so a wrong ``-o`` (a home folder) costs one
    directory listing.  Symbolic links and special files are foreign; nothing is
    followed."""
    s = Survey()
    try:
        manifest = read_manifest(target)
    except OutputError:
        manifest, s.manifest_ok = None, False
        s.foreign.append(MANIFEST)
    manifest = manifest or {}
    walk = _ancestors(manifest) | set(into)
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            with os.scandir(target / rel_dir if rel_dir else target) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            raise OutputError(f"cannot read {target / rel_dir}: {exc.strerror or exc}") from None
        for e in entries:
            rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
            if rel == MANIFEST and s.manifest_ok:
                continue
            if not rel_dir and _is_temp(Path(e.path)):
                continue  # a temporary folder of a run (inside a mounted DIR)
            if e.is_dir(follow_symlinks=False):
                if rel in walk:
                    stack.append(rel)
                else:
                    s.foreign.append(rel + "/")
            elif e.is_file(follow_symlinks=False) and rel in manifest:
                digest = _file_sha256(target / rel)
                (s.owned if digest in manifest[rel] else s.edited).append(rel)
            else:
                s.foreign.append(rel)
    return s


# --------------------------------------------------------------------------- temp folders


def _proc_start(pid: int) -> str | None:
    """The start time of a process (Linux /proc), to tell a reused pid from ours."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    return data.rsplit(b")", 1)[-1].split()[19].decode()


def _alive(pid: int, start: str | None) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process has that pid: not ours to judge
    now = _proc_start(pid)
    return start is None or now is None or now == start


def _is_temp(path: Path) -> bool:
    """A folder made by :func:`make_temp` (name and marker), not followed if a link."""
    try:
        return (path.name.startswith(TEMP_PREFIX) and stat.S_ISDIR(os.lstat(path).st_mode)
                and stat.S_ISREG(os.lstat(path / TEMP_MARKER).st_mode))
    except OSError:
        return False


def make_temp(parent: Path, kind: str = "") -> Path:
    """A fresh temporary folder in ``parent`` with a marker naming this process; ``kind``
    goes into its name (``.xfc-tosca-parser-…``)."""
    import socket  # here: a check or compile that makes no temporary folder never needs it

    tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + (f"{kind}-" if kind else ""), dir=parent))
    marker = {"tool": "xfc", "pid": os.getpid(), "start": _proc_start(os.getpid()),
              "host": socket.gethostname(), "time": int(time.time())}
    (tmp / TEMP_MARKER).write_text(json.dumps(marker, sort_keys=True) + "\n")
    return tmp


def sweep_stale_temps(parent: Path) -> list[Path]:
    """Remove the temporary folders that killed xfc runs left in ``parent``.

    Only folders named ``.xfc-*``, owned by this user, not symbolic links, holding a
    marker written by :func:`make_temp` whose process is gone (same host), or that is
    older than a day (another host sharing the file system); and an empty folder without
    a marker older than a minute (a run killed between creating it and marking it).  Returns what it removed;
    never raises (a folder it cannot judge or remove is left alone)."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    import socket  # here, as in make_temp: only a run that sweeps a folder needs it

    host = socket.gethostname()
    for e in entries:
        if not e.name.startswith(TEMP_PREFIX) or e.name == MANIFEST:
            continue
        try:
            st = e.stat(follow_symlinks=False)
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
                continue
            mpath = Path(e.path) / TEMP_MARKER
            if not os.path.lexists(mpath):
                if time.time() - st.st_mtime >= UNMARKED_EMPTY_AGE:
                    os.rmdir(e.path)  # fails (and keeps it) unless the folder is empty
                    removed.append(Path(e.path))
                continue
            mst = os.lstat(mpath)
            if not stat.S_ISREG(mst.st_mode) or mst.st_size > 4096:
                continue
            marker = json.loads(mpath.read_text())
            if not isinstance(marker, dict) or marker.get("tool") != "xfc":
                continue
            pid = marker.get("pid")
            if not isinstance(pid, int):
                continue
            if marker.get("host") == host:
                if _alive(pid, marker.get("start")):
                    continue
            elif time.time() - mst.st_mtime < STALE_FOREIGN_HOST_AGE:
                continue
        except (OSError, ValueError):
            continue
        shutil.rmtree(e.path, ignore_errors=True)
        if not os.path.lexists(e.path):
            removed.append(Path(e.path))
    return removed


# --------------------------------------------------------------------------- writing


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False when the
    system cannot."""
    import ctypes  # here: only a replacing write needs it (~5 ms of every start otherwise)

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _cwd_inside(target: Path) -> bool:
    try:
        Path.cwd().resolve().relative_to(target)
        return True
    except (OSError, ValueError):
        return False


def write_outputs(files: list[OutputFile], out_dir: str | os.PathLike[str], *,
                  force: bool = False, writer: str | None = None) -> list[Path]:
    """Write ``files`` under ``out_dir`` by the rules of this module; returns the paths.

    ``writer`` names the command (``xfc compile``), recorded in the manifest.  Raises
    :class:`ForeignFiles` when ``out_dir`` holds files xfc did not write (or edited ones)
    and ``force`` is false, or when one of them is at a path to write; and
    :class:`OtherCommand` when it holds the set another command wrote and ``force`` is
    false."""
    given = Path(out_dir)
    names = [_checked(f.path) for f in files]
    if len(set(names)) != len(names):
        raise OutputError("two outputs have the same path")
    dirs = _ancestors(names)
    if clash := sorted(n for n in names if n in dirs):
        raise OutputError(f"output {clash[0]!r} is both a file and a folder")
    target = Path(os.path.realpath(given))  # a symbolic link to a folder: write in the folder
    if os.path.lexists(target) and not target.is_dir():
        raise OutputError(f"{given} exists and is not a directory")
    exists = target.is_dir()
    old = survey(target, dirs) if exists else Survey()
    wanted = set(names) | dirs
    collide = [f for f in old.foreign if f.rstrip("/") in wanted]
    if collide:
        raise ForeignFiles(given, old.foreign, old.edited, collide)
    if (old.foreign or old.edited) and not force:
        raise ForeignFiles(given, old.foreign, old.edited, [])
    if exists and writer and not force and (old.owned or old.edited):
        before = read_writer(target)
        if before and before != writer:
            raise OtherCommand(given, before, writer, sorted(old.owned + old.edited))
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    # A DIR that is a mount point (a container volume) cannot be renamed, nor receive
    # renames from its parent's file system: its temporary folder goes inside it.
    mounted = exists and not _same_device(target, parent)
    home = target if mounted else parent
    sweep_stale_temps(home)
    tmp = make_temp(home)
    try:
        new = tmp / "new"
        new.mkdir()
        entries = []
        for name, f in zip(names, files, strict=True):
            p = new / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(f.content)
            entries.append((name, _sha256(f.content)))
        (new / MANIFEST).write_bytes(manifest_text(entries, writer))
        if not exists:
            os.replace(new, target)  # made by mkdir: the umask's mode, not mkdtemp's 0700
        elif not (old.foreign or old.edited or mounted) and not _cwd_inside(target):
            os.chmod(new, stat.S_IMODE(os.stat(target).st_mode))
            try:
                _swap(new, target, tmp)
            except OSError as exc:
                if exc.errno not in (errno.EXDEV, errno.EBUSY, errno.EPERM, errno.EACCES):
                    raise
                _in_place(new, target, names, dirs, entries, old, tmp, writer)  # a mount point
        else:
            _in_place(new, target, names, dirs, entries, old, tmp, writer)
        return [given / n for n in names]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _ancestors(paths: Iterable[str]) -> set[str]:
    """Every folder (relative, "" excluded) that holds one of ``paths``."""
    out: set[str] = set()
    for p in paths:
        d = posixpath.dirname(p)
        while d and d not in out:
            out.add(d)
            d = posixpath.dirname(d)
    return out


def _same_device(a: Path, b: Path) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


def _swap(new: Path, target: Path, tmp: Path) -> None:
    """Put ``new`` where ``target`` is; the old tree ends up inside ``tmp``."""
    if _exchange(new, target):
        return
    old = tmp / "old"
    os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        os.replace(old, target)  # put the previous output back
        raise


def _in_place(new: Path, target: Path, names: list[str], dirs: set[str],
              entries: list[tuple[str, str]], old: Survey, tmp: Path,
              writer: str | None = None) -> None:
    """Replace xfc's files one by one beside files xfc did not write."""
    previous = read_manifest(target) if old.manifest_ok else None
    union = list(entries) + [(p, h) for p, hs in (previous or {}).items() for h in hs]
    interim = tmp / "manifest"
    interim.write_bytes(manifest_text(sorted(set(union)), writer))
    os.replace(interim, target / MANIFEST)  # an interrupted run leaves only xfc's files
    for name in names:
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new / name, dest)
    keep = set(names)
    for rel in sorted(set(old.owned) | set(old.edited)):
        if rel in keep:
            continue
        try:
            os.unlink(target / rel)
        except FileNotFoundError:
            pass
        d = posixpath.dirname(rel)
        while d and d not in dirs:
            try:
                os.rmdir(target / d)  # only once empty: never a foreign file's folder
            except OSError:
                break
            d = posixpath.dirname(d)
    os.replace(new / MANIFEST, target / MANIFEST)
