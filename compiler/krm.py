"""xfc as a KRM function (kpt / Nephio): a ResourceList in, a ResourceList out.

Phase: driver (the KRM functions specification v1, ``config.kubernetes.io/v1``
ResourceList).  Input: the ResourceList read from standard input by ``xfc krm``: its
``items`` (the kpt package's KRM resources, each with ``internal.config.kubernetes.io/path``
and ``…/index`` annotations) and its ``functionConfig``, which names the descriptor and
the options.  Output: the ResourceList to write back, and whether it holds errors.

functionConfig, either a ``ConfigMap`` (``configMap:`` in a Kptfile, ``-- key=value`` on
``kpt fn eval``) whose ``data`` holds strings, or an ``XfcCompile`` object
(``apiVersion: xfactor.io/v1alpha1``) whose top-level fields hold the same keys with YAML
values:

  descriptor   path of the descriptor (a .yaml file, a CSAR directory or archive) inside
               the package; the package's directory is found on disk (below)
  inline       the descriptor's text (instead of ``descriptor``; XfcCompile may give a
               mapping of file name -> text, the first being the entry, for imports)
  source       the name of a ConfigMap item of the package whose ``data`` holds the
               descriptor's files (file name -> text); ``descriptor`` then names the
               entry among them (default: the first).  For functions run as images,
               which see no disk: mark that ConfigMap
               ``config.kubernetes.io/local-config: "true"`` so it is never deployed
  flavour, namespace            as ``--flavour``, ``--namespace``
  kubeVersion  MAJOR.MINOR (a string) as ``--kube-version``
  targets, emit                 lists (a ConfigMap: comma-separated) as ``--target``, ``--emit``
  inputs       mapping of input values (a ConfigMap: YAML text) as ``--inputs``
  params       mapping (a ConfigMap: YAML text) as ``--param``
  outputDir    package folder the compiled objects are written to (default
               ``compiled/<descriptor name>``)

A TOSCA descriptor is not a KRM resource (it has no ``apiVersion``/``kind``) and kpt
refuses such files as items, so the package lists it in ``.krmignore`` and the function
reads it from disk.  The package directory is the one whose ``Kptfile`` is the
ResourceList's Kptfile item and which holds every item at the path its
``internal.config.kubernetes.io/path`` annotation names: searched from the working
directory (kpt runs exec functions there) down to three levels.  The descriptor is then
compiled confined to the package (``Options.root``): an import leaving it is an error.

Items: every existing item is kept, except those this function made before for the same
descriptor (annotation ``xfactor.io/compiled-from``), which are replaced by the new ones;
each new one carries ``config.kubernetes.io/path`` and ``internal.config.kubernetes.io/path``
(the same value: kpt rejects a mismatch) and the matching ``…/index`` annotations.  An
output document that is not a KRM resource becomes an ``info`` result instead.  With
errors, the items are returned unchanged.

Results: one per diagnostic: ``severity`` (error, warning, info for a note), ``message``
("[code] message (at file:line:col)"), ``file`` {``path`` relative to the package, ``index`` 0}, ``field``
{``path``: the entity path}, ``tags`` {``code``}.

Codes: none of its own (those of the phases it runs).  Misuse of the function (no
descriptor named, a malformed ResourceList) is reported as an error result.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, Severity

RESOURCE_LIST = ("config.kubernetes.io/v1", "ResourceList")
CONFIG_API = "xfactor.io/v1alpha1"
CONFIG_KIND = "XfcCompile"
OWNER = "xfactor.io/compiled-from"
PATH_KEYS = ("internal.config.kubernetes.io/path", "config.kubernetes.io/path")
INDEX_KEYS = ("internal.config.kubernetes.io/index", "config.kubernetes.io/index")
SEARCH_DEPTH = 3
_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "info"}


class FunctionError(Exception):
    """The function cannot run (bad ResourceList or functionConfig): one error result."""


@dataclass(slots=True)
class Outcome:
    resource_list: dict
    failed: bool


def _annotations(item: Any) -> dict:
    if not isinstance(item, dict):
        return {}
    meta = item.get("metadata")
    ann = meta.get("annotations") if isinstance(meta, dict) else None
    return ann if isinstance(ann, dict) else {}


def item_path(item: Any) -> str | None:
    ann = _annotations(item)
    for key in PATH_KEYS:
        if isinstance(ann.get(key), str):
            return ann[key]
    return None


# ------------------------------------------------------------------ functionConfig


def _listish(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise FunctionError(f"functionConfig {key} must be a list of names")


def _mapping(value: Any, key: str) -> dict:
    if value is None:
        return {}
    if isinstance(value, str):
        from .limits import yaml_shape

        if (shape := yaml_shape(value, config=True)) is not None:
            problem, line, column = shape
            raise FunctionError(f"functionConfig {key}, line {line}, column {column}: {problem}")
        try:
            value = yaml.load(value, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            raise FunctionError(f"functionConfig {key} is not YAML: {exc}") from None
        value = value or {}
    if not isinstance(value, dict):
        raise FunctionError(f"functionConfig {key} must be a mapping")
    return value


def read_config(fc: Any) -> dict[str, Any]:
    """The options named by the functionConfig (a ConfigMap or an XfcCompile)."""
    if not isinstance(fc, dict) or not fc:
        raise FunctionError("no functionConfig: name the descriptor with "
                            "'descriptor: PATH' (a ConfigMap's data or an XfcCompile)")
    kind = fc.get("kind")
    if kind == "ConfigMap":
        raw = fc.get("data") or {}
        if not isinstance(raw, dict):
            raise FunctionError("functionConfig ConfigMap data must be a mapping")
    elif kind == CONFIG_KIND:
        raw = {k: v for k, v in fc.items() if k not in ("apiVersion", "kind", "metadata")}
    else:
        raise FunctionError(f"functionConfig kind {kind!r} is not supported: use a ConfigMap "
                            f"or {CONFIG_API} {CONFIG_KIND}")
    known = {"descriptor", "inline", "source", "flavour", "flavor", "namespace", "targets", "emit",
             "inputs", "params", "outputDir", "kubeVersion"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise FunctionError(f"functionConfig has unknown key {unknown[0]!r}; known: "
                            + ", ".join(sorted(known)))
    cfg: dict[str, Any] = {
        "descriptor": raw.get("descriptor"),
        "inline": raw.get("inline"),
        "source": raw.get("source"),
        "flavour": raw.get("flavour", raw.get("flavor")),
        "namespace": raw.get("namespace"),
        "targets": _listish(raw.get("targets"), "targets"),
        "emit": _listish(raw.get("emit"), "emit"),
        "inputs": _mapping(raw.get("inputs"), "inputs"),
        "params": {str(k): str(v) for k, v in _mapping(raw.get("params"), "params").items()},
        "outputDir": raw.get("outputDir"),
        "kubeVersion": raw.get("kubeVersion"),
    }
    if cfg["source"] is not None:
        if cfg["inline"] is not None:
            raise FunctionError("functionConfig takes 'source' or 'inline', not both")
    elif bool(cfg["descriptor"]) == bool(cfg["inline"]):
        raise FunctionError("functionConfig must name exactly one of 'descriptor' (a path "
                            "in the package), 'inline' (the descriptor's text) and 'source' "
                            "(a ConfigMap item holding its files)")
    for key in ("descriptor", "source", "flavour", "namespace", "outputDir", "kubeVersion"):
        if cfg[key] is not None and not isinstance(cfg[key], str):
            raise FunctionError(f"functionConfig {key} must be a string")
    if cfg["descriptor"] is not None:
        cfg["descriptor"] = _inside("descriptor", cfg["descriptor"])
    if cfg["outputDir"] is not None:
        cfg["outputDir"] = _inside("outputDir", cfg["outputDir"])
    return cfg


def _inside(key: str, path: str) -> str:
    norm = posixpath.normpath(path.replace("\\", "/"))
    if path.startswith("/") or norm == ".." or norm.startswith("../") or "\x00" in path:
        raise FunctionError(f"functionConfig {key} {path!r} must be a relative path inside the package")
    return norm


# ------------------------------------------------------------------ the package on disk


def find_package(items: list, start: str | os.PathLike[str] = ".") -> Path | None:
    """The directory of the kpt package the items come from (see the module doc)."""
    kptfile_name = None
    paths = []
    for it in items:
        p = item_path(it)
        if p is None:
            continue
        paths.append(p)
        if isinstance(it, dict) and it.get("kind") == "Kptfile" and p == "Kptfile":
            meta = it.get("metadata") or {}
            kptfile_name = meta.get("name") if isinstance(meta, dict) else None
    base = Path(start).resolve()
    frontier = [base]
    for _depth in range(SEARCH_DEPTH + 1):
        nxt = []
        for d in frontier:
            if _is_package(d, kptfile_name, paths):
                return d
            try:
                nxt.extend(sorted(c for c in d.iterdir() if c.is_dir() and not c.is_symlink()
                                  and not c.name.startswith(".")))
            except OSError:
                continue
        frontier = nxt
    return None


def _is_package(d: Path, name: str | None, paths: list[str]) -> bool:
    kptfile = d / "Kptfile"
    if not kptfile.is_file():
        return False
    if name is not None:
        try:
            doc = yaml.safe_load(kptfile.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            return False
        if not isinstance(doc, dict) or (doc.get("metadata") or {}).get("name") != name:
            return False
    return all((d / p).exists() for p in paths)


# ------------------------------------------------------------------ the function


def _result(d: Diagnostic, pkg: Path | None, source: dict | None = None) -> dict:
    res: dict[str, Any] = {
        "message": f"[{d.code}] {d.message}" + (f" (hint: {d.hint})" if d.hint else ""),
        "severity": _SEVERITY[d.severity],
        "tags": {"code": d.code},
    }
    f = d.span.file
    if f and not f.startswith(("<", "--set ")):
        if pkg is not None and os.path.isabs(f):
            try:
                f = os.path.relpath(f, pkg)
            except ValueError:
                pass
        f = f.replace(os.sep, "/")
        # a file of a source ConfigMap is reported at that item, its data key in the message
        res["file"] = dict(source) if source is not None else {"path": f, "index": 0}
        if d.span.line:  # a result has no line field: the message carries the position
            res["message"] += f" (at {f}:{d.span.line}:{d.span.column})"
    if d.path:
        res["field"] = {"path": d.path}
    return res


def _error(message: str) -> dict:
    return {"message": message, "severity": "error"}


def _out(rl: dict, items: list, results: list, failed: bool) -> Outcome:
    out = {"apiVersion": RESOURCE_LIST[0], "kind": RESOURCE_LIST[1], "items": items}
    if "functionConfig" in rl:
        out["functionConfig"] = rl["functionConfig"]
    if results:
        out["results"] = results
    return Outcome(out, failed)


def _source_item(items: list, name: str) -> dict:
    found = [it for it in items if isinstance(it, dict) and it.get("kind") == "ConfigMap"
             and isinstance(it.get("metadata"), dict) and it["metadata"].get("name") == name]
    if not found:
        raise FunctionError(f"functionConfig source {name!r}: no ConfigMap of that name among the items")
    if len(found) > 1:
        raise FunctionError(f"functionConfig source {name!r}: several ConfigMaps have that name")
    return found[0]


def run(rl: Any, *, cwd: str | os.PathLike[str] = ".") -> Outcome:
    """Apply the function to one ResourceList (already parsed)."""
    from . import api

    if not isinstance(rl, dict) or (rl.get("apiVersion"), rl.get("kind")) != RESOURCE_LIST:
        return _out({}, [], [_error("standard input is not a config.kubernetes.io/v1 ResourceList")], True)
    items = rl.get("items") or []
    if not isinstance(items, list):
        return _out(rl, [], [_error("ResourceList items must be a list")], True)
    try:
        cfg = read_config(rl.get("functionConfig"))
    except FunctionError as exc:
        return _out(rl, items, [_error(str(exc))], True)

    tmp: Path | None = None
    pkg: Path | None = None
    source: dict | None = None  # the result ``file`` of a source ConfigMap
    try:
        if cfg["inline"] is not None or cfg["source"] is not None:
            if cfg["source"] is not None:
                item = _source_item(items, cfg["source"])
                files = item.get("data") or {}
                ann = _annotations(item)
                index = next((ann[k] for k in INDEX_KEYS if k in ann), "0")
                source = {"path": item_path(item) or cfg["source"],
                          "index": int(index) if str(index).isdigit() else 0}
                what = f"ConfigMap {cfg['source']!r} data"
            else:
                files = cfg["inline"] if isinstance(cfg["inline"], dict) else {"descriptor.yaml": cfg["inline"]}
                what = "functionConfig inline"
            if not files or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
                return _out(rl, items, [_error(f"{what} must be the descriptor's text or a "
                                               "mapping of file name to text")], True)
            # marked like compile's temporary folders, so that a run killed with SIGKILL
            # leaves nothing the next one does not remove
            from .api.support import make_temp, sweep_stale_temps

            scratch = Path(tempfile.gettempdir())
            sweep_stale_temps(scratch)
            tmp = pkg = make_temp(scratch, "krm")
            for name, text in files.items():
                rel = _inside("file name", name)
                (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
                (pkg / rel).write_text(text, encoding="utf-8")
            descriptor = _inside("file name", cfg["descriptor"] or next(iter(files)))
            if cfg["source"] is not None and descriptor not in files:
                return _out(rl, items, [_error(f"{what} has no file {descriptor!r}; it has: "
                                               + ", ".join(sorted(files)))], True)
        else:
            pkg = find_package(items, cwd)
            if pkg is None:
                return _out(rl, items, [_error(
                    "cannot find the kpt package on disk (a directory below the working "
                    "directory whose Kptfile and files match the items): run the function "
                    "from the package's directory or its parent")], True)
            descriptor = cfg["descriptor"]
        options = api.Options(
            inputs=cfg["inputs"], flavour=cfg["flavour"], namespace=cfg["namespace"],
            root=str(pkg), params=cfg["params"], kube_version=cfg["kubeVersion"],
            **({"targets": cfg["targets"]} if cfg["targets"] else {}),
            **({"emitters": cfg["emit"]} if cfg["emit"] else {}),
        )
        problems = api.option_problems(options)
        emitters = api.emitter_names()
        unknown = [e for e in options.emitters if e not in emitters]
        if unknown:
            problems.append(f"unknown back end {unknown[0]!r}; available: {', '.join(sorted(emitters))}")
        if problems:
            return _out(rl, items, [_error(f"functionConfig: {problems[0]}")], True)
        unit = api.compile(api.CompileRequest(path=str(pkg / descriptor), options=options)).unit
        results = [_result(d, pkg, source) for d in unit.diagnostics]
        if not unit.ok:
            return _out(rl, items, results, True)
        stem = posixpath.basename(descriptor.rstrip("/"))
        for suffix in (".yaml", ".yml", ".csar", ".zip"):
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
        out_dir = cfg["outputDir"] or f"compiled/{stem or 'descriptor'}"
        owner = (f"configmap:{cfg['source']}/{descriptor}" if cfg["source"] is not None
                 else f"inline:{descriptor}" if cfg["inline"] is not None else descriptor)
        kept = [it for it in items if _annotations(it).get(OWNER) != owner]
        new = []
        for f in unit.outputs:
            if not f.path.endswith((".yaml", ".yml")):
                results.append({"message": f"{f.path}: not YAML, not written as an item",
                                "severity": "info"})
                continue
            docs = [d for d in yaml.safe_load_all(f.content.decode("utf-8")) if d is not None]
            for index, doc in enumerate(docs):
                if not (isinstance(doc, dict) and doc.get("apiVersion") and doc.get("kind")):
                    results.append({"message": f"{f.path}: document {index} is not a KRM "
                                               "resource, not written as an item",
                                    "severity": "info"})
                    continue
                meta = doc.setdefault("metadata", {})
                ann = meta.get("annotations")
                if not isinstance(ann, dict):
                    ann = meta["annotations"] = {}
                path = f"{out_dir}/{f.path}"
                for key in PATH_KEYS:
                    ann[key] = path
                for key in INDEX_KEYS:
                    ann[key] = str(index)
                ann[OWNER] = owner
                new.append(doc)
        return _out(rl, kept + new, results, False)
    except FunctionError as exc:
        return _out(rl, items, [_error(str(exc))], True)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


__all__ = ["run", "read_config", "find_package", "item_path", "Outcome", "FunctionError"]
