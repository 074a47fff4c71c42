"""The tosca-parser child: runs tosca-parser once, offline, and prints its verdict as JSON.

Phase: compatibility check, in a subprocess of its own (started by :mod:`.tosca_parser`; never
imported by the compiler itself).  Input: one JSON object on stdin —
``{"path": <a .yaml file or a .csar/.zip archive>, "profile_paths": [...]}``.  Output:
one JSON object on stdout (see :func:`main`); nothing else is written there.  Emits no
diagnostics: the parent turns the verdict into ``tosca-parser-*`` diagnostics.

Why a process of its own: tosca-parser keeps its errors in a class-level
``ExceptionCollector`` and caches type definitions in module globals, fetches http
imports with urllib and no timeout, and may recurse or allocate without bound on hostile
input.  Here, before tosca-parser is imported:

* every socket connection and name lookup raises, so nothing reaches the network;
* ``urllib.request.urlopen`` serves a URL the xfc catalog knows (the ETSI forge SOL001
  files, :func:`compiler.loader.catalog.lookup`) from the local copy, and refuses any
  other URL with a ``URLError`` that tosca-parser reports as a normal error;
* an import by bare name that is not in the package (``etsi_nfv_sol001_common_types.yaml``,
  ``xfactor/1.0/profile.yaml``) is served from the catalog, as Tacker's own packaging
  does by copying the ETSI files into ``Definitions/``.

The parent gives this process its own ``TMPDIR`` (and working directory) and deletes it
afterwards, so the directories tosca-parser extracts CSARs into never outlive it.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import socket
import sys
import traceback
import urllib.error
import urllib.request
from typing import Any

MAX_MESSAGE = 4000  # characters kept of one tosca-parser message


class _Offline:
    """The network guard and the catalog redirection, with a record of what it did."""

    def __init__(self, profile_paths: tuple[str, ...], sol001_version: str | None = None
                 ) -> None:
        self.profile_paths = profile_paths
        self.sol001_version = sol001_version  # what the loader read bare SOL001 names as
        self.blocked: list[str] = []
        self.redirected: dict[str, str] = {}

    def lookup(self, ref: str) -> str | None:
        from compiler.loader import catalog

        hit = catalog.lookup(ref, self.profile_paths, sol001_version=self.sol001_version)
        if hit is None:
            return None
        local = str(hit.root / hit.name)
        self.redirected[ref] = local
        return local

    def install(self) -> None:
        def refuse(*_a: Any, **_k: Any) -> Any:
            raise OSError("network access is blocked by xfc (offline tosca-parser check)")

        socket.socket.connect = refuse  # type: ignore[method-assign]
        socket.socket.connect_ex = refuse  # type: ignore[method-assign]
        socket.create_connection = refuse  # type: ignore[assignment]
        socket.getaddrinfo = refuse  # type: ignore[assignment]
        socket.gethostbyname = refuse  # type: ignore[assignment]
        socket.gethostbyname_ex = refuse  # type: ignore[assignment]

        guard = self

        def urlopen(url: Any, *_a: Any, **_k: Any) -> Any:
            target = url.full_url if isinstance(url, urllib.request.Request) else str(url)
            local = guard.lookup(target)
            if local is not None:
                return _LocalResponse(local)
            guard.blocked.append(target)
            raise urllib.error.URLError(
                "network access is blocked by xfc (offline check) and the URL is not in "
                "the local catalog")

        urllib.request.urlopen = urlopen  # type: ignore[assignment]

    def patch_imports(self) -> None:
        """Serve bare import names missing from the package from the catalog."""
        import toscaparser.imports as tpi
        from toscaparser.utils.urlutils import UrlUtils

        original = tpi.ImportsLoader._load_import_template
        guard = self

        def load_import_template(loader: Any, import_name: Any, import_uri_def: Any) -> Any:
            if isinstance(import_uri_def, dict):
                file_name, repo = import_uri_def.get("file"), import_uri_def.get("repository")
            else:
                file_name, repo = import_uri_def, None
            path = loader.path
            if (isinstance(file_name, str) and file_name and repo is None and path
                    and not UrlUtils.validate_url(file_name)
                    and not UrlUtils.validate_url(path)):
                near = os.path.join(os.path.dirname(os.path.abspath(path)), file_name)
                if not os.path.isfile(file_name) and not os.path.isfile(near):
                    local = guard.lookup(file_name)
                    if local is not None:
                        if isinstance(import_uri_def, dict):
                            loader._validate_import_keys(import_name, import_uri_def)
                        return local, tpi.YAML_LOADER(local, True)
            return original(loader, import_name, import_uri_def)

        tpi.ImportsLoader._load_import_template = load_import_template


class _LocalResponse(io.BytesIO):
    """What ``urlopen`` returns for a catalog file: readable, with a 200 status."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as fh:
            super().__init__(fh.read())
        self.status = 200

    def getcode(self) -> int:
        return 200


def _limit_memory(cap: int) -> None:
    """Cap the address space (``Limits.tosca_parser_bytes``, sent in the request)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if (hard == resource.RLIM_INFINITY or hard >= cap) and (
                soft == resource.RLIM_INFINITY or soft > cap):
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):
        pass


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("tosca-parser")
    except Exception:  # noqa: BLE001 - metadata may be missing in odd installs
        return "unknown"


def _where(exc: BaseException) -> str:
    """The innermost tosca-parser frame of a crash: ``toscaparser/x.py:12 in f``."""
    frames = traceback.extract_tb(exc.__traceback__)
    for fr in reversed(frames):
        norm = fr.filename.replace("\\", "/")
        if "/toscaparser/" in norm:
            return f"toscaparser/{norm.rsplit('/toscaparser/', 1)[1]}:{fr.lineno} in {fr.name}"
    return ""


def _clip(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " …"


def verdict(path: str, profile_paths: tuple[str, ...], sol001_version: str | None = None
            ) -> dict[str, Any]:
    """Run tosca-parser on ``path`` and describe what it said."""
    guard = _Offline(profile_paths, sol001_version)
    guard.install()
    result: dict[str, Any] = {"status": "accepted", "version": "", "errors": [],
                              "crash": "", "blocked": guard.blocked, "redirected": guard.redirected}
    try:
        import toscaparser.tosca_template as tt
        from toscaparser.common.exception import (
            ExceptionCollector,
            TOSCAException,
            ValidationError,
        )
    except ImportError as exc:
        result.update(status="unavailable", crash=f"{exc.__class__.__name__}: {exc}")
        return result
    result["version"] = _version()
    logging.disable(logging.CRITICAL)
    guard.patch_imports()
    raised: list[dict[str, str]] = []
    try:
        tt.ToscaTemplate(path=path, a_file=True)
    except ValidationError as exc:
        if not ExceptionCollector.exceptionsCaught():  # raised directly, not the summary
            raised.append({"kind": exc.__class__.__name__, "message": _clip(str(exc))})
    except TOSCAException as exc:  # a TOSCA error raised outside the collector: a rejection
        raised.append({"kind": exc.__class__.__name__, "message": _clip(str(exc))})
    except RecursionError as exc:
        result.update(status="crashed", crash=f"RecursionError: {exc} ({_where(exc)})")
    except MemoryError:
        result.update(status="crashed", crash="MemoryError: out of memory")
    except Exception as exc:  # noqa: BLE001 - a raw tosca-parser crash is the verdict
        where = _where(exc)
        text = f"{exc.__class__.__name__}: {exc}" + (f" ({where})" if where else "")
        result.update(status="crashed", crash=_clip(text))
    errors = [
        {"kind": e.__class__.__name__, "message": _clip(str(e))}
        for e in ExceptionCollector.getExceptions()
    ]
    result["errors"] = errors + [e for e in raised if e not in errors]
    errors = result["errors"]
    if result["status"] == "accepted" and errors:
        result["status"] = "rejected"
    return result


def _die_with_parent(parent: object) -> None:
    """End this process when the xfc process that started it ends, even by SIGKILL
    (Linux ``prctl(PR_SET_PDEATHSIG)``): an orphaned tosca-parser went on writing into its
    sandbox while the next run swept it, and the folder stayed (issue 22, item 7)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if isinstance(parent, int) and os.getppid() != parent:
        os._exit(1)  # the parent ended before the request was read: nobody waits for us


def main() -> int:
    try:
        request = json.loads(sys.stdin.read() or "{}")
        _die_with_parent(request.get("parent_pid"))
        path = str(request["path"])
        profile_paths = tuple(str(p) for p in request.get("profile_paths", ()))
        version = request.get("sol001_version")
        sol001_version = str(version) if isinstance(version, str) else None
    except (ValueError, KeyError, TypeError) as exc:
        sys.stderr.write(f"bad request: {exc}\n")
        return 2
    try:
        cap = int(request.get("memory_bytes", 4 * 1024 ** 3))
    except (TypeError, ValueError):
        cap = 4 * 1024 ** 3
    _limit_memory(cap)
    out = sys.stdout
    # tosca-parser prints now and then; keep stdout for the one JSON answer
    with contextlib.redirect_stdout(sys.stderr):
        result = verdict(path, profile_paths, sol001_version)
    out.write(json.dumps(result) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
