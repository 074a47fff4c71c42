"""The intermediate representation: what the front end hands to every back end.

Phase: produced by ``resolve`` (compiler.resolve), extended by ``normalize``
(compiler.normalize, into :mod:`.xfactor`), read by ``graph``, ``check`` and ``emit``.
Frozen dataclasses; spans are excluded from comparison, so tests compare meaning.

The syntax the IR is resolved from (the :class:`~compiler.loader.package.Package`:
every file read as positioned YAML, the entry, the CSAR metadata) lives with the loader
(issue 25, item 3); only resolve sees both.  Here:

* :class:`Topology` — the resolved service template: typed node templates with their
  properties evaluated (defaults applied, intrinsic functions resolved except
  ``get_attribute``, kept as :class:`RuntimeRef`), requirements bound to target
  templates, groups, policies, inputs, outputs, substitution mappings.

Values inside ``properties`` are plain Python data (dict, list, str, int, float, bool,
None, :class:`RuntimeRef`).  Scalar-unit values stay as written (``"256 MiB"``); use
:mod:`compiler.units` to normalise.  Positions of individual property values are
in ``property_spans`` (top-level property name -> Span of its value).

Codes: none (data only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from ..diagnostics import NO_SPAN, Span
from .frozen import FrozenList, FrozenMap, freeze, freeze_fields, thaw

# --------------------------------------------------------------------------- shipped


@dataclass(frozen=True, slots=True, kw_only=True)
class ShippedFile:
    """A YAML file shipped in the package for a back end (a Kubernetes manifest under
    ``Files/kubernetes/``, or a YAML artifact of a node template), read once by the loader
    under its limits, so no back end or check ever opens a file."""

    name: str  # name inside the package FS (POSIX, relative), e.g. "Files/kubernetes/cm.yaml"
    display: str  # what diagnostics show (Span.file)
    # every document of the file, deep-frozen positioned YAML (FrozenMap, FrozenList, ...);
    # a document's own position is ``doc.span`` when it is a mapping or a sequence
    documents: tuple[Any, ...] = field(default=(), compare=False)
    kubernetes: bool = False  # under Files/kubernetes/ (Tacker's layout, SOL004 §4.1)
    # the node templates that name the file as an artifact (TOSCA 1.3 §3.6.7)
    artifact_of: tuple[str, ...] = ()


# --------------------------------------------------------------------------- resolved

# The resolved templates live in :mod:`.topology`, imported on the first use of one of
# their names (PEP 562): a check that stops at load (a missing artifact, a bad
# TOSCA.meta) needs only the two file types above, and each frozen dataclass costs about a
# millisecond to create (docs/performance.md, "A Tacker CSAR checked cold").
_RESOLVED = frozenset((
    "RuntimeRef", "Capability", "Requirement", "Artifact", "NodeTemplate", "Group",
    "Policy", "Constraint", "Parameter", "Substitution", "InputUse", "Topology"))

if TYPE_CHECKING:  # what mypy and readers see: the same names, typed
    from .topology import (Artifact, Capability, Constraint, Group, InputUse, NodeTemplate,
                           Parameter, Policy, Requirement, RuntimeRef, Substitution, Topology)


def __getattr__(name: str) -> Any:
    if name not in _RESOLVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import topology

    for each in _RESOLVED:
        globals()[each] = getattr(topology, each)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | _RESOLVED)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputFile:
    """One file a back end or bundler wants written, relative to the output directory."""

    path: str  # POSIX, relative, no ".."
    content: bytes
    # the emitter that produced it, for the summary
    producer: str = ""
    # what ``content`` holds as data, one item per YAML document, exactly as a reader
    # gives it back (compiler.yamlout.as_read): the emitters fill it so that a bundler
    # never parses our own output (issue 25); None for a file that is not YAML data.  A
    # tuple, or a sequence made on first use (compiler.yamlout.AsRead, the policy files)
    documents: Sequence[Any] | None = field(default=None, compare=False, repr=False)
