"""The normative TOSCA types of each version and the NFV profile 1.0 types.

Phase: resolve (type collection).  Input: a ``tosca_definitions_version``.  Output: the
built-in :class:`~compiler.resolve.typedefs.TypeDef` list for that version, plus the
primitive data types (string, integer, ..., scalar-unit.*), which are not in any file.

The definitions are not retyped: they come from the installed ``toscaparser`` package
(``toscaparser/elements/TOSCA_definition*.yaml`` — the normative types of TOSCA 1.0.3
that tosca-parser uses for 1_0 to 1_3 alike — and
``toscaparser/extensions/nfv/TOSCA_nfv_definition_1_0_0.yaml``), read with our own
positioned YAML reader, once per process (thread-safe), in *trusted* mode: the known
slips in those files are accepted silently.  Types that TOSCA 1.3 adds and tosca-parser's
file lacks (``tosca.interfaces.Root``, ``tosca.capabilities.Compute``/``Network``/``Storage``,
``tosca.datatypes.json``,
``tosca.datatypes.xml``, ``tosca.datatypes.TimeInterval``) are added here, so 1.3 templates may use them.

Each later version's own changes are data files, ``compiler/profiles/tosca-simple/1.1.yaml``
and ``1.2.yaml`` (facts from the specifications' type lists), applied on top in order:
``tosca_simple_yaml_1_1`` gets 1.1's, ``1_2`` and ``1_3`` get 1.1's then 1.2's (1.3 adds
no type beyond those).  A type in an overlay replaces the same name below it.

Codes: none (a missing or unreadable file leaves the set empty except the primitives;
the registry then reports unknown types where they are used).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

from ..diagnostics import Diagnostics, Span
from ..loader.yamlpos import load_yaml
from .typedefs import PropertyDef, TypeDef, read_types

NFV_1_0 = "tosca_simple_profile_for_nfv_1_0_0"
SIMPLE_VERSIONS = (
    "tosca_simple_yaml_1_0",
    "tosca_simple_yaml_1_1",
    "tosca_simple_yaml_1_2",
    "tosca_simple_yaml_1_3",
)
VERSIONS = SIMPLE_VERSIONS + (NFV_1_0,)

PRIMITIVES = (
    "string",
    "integer",
    "float",
    "boolean",
    "timestamp",
    "null",
    "version",
    "range",
    "list",
    "map",
    "scalar-unit.size",
    "scalar-unit.time",
    "scalar-unit.frequency",
    "scalar-unit.bitrate",
)

_lock = threading.Lock()
_cache: dict[str, tuple[TypeDef, ...]] = {}


def _package_dir() -> Path | None:
    # found, not imported: importing tosca-parser runs pbr and more, for a folder's name
    spec = importlib.util.find_spec("toscaparser")
    if spec is None or not spec.origin:  # pragma: no cover - a declared dependency
        return None
    return Path(os.path.dirname(spec.origin))


def definition_files(version: str) -> tuple[Path, ...]:
    """The tosca-parser definition files that apply to ``version``, in load order."""
    base = _package_dir()
    if base is None:
        return ()
    elements = base / "elements"
    # tosca-parser has shipped TOSCA_definition_1_0.yaml and, later, TOSCA_definition.yaml
    normative = [p for p in (elements / "TOSCA_definition_1_0.yaml",
                             elements / "TOSCA_definition.yaml") if p.is_file()][:1]
    files = list(normative)
    if version == NFV_1_0:
        nfv = base / "extensions" / "nfv" / "TOSCA_nfv_definition_1_0_0.yaml"
        if nfv.is_file():
            files.append(nfv)
    return tuple(files)


# the overlays each simple-profile version applies on top of the 1.0.3 set, in order
OVERLAYS: dict[str, tuple[str, ...]] = {
    "tosca_simple_yaml_1_0": (),
    "tosca_simple_yaml_1_1": ("1.1",),
    "tosca_simple_yaml_1_2": ("1.1", "1.2"),
    "tosca_simple_yaml_1_3": ("1.1", "1.2"),
    NFV_1_0: (),  # the NFV profile 1.0 is built on TOSCA 1.0 (its §2)
}
_PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles" / "tosca-simple"


def overlay_files(version: str) -> tuple[Path, ...]:
    """The version's own normative-type files, applied over :func:`definition_files`.
    An unknown version gets the newest (TOSCA 1.3's) set."""
    names = OVERLAYS.get(version, OVERLAYS["tosca_simple_yaml_1_3"])
    return tuple(_PROFILE_DIR / f"{n}.yaml" for n in names)


def _read(path: Path, display: str | None = None) -> tuple[TypeDef, ...]:
    display = display or f"<tosca-parser>/{path.parent.name}/{path.name}"
    sink = Diagnostics()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ()
    data = load_yaml(text, display, sink)
    return tuple(read_types(data, display, sink, trusted=True))


def _primitives() -> tuple[TypeDef, ...]:
    span = Span("<builtin>")
    out = [TypeDef(kind="data", name=p, primitive=p, normative=True, file="<builtin>",
                   span=span) for p in PRIMITIVES]
    # TOSCA 1.3 types missing from tosca-parser's file (§5.3 data types, §5.8.3)
    out.append(TypeDef(kind="interface", name="tosca.interfaces.Root", normative=True,
                       file="<builtin>", span=span))
    # TOSCA 1.2/1.3 §5.5: capability types added after tosca-parser's 1.0.3 file
    for cap, parent in (("Compute", "tosca.capabilities.Container"),
                        ("Network", "tosca.capabilities.Root"),
                        ("Storage", "tosca.capabilities.Root")):
        out.append(TypeDef(
            kind="capability", name=f"tosca.capabilities.{cap}", derived_from=parent,
            normative=True, file="<builtin>", span=span,
            properties={"name": PropertyDef(name="name", type="string", required=False,
                                            span=span)},
        ))
    out.append(TypeDef(kind="data", name="tosca.datatypes.json", derived_from="string",
                       normative=True, file="<builtin>", span=span))
    out.append(TypeDef(kind="data", name="tosca.datatypes.xml", derived_from="string",
                       normative=True, file="<builtin>", span=span))
    out.append(TypeDef(
        kind="data", name="tosca.datatypes.TimeInterval", derived_from="tosca.datatypes.Root",
        normative=True, file="<builtin>", span=span,
        properties={
            n: PropertyDef(name=n, type="timestamp", span=span)
            for n in ("start_time", "end_time")
        },
    ))
    return tuple(out)


def types_for(version: str) -> tuple[TypeDef, ...]:
    """Built-in types for ``version`` (an unknown version gets TOSCA 1.3's set)."""
    key = version if version in OVERLAYS else "tosca_simple_yaml_1_3"
    hit = _cache.get(key)
    if hit is not None:
        return hit
    with _lock:
        hit = _cache.get(key)
        if hit is None:
            seen: dict[tuple[str, str], TypeDef] = {}
            for td in _primitives():
                seen[(td.kind, td.name)] = td
            for path in definition_files(version):
                for td in _read(path):
                    seen.setdefault((td.kind, td.name), td)
            for path in overlay_files(version):
                for td in _read(path, f"<xfc>/profiles/tosca-simple/{path.name}"):
                    seen[(td.kind, td.name)] = td  # the version's own definition wins
            hit = tuple(seen.values())
            _cache[key] = hit
    return hit


__all__ = ["NFV_1_0", "SIMPLE_VERSIONS", "VERSIONS", "PRIMITIVES", "OVERLAYS",
           "definition_files", "overlay_files", "types_for"]
