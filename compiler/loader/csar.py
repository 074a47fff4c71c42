"""Opening the input: a lone file, a CSAR directory, or a CSAR zip (TOSCA CSAR 1.0/1.1,
ETSI SOL004).

Phase: load (first step).  Input: the path the user gave.  Output: an
:class:`InputPackage` — a read-only :class:`~compiler.loader.fs.PackageFS` over the
package, the name of the entry definitions inside it, and the parsed TOSCA.meta and
manifest — or ``None`` when the package cannot be used at all.  The loader then reads
the entry YAML and its imports through ``InputPackage.fs``.

A zip is never extracted to disk: :class:`ZipFS` reads members in memory with bounded
reads, after every member name has been checked (absolute paths, ``..``, backslashes,
links, duplicates, a name that is both a file and a folder, members sharing data) and every member's declared
size weighed against the limits (per member, its inflation ratio, the total; all of
them, since ``--tosca-parser`` and the bundlers extract what xfc does not read).  Digests listed
in TOSCA.meta and in the manifest are verified here by streaming, so multi-GB images are
never held in memory.  Decisions are recorded in ``docs/csar.md``.

Codes: input-not-found, input-too-large, input-encoding, csar-entry-missing,
csar-no-entry, csar-hash-mismatch, csar-hash-algorithm, csar-zip-invalid,
csar-zip-unsafe, csar-zip-bomb, csar-meta-misnamed (a folder or file named almost
TOSCA-Metadata/TOSCA.meta), limit-exceeded (a folder of more than
``max_package_files`` files) (and, through :mod:`compiler.loader.manifest`,
csar-meta-*, csar-manifest-syntax, tosca-quirk).
"""

from __future__ import annotations

import hashlib
import io
import errno
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal

from ..diagnostics import Diagnostics, Severity, Span
from ..limits import exceeded
from ..suggest import NAME_CUTOFF, Suggester, closest
from .fs import DirFS, PackageFS, TooLarge, normalize
from .manifest import Field, Manifest, ManifestSource, ToscaMeta, parse_manifest, parse_tosca_meta
from .yamlpos import DEFAULT_LIMITS, Limits

META_NAME = "TOSCA-Metadata/TOSCA.meta"

#: Members read as text by the compiler; their declared size must fit ``max_file_bytes``.
TEXT_SUFFIXES = (".yaml", ".yml", ".meta", ".mf")
#: Members at least this large are held to ``Limits.max_inflate_ratio``: below it, the
#: ratio of a small text file says nothing (a 100 KB YAML file of spaces is legal), and
#: the total (``max_archive_bytes``) bounds them.  Real images compress 1-5x; zeros ~1000x.
RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 20

#: Digest algorithms, by their normalized spelling (lower case, no dashes).
META_ALGORITHMS = {"sha224": "sha224", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
MANIFEST_ALGORITHMS = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}


class ZipReadError(OSError):
    """A member could not be inflated: corrupt data, a CRC error, or a size lie."""

    def __init__(self, name: str, reason: str, *, bomb: bool = False) -> None:
        super().__init__(f"{name}: {reason}")
        self.name, self.reason, self.bomb = name, reason, bomb


# --------------------------------------------------------------------------------------
# ZipFS


class _Stream(io.RawIOBase):
    """A member stream that turns zipfile's many exceptions into :class:`ZipReadError`."""

    def __init__(self, inner: IO[bytes], name: str) -> None:
        self._inner, self._name = inner, name

    def readable(self) -> bool:
        return True

    # narrower than RawIOBase's buffer protocol: the BufferedReader around it passes a
    # bytearray or a memoryview, both sized and sliceable
    def readinto(self, buf: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._inner.read(len(buf))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as e:
            raise ZipReadError(self._name, str(e) or type(e).__name__) from None
        n = len(data)
        buf[:n] = data
        return n

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


class ZipFS:
    """A zip archive, read in place.  Construct with :meth:`from_path`, which vets every member."""

    def __init__(self, zf: zipfile.ZipFile, path: str, label: str, infos: dict[str, zipfile.ZipInfo]) -> None:
        self._zf = zf
        self.path = path
        self.label = label
        self._infos = infos  # regular files only, by safe POSIX name
        self._dirs = {posixpath.dirname(n) for n in infos}
        for d in list(self._dirs):
            while d:
                d = posixpath.dirname(d)
                self._dirs.add(d)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_path(
        cls, path: str, diags: Diagnostics, limits: Limits = DEFAULT_LIMITS, label: str | None = None
    ) -> "ZipFS | None":
        """Open and vet an archive; ``None`` (with diagnostics) if it is unreadable or unsafe."""
        label = label if label is not None else path
        at = Span(label)
        declared = _declared_entries(path)
        if declared is not None and declared > limits.max_package_files:
            # refuse before zipfile builds a ZipInfo per member
            diags.add("csar-zip-bomb", f"'{label}' declares {declared} members, more than the "
                      f"limit max_package_files = {limits.max_package_files:,}", at)
            return None
        try:
            zf = zipfile.ZipFile(path)
            infolist = zf.infolist()
        except Exception as e:  # zipfile raises many kinds on hostile input
            diags.add("csar-zip-invalid", f"'{label}' is not a readable zip archive: {_reason(e)}", at)
            return None
        if len(infolist) > limits.max_package_files:
            diags.add("csar-zip-bomb", f"'{label}' has {len(infolist)} members, more than the "
                      f"limit max_package_files = {limits.max_package_files:,}", at)
            zf.close()
            return None
        infos: dict[str, zipfile.ZipInfo] = {}
        seen: set[str] = set()
        total = 0
        bad = False
        for info in infolist:
            problem = _unsafe_name(info)
            if problem:
                diags.add("csar-zip-unsafe", f"zip member {info.orig_filename!r} {problem}", at,
                          hint="the package is refused; rebuild it with relative names")
                bad = True
                continue
            is_dir = info.is_dir()
            name = posixpath.normpath(info.filename.rstrip("/"))
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                diags.add("csar-zip-unsafe", f"zip member {name!r} is a symbolic link", at,
                          hint="the package is refused; store the file itself, not a link")
                bad = True
                continue
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
                diags.add("csar-zip-unsafe", f"zip member {name!r} is not a regular file", at)
                bad = True
                continue
            key = name + ("/" if is_dir else "")
            if key in seen:
                diags.add("csar-zip-unsafe", f"zip member {name!r} appears twice", at,
                          hint="two members with one name: which one a tool extracts is undefined")
                bad = True
                continue
            seen.add(key)
            if is_dir:
                continue
            if info.flag_bits & 0x1:
                diags.add("csar-zip-invalid", f"zip member {name!r} is encrypted", at)
                bad = True
                continue
            if info.compress_type not in _SUPPORTED_METHODS:
                diags.add("csar-zip-invalid",
                          f"zip member {name!r} uses compression method {info.compress_type}, "
                          "which is not supported (use deflate)", at)
                bad = True
                continue
            size = info.file_size
            total += size
            if name.lower().endswith(TEXT_SUFFIXES) and size > limits.max_file_bytes:
                diags.add("csar-zip-bomb",
                          f"zip member {name!r} declares {size} bytes; text files are limited to "
                          f"max_file_bytes = {limits.max_file_bytes}", at)
                bad = True
                continue
            # Every member is weighed, not only those xfc reads: tosca-parser's child
            # (--tosca-parser) and the bundlers extract or copy all of them.
            if size > limits.max_member_bytes:
                diags.add("csar-zip-bomb",
                          f"zip member {name!r} declares {size:,} bytes, more than the limit "
                          f"max_member_bytes = {limits.max_member_bytes:,}", at)
                bad = True
                continue
            ratio = size // max(info.compress_size, 1)
            if size >= RATIO_FLOOR and ratio > limits.max_inflate_ratio:
                diags.add("csar-zip-bomb",
                          f"zip member {name!r} inflates {ratio:,} times ({info.compress_size:,} "
                          f"to {size:,} bytes), more than the limit max_inflate_ratio = "
                          f"{limits.max_inflate_ratio}", at)
                bad = True
                continue
            infos[name] = info
        if total > limits.max_archive_bytes:
            diags.add("csar-zip-bomb", f"'{label}' inflates to {total:,} bytes, more than the "
                      f"limit max_archive_bytes = {limits.max_archive_bytes:,}", at)
            bad = True
        ordered = sorted(infos.values(), key=lambda i: i.header_offset)
        for a, b in zip(ordered, ordered[1:]):
            # members whose data overlap: the "non-recursive zip bomb" points many entries
            # at one compressed kernel, so a few KB inflate once per entry
            if a.header_offset + a.compress_size > b.header_offset:
                diags.add("csar-zip-unsafe", f"zip members {a.filename!r} and {b.filename!r} "
                          "share their compressed data", at,
                          hint="the package is refused; each member must have data of its own")
                bad = True
                break
        for name in sorted(infos):
            # "main.yaml" and "main.yaml/x.yaml": one name is a file and a folder, which
            # no file system can extract; tools differ in which one they keep
            parent = posixpath.dirname(name)
            while parent:
                if parent in infos:
                    # at the member inside the archive (it has no line): the archive
                    # alone did not say which of its members to look at
                    diags.add("csar-zip-unsafe", f"zip member {parent!r} is a file and also the "
                              f"folder of {name!r}", Span(f"{label.rstrip('/')}/{name}"),
                              hint="the package is refused; a name is either a file or a folder")
                    bad = True
                    break
                parent = posixpath.dirname(parent)
        if bad:
            zf.close()
            return None
        return cls(zf, path, label, infos)

    # -- PackageFS ----------------------------------------------------------------------
    def names(self, under: str = "") -> list[str]:
        prefix = under.strip("/") + "/" if under.strip("/") else ""
        return sorted(n for n in self._infos if n.startswith(prefix))

    def exists(self, name: str) -> bool:
        return name in self._infos

    def is_dir(self, name: str) -> bool:
        return name.rstrip("/") in self._dirs

    def size(self, name: str) -> int:
        info = self._infos.get(name)
        if info is None:
            raise FileNotFoundError(name)
        return info.file_size

    def read_bytes(self, name: str, limit: int) -> bytes:
        info = self._infos.get(name)
        if info is None:
            raise FileNotFoundError(name)
        if info.file_size > limit:
            raise TooLarge(name, info.file_size, limit)
        with self.open(name) as fh:
            data = fh.read(limit + 1)  # bounded: never trust the declared size alone
            if len(data) > limit:
                raise TooLarge(name, len(data), limit)
            if len(data) < info.file_size:
                raise ZipReadError(name, "member is shorter than its declared size")
            fh.read(1)  # reach end of stream so that zipfile checks the CRC
        return data

    def open(self, name: str) -> BinaryIO:
        info = self._infos.get(name)
        if info is None:
            raise FileNotFoundError(name)
        try:
            inner = self._zf.open(info)
        except Exception as e:
            bomb = self._inflates_past(info)
            raise ZipReadError(name, _reason(e), bomb=bomb) from None
        return io.BufferedReader(_Stream(inner, name), _CHUNK)

    def display(self, name: str) -> str:
        return f"{self.label.rstrip('/')}/{name}"

    def close(self) -> None:
        self._zf.close()

    # -- forensics ----------------------------------------------------------------------
    def _inflates_past(self, info: zipfile.ZipInfo, bound: int | None = None) -> bool:
        """Whether the raw deflate data of ``info`` inflates past its declared size.

        zipfile stops at the declared size and reports a CRC error; this tells a size
        lie (a bomb) from plain corruption.  Reads at most the compressed size, inflates
        in bounded steps, and stops as soon as the bound is passed.
        """
        bound = info.file_size if bound is None else bound
        if info.compress_type != zipfile.ZIP_DEFLATED:
            return info.compress_type == zipfile.ZIP_STORED and info.compress_size > bound
        try:
            with open(self.path, "rb") as fh:
                fh.seek(info.header_offset)
                head = fh.read(30)
                if len(head) < 30 or head[:4] != b"PK\x03\x04":
                    return False
                name_len, extra_len = struct.unpack("<HH", head[26:30])
                fh.seek(name_len + extra_len, os.SEEK_CUR)
                inflater = zlib.decompressobj(-15)
                left, produced = info.compress_size, 0
                while left > 0 and produced <= bound:
                    chunk = fh.read(min(left, 64 * 1024))
                    if not chunk:
                        break
                    left -= len(chunk)
                    data = inflater.decompress(chunk, bound + 1 - produced)
                    produced += len(data)
                    while inflater.unconsumed_tail and produced <= bound:
                        data = inflater.decompress(inflater.unconsumed_tail, bound + 1 - produced)
                        if not data:
                            break
                        produced += len(data)
                return produced > bound
        except (OSError, zlib.error):
            return False

    def check_member(self, name: str) -> ZipReadError:
        """Classify a failed read of ``name`` (bomb or corruption)."""
        info = self._infos[name]
        return ZipReadError(name, "inflates past its declared size", bomb=self._inflates_past(info))


_SUPPORTED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_name(info: zipfile.ZipInfo) -> str:
    """Why a member name is unsafe, or ''."""
    raw = info.orig_filename
    if raw != info.filename or "\x00" in raw:
        return "contains a NUL character"
    if not raw or raw in ("/", "./"):
        return "has an empty name"
    if "\\" in raw:
        return "contains a backslash (a Windows path separator some tools honour)"
    if raw.startswith("/") or _DRIVE.match(raw):
        return "is an absolute path"
    parts = raw.split("/")
    if ".." in parts:
        return "has a '..' component (it would be written outside the package)"
    if any(ord(c) < 32 for c in raw):
        return "contains a control character"
    return ""


def _declared_entries(path: str) -> int | None:
    """The member count in the end-of-central-directory record, or ``None``.

    Uses zipfile's own record reader (private, but unchanged since Python 2.6)."""
    try:
        with open(path, "rb") as fh:
            rec = zipfile._EndRecData(fh)  # type: ignore[attr-defined]
        return int(rec[zipfile._ECD_ENTRIES_TOTAL]) if rec else None  # type: ignore[attr-defined]
    except Exception:
        return None


def _is_symlink(p: Path) -> bool:
    try:
        return p.is_symlink()
    except (OSError, ValueError):
        return False


def _reason(e: BaseException) -> str:
    text = str(e).strip()
    return text or type(e).__name__


def is_zip(path: str) -> bool:
    """A zip by its magic number (a local file header or an empty archive's end record)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


# --------------------------------------------------------------------------------------
# The package


@dataclass(frozen=True, slots=True, kw_only=True)
class InputPackage:
    """What the loader reads: a file tree, its entry definitions, and the CSAR metadata."""

    fs: PackageFS
    entry: str  # the entry definitions, a name inside ``fs``
    kind: Literal["file", "dir", "zip"]
    meta: ToscaMeta | None
    manifest: Manifest | None
    root_label: str
    manifest_name: str | None = None  # the manifest's name inside ``fs``
    # Sources of the manifest that are URLs: not part of the package, never fetched.
    external_sources: tuple[str, ...] = field(default=())


def open_input(path: str, diags: Diagnostics, limits: Limits = DEFAULT_LIMITS,
               root: str | None = None, allow_missing: bool = False) -> InputPackage | None:
    """Open what the user named.  ``None`` (with diagnostics) if there is nothing to load.

    * a directory with ``TOSCA-Metadata/TOSCA.meta`` -> its Entry-Definitions;
    * a directory or zip without it -> the one root-level YAML file that declares
      ``tosca_definitions_version`` (TOSCA 1.3 §4.2.2; Tacker's "CSAR without
      TOSCA-Metadata");
    * a ``.csar``/``.zip`` file, or any file with a zip magic number -> :class:`ZipFS`;
    * any other file -> itself, in a :class:`DirFS` rooted at its directory, unconfined
      (its relative imports may climb out of it, docs/imports.md); or rooted at ``root``
      (``--root``/``XFC_ROOT``) when given: its imports may then reach any file below
      that directory, and none outside it.

    Hash mismatches and missing listed files are reported but do not stop the package
    from being returned; unsafe archives and a missing entry do.  ``allow_missing``
    (``--allow-missing-artifacts``) makes a missing binary artifact named in TOSCA.meta
    or the manifest (anything xfc does not read itself: not YAML/JSON) a warning at its
    declaration, and so its placeholder digest; a present file's digest is still checked.
    """
    p = Path(path)
    try:
        os.stat(path)
    except OSError as e:
        # missing; a symbolic link whose target is missing or loops (Path.resolve would
        # raise); a name longer than the system's file-name limit (Path.exists raises
        # ENAMETOOLONG) or with a NUL
        if isinstance(e, FileNotFoundError) or e.errno == errno.ELOOP:
            why = "is a symbolic link to nothing (its target is missing or a loop)" \
                if _is_symlink(p) else "does not exist"
        else:
            why = f"cannot be opened: {e.strerror or type(e).__name__}"
        diags.add("input-not-found", f"'{path}' {why}", Span(path))
        return None
    except ValueError:  # an embedded NUL
        diags.add("input-not-found", f"'{path}' cannot be opened: the name holds a NUL",
                  Span(path))
        return None
    if p.is_dir():
        try:
            fs: PackageFS = DirFS(p, label=path)
            return _open_package(fs, "dir", diags, limits, allow_missing)
        except OSError as e:
            diags.add("input-not-found", f"'{path}' cannot be read: {_reason(e)}", Span(path))
            return None
    if not p.is_file():
        diags.add("input-not-found", f"'{path}' is not a regular file or directory", Span(path))
        return None
    if p.suffix.lower() in (".csar", ".zip") or is_zip(path):
        zfs = ZipFS.from_path(path, diags, limits)
        if zfs is None:
            return None
        return _open_package(zfs, "zip", diags, limits, allow_missing)
    parent = os.path.dirname(path) or "."
    entry = p.name
    if root is not None:
        try:
            entry = p.resolve().relative_to(Path(root).resolve()).as_posix()
        except (ValueError, RuntimeError):  # outside the root; a symbolic link loop (3.11)
            diags.add("input-not-found", f"'{path}' is not inside the package root '{root}'",
                      Span(path))
            return None
        parent = root
    dfs = DirFS(parent, label=parent, confined=root is not None)
    return InputPackage(fs=dfs, entry=entry, kind="file", meta=None, manifest=None, root_label=parent)


class _Ctx:
    """State of one open_input call: the package, the limits, and a digest cache."""

    def __init__(self, fs: PackageFS, kind: str, diags: Diagnostics, limits: Limits,
                 allow_missing: bool = False) -> None:
        self.fs, self.kind, self.diags, self.limits = fs, kind, diags, limits
        self.allow_missing = allow_missing
        self.absent: set[str] = set()  # missing artifacts let through as warnings
        self.digests: dict[tuple[str, str], str | None] = {}
        self.near: tuple[dict[str, str], Suggester] | None = None  # see _near_names

    def read_text(self, name: str, at: Span | None = None) -> str | None:
        """A member as text, or ``None`` after a diagnostic."""
        fs, diags = self.fs, self.diags
        shown = fs.display(name)
        try:
            data = fs.read_bytes(name, self.limits.max_file_bytes)
        except TooLarge as e:
            code = "csar-zip-bomb" if self.kind == "zip" else "input-too-large"
            diags.add(code, f"'{name}' is larger than the limit max_file_bytes = {e.limit:,} bytes",
                      at or Span(shown))
            return None
        except ZipReadError as e:
            self._zip_error(e, at or Span(shown))
            return None
        except OSError as e:
            diags.add("input-not-found", f"'{name}' cannot be read: {_reason(e)}", at or Span(shown))
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
            diags.add("input-encoding", f"'{name}' is not UTF-8 (byte {e.start})", Span(shown, line, col))
            return None

    def _zip_error(self, e: ZipReadError, at: Span) -> None:
        bomb = e.bomb
        if not bomb and isinstance(self.fs, ZipFS) and self.fs.exists(e.name):
            bomb = self.fs.check_member(e.name).bomb
        if bomb:
            self.diags.add("csar-zip-bomb", f"zip member '{e.name}' inflates past its declared size", at)
        else:
            self.diags.add("csar-zip-invalid", f"zip member '{e.name}' is corrupt: {e.reason}", at)

    def digest(self, name: str, algo: str, at: Span) -> str | None:
        """Hex digest of a member, streamed; cached per (name, algorithm)."""
        key = (name, algo)
        if key not in self.digests:
            h = hashlib.new(algo)
            try:
                with self.fs.open(name) as fh:
                    while chunk := fh.read(_CHUNK):
                        h.update(chunk)
                self.digests[key] = h.hexdigest()
            except ZipReadError as e:
                self._zip_error(e, at)
                self.digests[key] = None
            except OSError as e:
                self.diags.add("input-not-found", f"'{name}' cannot be read: {_reason(e)}", at)
                self.digests[key] = None
        return self.digests[key]

    def exists_dir(self, name: str) -> bool:
        if isinstance(self.fs, ZipFS):
            return self.fs.is_dir(name)
        if isinstance(self.fs, DirFS):
            return self.fs.is_dir(name)
        prefix = name.rstrip("/") + "/"
        return any(n.startswith(prefix) for n in self.fs.names())


def _open_package(fs: PackageFS, kind: Literal["dir", "zip"], diags: Diagnostics, limits: Limits,
                  allow_missing: bool = False) -> InputPackage | None:
    ctx = _Ctx(fs, kind, diags, limits, allow_missing)
    if isinstance(fs, DirFS) and _more_files_than(fs.root, limits.max_package_files):
        # a zip is counted from its central directory (ZipFS.from_path); a folder here,
        # before anything lists it whole
        exceeded(diags, "max_package_files", limits, f"the package folder '{fs.label}'",
                 Span(fs.label))
        return None
    meta: ToscaMeta | None = None
    if fs.exists(META_NAME):
        text = ctx.read_text(META_NAME)
        if text is None:
            return None
        meta = parse_tosca_meta(text, fs.display(META_NAME), diags, limits)
        if meta is None:
            return None
        ed = meta.get("Entry-Definitions")
        assert ed is not None  # parse_tosca_meta returns None without it
        entry = _member(ctx, ed, "Entry-Definitions")
        # report everything TOSCA.meta gets wrong in one run, even without an entry
        _check_meta_entries(ctx, meta)
        _verify_meta_files(ctx, meta)
        if entry is None:
            return None
    else:
        _near_meta(ctx)
        entry = _guess_entry(ctx)
        if entry is None:
            return None

    manifest, manifest_name = _find_manifest(ctx, meta, entry)
    external: tuple[str, ...] = ()
    if manifest is not None:
        external = _verify_manifest(ctx, manifest, manifest_name)
    return InputPackage(
        fs=fs,
        entry=entry,
        kind=kind,
        meta=meta,
        manifest=manifest,
        root_label=fs.label,
        manifest_name=manifest_name,
        external_sources=external,
    )


def _more_files_than(root: Any, limit: int) -> bool:
    """Whether the folder holds more than ``limit`` files (stops counting there)."""
    seen = 0
    for _dirpath, _dirnames, filenames in os.walk(root):
        seen += len(filenames)
        if seen > limit:
            return True
    return False


def _member(ctx: _Ctx, f: Field, what: str, *, folder: bool = False,
            artifact: bool = False) -> str | None:
    """The package member a TOSCA.meta value names, or ``None`` after csar-entry-missing.

    ``artifact``: a file that a file block or manifest ``Source`` lists; when it is a
    binary (not YAML/JSON, which xfc reads) and ``--allow-missing-artifacts`` is given,
    its absence is a warning (a package kept in a source tree without its images)."""
    name = normalize("", f.value)
    if name is None:
        ctx.diags.add("csar-entry-missing", f"{what} '{f.value}' points outside the package", f.value_span)
        return None
    if ctx.fs.exists(name) or (folder and ctx.exists_dir(name)):
        return name
    extra = ""
    if not folder and ctx.exists_dir(name):
        extra = " (it is a folder)"
    elif artifact and ctx.allow_missing and not name.lower().endswith(_READ_BY_XFC):
        ctx.absent.add(name)
        ctx.diags.add("csar-entry-missing",
                      f"{what} '{f.value}' is not in the package; allowed by "
                      "--allow-missing-artifacts (a binary kept out of the source tree)",
                      f.value_span, severity=Severity.WARNING,
                      hint="add the file before the package is onboarded")
        return None
    ctx.diags.add("csar-entry-missing", f"{what} '{f.value}' is not in the package{extra}", f.value_span,
                  hint=_near_names(ctx, name))
    return None


# files xfc reads itself (definitions, Kubernetes manifests, values): never "binary"
_READ_BY_XFC = (".yaml", ".yml", ".json")


def _near_names(ctx: _Ctx, name: str) -> str:
    # built once per package and bounded per ask (compiler.suggest), so that thousands of
    # missing entries do not each walk the whole package
    if ctx.near is None:
        names = ctx.fs.names()
        ctx.near = ({n.lower(): n for n in names}, Suggester(names, cutoff=NAME_CUTOFF))
    lower, ask = ctx.near
    if name.lower() in lower:
        return f"names are case-sensitive: the package has '{lower[name.lower()]}'"
    match = ask(name)
    return f"did you mean '{match}'?" if match else ""


def _check_meta_entries(ctx: _Ctx, meta: ToscaMeta) -> None:
    """The other block-0 names must exist (SDC: Licenses and Tests are folders)."""
    for key in ("ETSI-Entry-Change-Log", "ETSI-Entry-Certificate"):
        f = meta.get(key)
        if f is not None and f.value:
            _member(ctx, f, key)
    for key in ("ETSI-Entry-Licenses", "ETSI-Entry-Tests"):
        f = meta.get(key)
        if f is not None and f.value:
            _member(ctx, f, key, folder=True)
    for f in meta.get_all("Other-Definitions"):
        for part in f.value.split():
            sub = Field(key=f.key, value=part, written=f.written, span=f.span, value_span=f.value_span)
            _member(ctx, sub, "Other-Definitions")


def _verify_meta_files(ctx: _Ctx, meta: ToscaMeta) -> None:
    for block in meta.files:
        name_f = block.get("Name")
        if name_f is None or not name_f.value:
            continue
        if _URL.match(name_f.value):
            continue
        name = _member(ctx, name_f, "Name", artifact=True)
        alg, hsh = block.get("Algorithm"), block.get("Hash")
        if alg is None or hsh is None:
            continue
        _verify_digest(ctx, name, alg, hsh, META_ALGORITHMS, "TOSCA.meta", name_f.value)


def _verify_digest(
    ctx: _Ctx, name: str | None, alg: Field, hsh: Field, table: dict[str, str], where: str,
    written: str = "",
) -> None:
    """Check the algorithm and the digest's form; then, if ``name`` exists, the digest.
    ``written`` is the file as the block names it (for messages when it is missing)."""
    if not alg.value:
        ctx.diags.add("csar-hash-algorithm", "'Algorithm' has no value", alg.value_span,
                      hint="write SHA-256, SHA-384 or SHA-512")
        return
    algo = table.get(re.sub(r"[\s_\-]", "", alg.value).lower())
    if algo is None:
        allowed = ", ".join(f"SHA-{k[3:]}" for k in table)
        ctx.diags.add("csar-hash-algorithm", f"{where} digest algorithm '{alg.value}' is not supported",
                      alg.value_span, hint=f"use one of {allowed}")
        return
    want = hsh.value.strip().lower()
    width = hashlib.new(algo).digest_size * 2
    if not re.fullmatch(r"[0-9a-f]+", want or "-") or len(want) != width:
        shown = name or written
        found = _describe_digest(hsh.value.strip())
        absent = shown in ctx.absent or normalize("", written or "-") in ctx.absent
        ctx.diags.add("csar-hash-mismatch",
                      f"'Hash' of '{shown}' is {found}, not a {alg.value} digest "
                      f"({width} hex digits expected)", hsh.value_span,
                      severity=Severity.WARNING if absent else None,
                      hint=f"compute it (`{algo}sum {shown}`) when the file is added"
                      if absent else f"compute it, e.g. `{algo}sum {shown}`")
        return
    if name is None:
        return
    got = ctx.digest(name, algo, hsh.value_span)
    if got is not None and got != want:
        ctx.diags.add("csar-hash-mismatch", f"{alg.value} of '{name}' is {got}, not the listed {want}",
                      hsh.value_span, hint="the file changed after the digest was written; recompute it")


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def _describe_digest(value: str) -> str:
    """What a malformed digest is, in words: the user sees what was found."""
    if not value:
        return "empty"
    if re.fullmatch(r"<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|[xX?*.]+|TODO|TBD|None|null|-",
                    value, re.I):
        return f"the placeholder {value!r}"
    shown = value if len(value) <= 24 else value[:24] + "..."
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return f"{shown!r}, {len(value)} hex digits"
    bad = next(c for c in value if c not in "0123456789abcdefABCDEF")
    return f"{shown!r}, which has {bad!r}, not a hex digit"


def _near_meta(ctx: _Ctx) -> None:
    """Without TOSCA-Metadata/TOSCA.meta, a folder or file named almost so (a slip:
    ``TOSCA-metadate/``, ``TOSCA-Metadata/TOSCA.mets``) is a warning: the package is then
    read as one without metadata (TOSCA 1.3 §4.2.2), which is rarely what was meant."""
    folder, meta_file = META_NAME.split("/")
    names = ctx.fs.names()
    tops = sorted({n.split("/", 1)[0] for n in names if "/" in n})
    for top in tops:
        if top == folder:
            files = [n.split("/", 1)[1] for n in names if n.startswith(folder + "/")]
            near = _close(meta_file, files)
            if near:
                ctx.diags.add("csar-meta-misnamed",
                              f"'{folder}/{near}' is not '{META_NAME}'; the package is read "
                              "without TOSCA.meta", Span(ctx.fs.display(f"{folder}/{near}")),
                              hint=f"did you mean '{META_NAME}'? (names are case-sensitive)")
            continue
        if _close(folder, [top]):
            ctx.diags.add("csar-meta-misnamed",
                          f"folder '{top}/' is not '{folder}/'; the package is read without "
                          "TOSCA.meta", Span(ctx.fs.display(top)),
                          hint=f"did you mean '{folder}/'? (names are case-sensitive)")


def _close(word: str, candidates: list[str]) -> str | None:
    lower = {c.lower(): c for c in candidates if c != word}
    hit = closest(word.lower(), lower, cutoff=NAME_CUTOFF)
    return lower[hit] if hit else None


def _guess_entry(ctx: _Ctx) -> str | None:
    """The single root-level YAML file that declares tosca_definitions_version."""
    root_yaml = [n for n in ctx.fs.names() if "/" not in n and n.lower().endswith((".yaml", ".yml"))]
    found = []
    sol006 = []  # read once: 99,999 empty root files were read twice (issue 22)
    for n in root_yaml:
        try:
            head = ctx.fs.read_bytes(n, ctx.limits.max_file_bytes)
        except (TooLarge, OSError):
            continue
        if _TOSCA_VERSION.search(head):
            found.append(n)
        elif _SOL006_TOP.search(head):
            sol006.append(n)
    if len(found) == 1:
        return found[0]
    at = Span(ctx.fs.label)
    if not found:
        seen = (", ".join(root_yaml[:20]) + (f" and {len(root_yaml) - 20:,} more"
                                              if len(root_yaml) > 20 else "")
                if root_yaml else "none")
        osm = sol006
        if osm:
            ctx.diags.add("csar-no-entry",
                          f"'{ctx.fs.label}' is an OSM/ETSI SOL006 package ({', '.join(osm)} "
                          "describes a VNF or NS in SOL006's YANG model), not a TOSCA CSAR", at,
                          hint="xfc reads ETSI SOL001 (TOSCA) descriptors and SOL004 CSARs; "
                               "write the descriptor in SOL001")
            return None
        ctx.diags.add("csar-no-entry",
                      f"'{ctx.fs.label}' has no {META_NAME} and no root-level YAML file with "
                      f"tosca_definitions_version (root-level YAML files: {seen})", at,
                      hint=f"add {META_NAME} with Entry-Definitions")
    else:
        ctx.diags.add("csar-no-entry",
                      f"'{ctx.fs.label}' has no {META_NAME} and several root-level TOSCA files: "
                      + ", ".join(found), at,
                      hint=f"add {META_NAME} with Entry-Definitions naming the main one")
    return None


_SOL006_TOP = re.compile(rb"^(?:\xef\xbb\xbf)?[\"']?(?:vnfd|nsd|etsi-nfv-(?:vnfd|nsd|pnfd):\w+|"
                         rb"vnfd:vnfd-catalog|nsd:nsd-catalog)[\"']?[ \t]*:", re.MULTILINE)


_TOSCA_VERSION = re.compile(rb"^(?:\xef\xbb\xbf)?[\"']?tosca_definitions_version[\"']?[ \t]*:", re.MULTILINE)


def _find_manifest(ctx: _Ctx, meta: ToscaMeta | None, entry: str) -> tuple[Manifest | None, str | None]:
    name: str | None = None
    if meta is not None and (f := meta.get("ETSI-Entry-Manifest")) is not None and f.value:
        name = _member(ctx, f, "ETSI-Entry-Manifest")
        if name is None:
            return None, None
    else:
        stem = posixpath.splitext(posixpath.basename(entry))[0]
        if ctx.fs.exists(stem + ".mf"):
            name = stem + ".mf"
    if name is None:
        return None, None
    text = ctx.read_text(name)
    if text is None:
        return None, name
    return parse_manifest(text, ctx.fs.display(name), ctx.diags, ctx.limits), name


def _verify_manifest(ctx: _Ctx, manifest: Manifest, manifest_name: str | None) -> tuple[str, ...]:
    external: list[str] = []
    for src in manifest.all_sources():
        if not src.path:
            continue
        if src.external:
            external.append(src.path)
            continue
        name = _source_member(ctx, src)
        for extra in (src.signature, src.certificate):
            if extra is not None and extra.value and not _URL.match(extra.value):
                _member(ctx, extra, extra.key)
        if src.algorithm is not None and src.hash is not None:
            if name is not None and name == manifest_name:
                continue  # a manifest cannot contain its own digest
            _verify_digest(ctx, name, src.algorithm, src.hash, MANIFEST_ALGORITHMS, "manifest",
                           src.path)
    return tuple(external)


def _source_member(ctx: _Ctx, src: ManifestSource) -> str | None:
    f = Field(key="Source", value=src.path, written="Source", span=src.span, value_span=src.value_span)
    return _member(ctx, f, "Source", artifact=True)


__all__ = ["ZipFS", "ZipReadError", "InputPackage", "open_input", "is_zip", "META_NAME"]
