"""``--tosca-parser``: would tosca-parser (the parser Tacker onboards packages with) accept this?

Phase: compatibility check, run by :func:`compiler.pipeline.front_end` after loading when
``Options.tosca_parser`` is set.  Input: the loaded :class:`~compiler.loader.package.Package`.
Output: diagnostics only — the verdict of the installed tosca-parser on the same package.

tosca-parser runs in a fresh Python subprocess per call (:mod:`._tp_child`): its error
collector and type caches are process globals, it fetches http imports without a
timeout, and hostile input can make it recurse or allocate without bound.  The child
cannot reach the network; ETSI SOL001 and X-factor imports are served from xfc's catalog
(:mod:`compiler.loader.catalog`).  It runs in a temporary directory that is also its
``TMPDIR`` and that is removed afterwards, whatever happens (timeout included).

What tosca-parser is given, as Tacker gives it: a lone file as itself; a CSAR directory
zipped (stored, not compressed) into that temporary directory, so tosca-parser's own
CSAR checks run; a zip archive as itself.  docs/compat.md records the decisions.

Codes:
* ``tosca-parser-verdict`` (warning): one per error tosca-parser reports, placed at the
  key or value its message names when it can be found, else at the entry's line 1; also
  for a crash of tosca-parser, a timeout, or tosca-parser being unavailable.
* ``tosca-parser-accepts`` (note): tosca-parser accepts the package.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostics, Span
from ..limits import DEFAULT_LIMITS
from ..loader.yamlpos import PMap, PSeq
from ..loader.package import Package
from ..options import Options

TIMEOUT = float(DEFAULT_LIMITS.tosca_parser_seconds)  # seconds tosca-parser may take on one package
MAX_REPORTED = 25  # tosca-parser errors reported one by one; the rest are counted
# Files of a CSAR directory above this size that are not YAML are given to tosca-parser
# as empty placeholders: it only checks that artifacts exist, and copying multi-GB
# images into a temporary archive would be slow for nothing.
PLACEHOLDER_BYTES = 1024 * 1024
_TEXT_SUFFIXES = (".yaml", ".yml", ".meta", ".mf", ".json")

_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from compiler.checks._tp_child import main; raise SystemExit(main())"
)
_TEMPLATE_SECTIONS = ("node_templates", "relationship_templates", "groups", "policies",
                      "inputs", "outputs")
_QUOTED = re.compile(r'"([^"\n]{1,200})"')

_REJECT_HINT = ("Tacker validates a package with tosca-parser when it is onboarded; "
                "it would refuse this one")
_OFFLINE_HINT = ("xfc runs tosca-parser offline: a URL that is not in xfc's catalog was not "
                 "fetched (Tacker would try to download it)")


def tosca_parser_verdict(package: Package, options: Options, diags: Diagnostics) -> None:
    """Run tosca-parser on ``package`` in a subprocess and report its verdict."""
    at = _entry_span(package)
    if importlib.util.find_spec("toscaparser") is None:
        diags.add("tosca-parser-verdict",
                  "tosca-parser is not installed: the --tosca-parser check was not run", at,
                  hint="install it with `pip install tosca-parser`")
        return
    timeout = TIMEOUT
    # a folder with the marker of compile's temporary folders: a run killed with SIGKILL
    # cannot remove it, so each run first removes those whose process is gone
    from ..output import make_temp, sweep_stale_temps

    scratch = Path(tempfile.gettempdir())
    sweep_stale_temps(scratch)
    work = str(make_temp(scratch, "tosca-parser"))
    try:
        target = _stage(package, work, options.limits)
        if target is None:
            diags.add("tosca-parser-verdict",
                      "the package could not be prepared for tosca-parser; no verdict", at)
            return
        limits = options.limits or DEFAULT_LIMITS
        from ..loader.versions import declared_sol001

        declared = declared_sol001(package.files)  # as the loader read bare SOL001 names
        request = {"path": target, "profile_paths": list(options.profile_paths),
                   "memory_bytes": limits.tosca_parser_bytes, "parent_pid": os.getpid(),
                   "sol001_version": declared.version if declared is not None else None}
        outcome = _unstage(_run_child(request, work, timeout), work, target, package)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _report(outcome, package, diags, at, timeout)


# ------------------------------------------------------------------ the subprocess


def _child_argv() -> list[str]:
    repo = Path(__file__).resolve().parent.parent.parent
    return [sys.executable, "-c", _BOOT, str(repo)]


def _run_child(request: dict[str, Any], work: str, timeout: float) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(TMPDIR=work, TEMP=work, TMP=work, PYTHONDONTWRITEBYTECODE="1")
    try:
        proc = subprocess.run(_child_argv(), input=json.dumps(request), capture_output=True,
                              text=True, timeout=timeout, cwd=work, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"status": "timeout"}
    except OSError as exc:
        return {"status": "failed", "crash": f"cannot start {sys.executable!r}: {exc}"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                answer = json.loads(line)
            except ValueError:
                break
            if isinstance(answer, dict) and "status" in answer:
                return answer
            break
    tail = " ".join(proc.stderr.strip().splitlines()[-3:])[-500:]
    how = f"exit status {proc.returncode}" if proc.returncode >= 0 else f"signal {-proc.returncode}"
    return {"status": "failed", "crash": f"the tosca-parser process ended with {how}"
            + (f": {tail}" if tail else "")}


def _unstage(outcome: dict[str, Any], work: str, target: str, package: Package) -> dict[str, Any]:
    """Show the user's paths in tosca-parser's messages, not the staged copies.

    tosca-parser names the archive it was given and the directory it extracted it to
    (``<work>/tmpXXXX/Definitions/a.yaml``); a lone file is named by its absolute path.
    """
    root = package.root.rstrip("/")
    subs: list[tuple[re.Pattern[str], str]] = [
        (re.compile(re.escape(work) + r"/tmp[^/\s\"']*/"), root + "/"),
        (re.compile(re.escape(target)), root if package.kind != "file" else _entry_display(package)),
    ]
    fs_root = getattr(package.fs, "root", None)
    if package.kind == "file" and package.fs is not None and fs_root is not None:
        subs.append((re.compile(re.escape(str(fs_root)) + "/"), package.fs.display("")))

    def clean(text: str) -> str:
        for pattern, repl in subs:
            text = pattern.sub(lambda _m: repl, text)  # repl as written, no escapes
        return text

    errors = outcome.get("errors")
    if isinstance(errors, list):
        for err in errors:
            if isinstance(err, dict) and isinstance(err.get("message"), str):
                err["message"] = clean(err["message"])
    if isinstance(outcome.get("crash"), str):
        outcome["crash"] = clean(outcome["crash"])
    return outcome


def _entry_display(package: Package) -> str:
    return package.files[0].display if package.files else package.root


def _stage(package: Package, work: str, limits: Any) -> str | None:
    """The path tosca-parser is given (see the module docstring), or ``None``."""
    fs = package.fs
    try:
        if package.kind == "zip":
            src = str(getattr(fs, "path", package.root))
            if src.lower().endswith((".zip", ".csar")):
                return os.path.abspath(src)
            dst = os.path.join(work, "package.csar")
            shutil.copyfile(src, dst)
            return dst
        root = getattr(fs, "root", None)
        if root is None:
            return None
        if package.kind == "dir":
            return _zip_dir(fs, os.path.join(work, _archive_name(package.root)), limits)
        return str(Path(root) / package.entry)
    except (OSError, zipfile.BadZipFile, ValueError):
        return None


def _archive_name(root: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.basename(os.path.normpath(root))) or "package"
    return base + ".csar"


def _zip_dir(fs: Any, dst: str, limits: Any) -> str:
    cap = getattr(limits, "max_file_bytes", 32 * 1024 * 1024)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zf:
        for name in fs.names():
            size = fs.size(name)
            text = name.lower().endswith(_TEXT_SUFFIXES)
            if size > cap or (size > PLACEHOLDER_BYTES and not text):
                zf.writestr(name, b"")
                continue
            with fs.open(name) as src, zf.open(name, "w") as out:
                shutil.copyfileobj(src, out, 1024 * 1024)
    return dst


# ------------------------------------------------------------------ reporting


def _report(outcome: dict[str, Any], package: Package, diags: Diagnostics, at: Span,
            timeout: float) -> None:
    status = outcome.get("status")
    who = f"tosca-parser {outcome.get('version') or ''}".rstrip()
    if status == "unavailable":
        diags.add("tosca-parser-verdict",
                  f"tosca-parser cannot be imported ({outcome.get('crash', '')}): "
                  "the --tosca-parser check was not run", at)
        return
    if status == "timeout":
        diags.add("tosca-parser-verdict",
                  f"tosca-parser did not finish within {timeout:g} s: no verdict", at,
                  hint="Tacker would likely time out or hang onboarding this package too")
        return
    if status == "failed":
        diags.add("tosca-parser-verdict", f"tosca-parser gave no verdict: {outcome.get('crash', '')}", at)
        return
    blocked = [u for u in outcome.get("blocked", ()) if isinstance(u, str)]
    errors = [e for e in outcome.get("errors", ()) if isinstance(e, dict)]
    for err in errors[:MAX_REPORTED]:
        kind, message = str(err.get("kind", "")), str(err.get("message", ""))
        offline = any(u in message for u in blocked)
        diags.add("tosca-parser-verdict",
                  f"{who} would reject this package: {kind}: {message}",
                  _locate(message, package, at),
                  hint=_OFFLINE_HINT if offline else _REJECT_HINT)
    if len(errors) > MAX_REPORTED:
        diags.add("tosca-parser-verdict",
                  f"{who} reports {len(errors) - MAX_REPORTED} more errors not shown", at)
    if status == "crashed":
        diags.add("tosca-parser-verdict",
                  f"tosca-parser crashed on this package: {outcome.get('crash', '')}", at,
                  hint="Tacker calls tosca-parser when it onboards a package; onboarding "
                       "would fail with this error")
    elif status == "accepted" and not errors:
        diags.add("tosca-parser-accepts", f"{who} accepts this package", at,
                  hint=_served_hint(outcome.get("redirected")))


def _served_hint(redirected: Any) -> str:
    if not isinstance(redirected, dict) or not redirected:
        return ""
    names = sorted({os.path.basename(str(r)) for r in redirected})
    return "served from xfc's local catalog, not the network: " + ", ".join(names)


def _entry_span(package: Package) -> Span:
    if package.files:
        return Span(package.files[0].display, 1, 1)
    return Span(package.root, 1, 1)


# ------------------------------------------------------------------ positions


_Entry = tuple[tuple[Any, ...], Any, Any, Span, Span]  # (path, key or index, value, key span, value span)


def _walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[_Entry]:
    """Every entry below ``node``: (path to it, key or index, value, key span, value span)."""
    if isinstance(node, PMap):
        for k, v in node.items():
            yield path, k, v, node.key_span(k), node.value_span(k)
            yield from _walk(v, path + (k,))
    elif isinstance(node, PSeq):
        for i, v in enumerate(node):
            yield path, i, v, node.item_span(i), node.item_span(i)
            yield from _walk(v, path + (i,))


def _scalar(v: Any) -> str | None:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (str, int, float)):
        return str(v)
    return None


def _locate(message: str, package: Package, default: Span) -> Span:
    """Best effort: the place in the user's files that tosca-parser's message names.

    tosca-parser gives no positions, but quotes names: a template (``template "VDU1"``),
    a property, a field, a value.  A template named under ``topology_template`` narrows
    the search to it (and is the answer when nothing inside it is named).  Then, in the
    entry file first: a key holding a value when both are quoted (``The value "x" of
    property "p"``); then each quoted name in the message's order, as a key, else as a
    scalar value.  Catalog files (ETSI, X-factor) are not searched.
    """
    quoted = list(dict.fromkeys(_QUOTED.findall(message)))
    if not quoted:
        return default
    files = [list(_walk(sf.data)) for sf in package.files
             if not sf.from_catalog and isinstance(sf.data, PMap)]
    for entries in files:
        for q in quoted:
            for path, k, _v, kspan, _vs in entries:
                if k == q and _is_template_key(path, message, q):
                    scope = path + (k,)
                    inside = [e for e in entries if e[0][: len(scope)] == scope]
                    return _best([inside], [x for x in quoted if x != q]) or kspan
    return _best(files, quoted) or default


def _best(files: list[list[_Entry]], quoted: list[str]) -> Span | None:
    if not quoted:
        return None
    wanted = set(quoted)
    for entries in files:  # key "p" holding value "x", both quoted
        for _p, k, v, _ks, vspan in entries:
            if k in wanted and _scalar(v) in wanted and _scalar(v) != k:
                return vspan
    for q in quoted:
        for entries in files:
            for _p, k, _v, kspan, _vs in entries:
                if k == q:
                    return kspan
        for entries in files:
            for _p, _k, v, _ks, vspan in entries:
                if _scalar(v) == q:
                    return vspan
    return None


def _is_template_key(path: tuple[Any, ...], message: str, name: str) -> bool:
    """``path`` leads to a template's name (``topology_template.node_templates.<name>``,
    ``topology_template.policies[i].<name>``).  Inputs and outputs count only when the
    message calls the name one (``input "x"``): property names often equal input names."""
    if len(path) < 2 or path[0] != "topology_template" or path[1] not in _TEMPLATE_SECTIONS:
        return False
    if path[1] in ("inputs", "outputs") and not re.search(
            rf'(?i)\b(input|output|parameter)s? "{re.escape(name)}"', message):
        return False
    return len(path) == 2 or (len(path) == 3 and isinstance(path[2], int))
