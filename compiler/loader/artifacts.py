"""Artifact files of a package: every file a descriptor of a CSAR names is in the package.

Phase: load.  Input: the package file system, the TOSCA files read (the package's own,
not the catalog's), the names TOSCA.meta and the manifest list (checked by
:mod:`.csar` already), ``--allow-missing-artifacts``.  Output: diagnostics only.

What is looked for, relative to the file that declares it (TOSCA 1.3 §3.6.7; a name
relative to the package root is accepted too, as Tacker's and ONAP's packages write
both): the ``file`` of every artifact of a node template or node type, and every
operation ``implementation`` (``primary`` and ``dependencies``) of a node or
relationship template or type that is a path (holds a ``/`` or ends like a script)
rather than the name of an artifact.  Not looked for: URLs, artifacts fetched from a
``repository``, and a ``file`` that is an image reference (a registry name with a tag or
a digest, as SOL001 4.x writes container images: ``docker.io/org/app:v1.0``).

A path that is absolute or climbs out of the package (``../../outside.sh``) is an error
at its declaration whatever exists there: the package is all an orchestrator receives
(a warning under ``--allow-missing-artifacts``, which says the package is knowingly
incomplete: Tacker's samples name a management driver on the Tacker host; nothing is
read there either way).
A missing file is an error at its declaration; under ``--allow-missing-artifacts`` a
warning, except for the YAML/JSON files xfc reads itself.  A file that TOSCA.meta or the
manifest lists is not reported a second time (one cause, one diagnostic).

Codes: artifact-missing, artifact-outside-package.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from ..images import is_image_reference
from ..diagnostics import Diagnostics, Severity, Span
from .package import SourceFile
from .fs import PackageFS, normalize
from .yamlpos import PMap, PSeq

_SCRIPT_SUFFIXES = (".sh", ".bash", ".py", ".pl", ".rb", ".ps1", ".yaml", ".yml", ".j2",
                    ".json", ".tgz", ".tar.gz", ".zip", ".jar")
_READ_BY_XFC = (".yaml", ".yml", ".json")
_OPERATION_KEYS = ("type", "inputs", "operations", "notifications", "description")


def check_artifacts(fs: PackageFS, files: Iterable[SourceFile], listed: set[str],
                    diags: Diagnostics, allow_missing: bool) -> None:
    """Report artifact paths that leave the package or name no file of it."""
    names: set[str] | None = None
    for sf, ref, span, what in _references(files):
        if "://" in ref or is_image_reference(ref):
            continue
        name = normalize(sf.name, ref)
        if name is None:
            where = "an absolute path" if _absolute(ref) else "a path outside the package"
            if allow_missing:
                # the user says the package is incomplete on purpose (Tacker's samples name
                # the management driver on the Tacker host); xfc reads nothing there
                diags.add("artifact-outside-package", f"{what} names '{ref}', {where}; "
                          "allowed by --allow-missing-artifacts (xfc reads nothing outside "
                          "the package)", span, severity=Severity.WARNING,
                          hint="an orchestrator receives only the package")
                continue
            diags.add("artifact-outside-package", f"{what} names '{ref}', {where}; an "
                      "artifact is a file of the package", span,
                      hint="ship the file in the package (Files/, Scripts/, Artifacts/) and "
                           "name it relative to this file")
            continue
        at_root = normalize("", ref)
        if fs.exists(name) or (at_root is not None and fs.exists(at_root)):
            continue
        if names is None:
            names = set(fs.names())
        if _is_folder(names, name) or (at_root is not None and _is_folder(names, at_root)):
            continue  # an unpacked Helm chart, a folder of scripts
        if name in listed or (at_root is not None and at_root in listed):
            continue  # TOSCA.meta or the manifest lists it: reported there
        if allow_missing and not name.lower().endswith(_READ_BY_XFC):
            diags.add("artifact-missing", f"{what} names '{ref}', which is not in the package; "
                      "allowed by "
                      "--allow-missing-artifacts", span, severity=Severity.WARNING,
                      hint="add the file before the package is onboarded")
            continue
        diags.add("artifact-missing", f"{what} names '{ref}', which is not in the package",
                  span,
                  hint="add the file to the package, or pass --allow-missing-artifacts for "
                       "a binary kept out of the source tree")


def _absolute(ref: str) -> bool:
    return ref.startswith(("/", "\\")) or (len(ref) > 1 and ref[1] == ":")


def _is_folder(names: set[str], name: str) -> bool:
    prefix = name.rstrip("/") + "/"
    return any(n.startswith(prefix) for n in names)


def _references(files: Iterable[SourceFile]) -> Iterator[tuple[SourceFile, str, Span, str]]:
    """(declaring file, reference, span, description) of every artifact path."""
    for sf in files:
        if sf.from_catalog or not isinstance(sf.data, PMap):
            continue
        data = sf.data
        for section, kind in (("node_types", "node type"),
                              ("relationship_types", "relationship type")):
            types = data.get(section)
            if isinstance(types, PMap):
                for tname, body in types.items():
                    if isinstance(body, PMap):
                        yield from _owner(sf, body, f"{kind} {tname!r}")
        tt = data.get("topology_template")
        if not isinstance(tt, PMap):
            continue
        for section, kind in (("node_templates", "node template"),
                              ("relationship_templates", "relationship template")):
            tpls = tt.get(section)
            if isinstance(tpls, PMap):
                for tname, body in tpls.items():
                    if isinstance(body, PMap):
                        yield from _owner(sf, body, f"{kind} {tname!r}")


def _owner(sf: SourceFile, body: PMap, owner: str
           ) -> Iterator[tuple[SourceFile, str, Span, str]]:
    arts = body.get("artifacts")
    art_names: set[str] = set()
    if isinstance(arts, PMap):
        for aname, art in arts.items():
            art_names.add(str(aname))
            what = f"artifact {aname!r} of {owner}"
            if isinstance(art, str):
                yield sf, art, arts.value_span(aname), what
            elif isinstance(art, PMap) and isinstance(art.get("file"), str) \
                    and art.get("repository") is None:
                yield sf, art["file"], art.value_span("file"), what
    ifaces = body.get("interfaces")
    if not isinstance(ifaces, PMap):
        return
    for iname, ibody in ifaces.items():
        if not isinstance(ibody, PMap):
            continue
        ops = [(k, v, ibody) for k, v in ibody.items() if k not in _OPERATION_KEYS]
        if isinstance(ibody.get("operations"), PMap):
            ops += [(k, v, ibody["operations"]) for k, v in ibody["operations"].items()]
        for op, obody, holder in ops:
            what = f"operation {iname}.{op} of {owner}"
            for ref, span in _implementations(obody, holder, op):
                if ref not in art_names and ("/" in ref or ref.lower().endswith(
                        _SCRIPT_SUFFIXES)):
                    yield sf, ref, span, what


def _implementations(obody: Any, holder: PMap, op: Any) -> Iterator[tuple[str, Span]]:
    if isinstance(obody, str):
        yield obody, holder.value_span(op)
        return
    if not isinstance(obody, PMap):
        return
    impl = obody.get("implementation")
    if isinstance(impl, str):
        yield impl, obody.value_span("implementation")
    elif isinstance(impl, PMap):
        primary = impl.get("primary")
        if isinstance(primary, str):
            yield primary, impl.value_span("primary")
        elif isinstance(primary, PMap) and isinstance(primary.get("file"), str) \
                and primary.get("repository") is None:
            yield primary["file"], primary.value_span("file")
        deps = impl.get("dependencies")
        if isinstance(deps, PSeq):
            for i, dep in enumerate(deps):
                if isinstance(dep, str):
                    yield dep, deps.item_span(i)
                elif isinstance(dep, PMap) and isinstance(dep.get("file"), str) \
                        and dep.get("repository") is None:
                    yield dep["file"], dep.value_span("file")


__all__ = ["check_artifacts", "is_image_reference"]
